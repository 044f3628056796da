//! Progress on stderr while targets compile: an indicatif bar per target in a terminal, plain
//! lines in CI logs, pipes and with `NO_COLOR`.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::cargo::Event;

/// cargo's status verbs (right-aligned, as in `   Compiling serde v1`): the bar already says this.
const STATUS_VERBS: &[&str] = &[
    "Compiling",
    "Checking",
    "Fresh",
    "Finished",
    "Downloading",
    "Downloaded",
    "Updating",
    "Locking",
    "Adding",
    "Running",
];

/// The progress of one target's compilation.
pub struct TargetProgress {
    label: String,
    bar: Option<ProgressBar>,
    started: Instant,
}

impl TargetProgress {
    /// `units` is the estimated number of units a cold build compiles.
    pub fn start(label: String, units: usize) -> Self {
        let bar = crate::ui::animations().then(|| {
            let bar = ProgressBar::new(units.max(1) as u64);
            let style = ProgressStyle::with_template(
                "{prefix:>14.cyan.bold} [{bar:30}] {pos}/{len} {wide_msg} {elapsed:>4}",
            )
            .expect("valid progress template")
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(label.clone());
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        if bar.is_none() {
            eprintln!("building {label}…");
        }
        Self {
            label,
            bar,
            started: Instant::now(),
        }
    }

    pub fn event(&mut self, event: Event) {
        match (event, &self.bar) {
            (Event::Unit { name, .. }, Some(bar)) => {
                // The estimate can fall short (e.g. proc macros built twice); grow, never stall.
                if bar.position() + 1 >= bar.length().unwrap_or(0) {
                    bar.inc_length(1);
                }
                bar.inc(1);
                bar.set_message(name);
            }
            (Event::Unit { .. }, None) => {}
            (Event::Stderr(line), bar) => {
                if is_status(&line) {
                    return;
                }
                match bar {
                    Some(bar) => bar.println(line),
                    None => eprintln!("{line}"),
                }
            }
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn finish(self, ok: bool) {
        let seconds = self.started.elapsed().as_secs_f64();
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if ok {
            eprintln!("built {} in {seconds:.1} s", self.label)
        } else {
            eprintln!("{} failed after {seconds:.1} s", self.label)
        }
    }
}

/// Whether `line` is one of cargo's status lines rather than a diagnostic.
pub fn is_status(line: &str) -> bool {
    let trimmed = line.trim_start();
    line.len() > trimmed.len()
        && STATUS_VERBS.iter().any(|verb| {
            trimmed
                .strip_prefix(verb)
                .is_some_and(|rest| rest.starts_with(' '))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_status_lines_are_recognised_but_diagnostics_are_not() {
        assert!(is_status("   Compiling serde v1.0.0"));
        assert!(is_status(
            "    Finished `release` profile [optimized] target(s) in 1.2s"
        ));
        assert!(!is_status(
            "error[E0425]: cannot find value `x` in this scope"
        ));
        assert!(!is_status("warning: unused variable: `a`"));
        assert!(!is_status(
            "Compiling is what this line says, without the indent"
        ));
    }
}
