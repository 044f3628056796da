//! Which saves mean "rebuild the backend": Rust sources under `pkg/` and the crate's manifest,
//! lockfile and build script, debounced so that an editor's burst of writes is one change.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use tokio::sync::mpsc;

/// Editors write a file in several steps (truncate, write, rename); wait for them to settle.
const DEBOUNCE: Duration = Duration::from_millis(150);

const ROOT_FILES: &[&str] = &["Cargo.toml", "Cargo.lock", "build.rs"];
const SOURCE_DIR: &str = "pkg";

/// A batch of changes, stamped with when the first of them was seen.
#[derive(Debug)]
pub struct Change {
    pub seen: Instant,
    pub paths: Vec<PathBuf>,
}

pub struct Watcher {
    // Kept alive: dropping it stops the watch.
    _debouncer: Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
    changes: mpsc::UnboundedReceiver<Change>,
}

impl Watcher {
    pub fn start(root: &Path) -> Result<Self> {
        let (sender, changes) = mpsc::unbounded_channel();
        let owned_root = root.to_owned();
        let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let paths: Vec<PathBuf> = events
                .into_iter()
                .map(|event| event.path)
                .filter(|path| is_backend_input(&owned_root, path))
                .collect();
            if !paths.is_empty() {
                // The debouncer reports after the burst; the save happened about that long ago.
                let seen = Instant::now()
                    .checked_sub(DEBOUNCE)
                    .unwrap_or_else(Instant::now);
                let _ = sender.send(Change { seen, paths });
            }
        })
        .context("starting the file watcher")?;
        let watcher = debouncer.watcher();
        // The root non-recursively: editors replace Cargo.toml by renaming, which a watch on
        // the file itself would lose.
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("watching {}", root.display()))?;
        let sources = root.join(SOURCE_DIR);
        watcher
            .watch(&sources, RecursiveMode::Recursive)
            .with_context(|| format!("watching {}", sources.display()))?;
        Ok(Self {
            _debouncer: debouncer,
            changes,
        })
    }

    /// The next change; changes that piled up meanwhile are merged into it.
    pub async fn next(&mut self) -> Option<Change> {
        let mut change = self.changes.recv().await?;
        while let Ok(more) = self.changes.try_recv() {
            change.paths.extend(more.paths);
        }
        change.paths.sort();
        change.paths.dedup();
        Some(change)
    }

    /// Forgets changes seen so far (e.g. those a build itself caused).
    pub fn discard_pending(&mut self) {
        while self.changes.try_recv().is_ok() {}
    }
}

fn is_backend_input(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let in_sources =
        relative.starts_with(SOURCE_DIR) && relative.extension().is_some_and(|e| e == "rs");
    let root_file = relative.parent() == Some(Path::new(""))
        && ROOT_FILES.iter().any(|name| relative == Path::new(name));
    in_sources || root_file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_backend_inputs_count() {
        let root = Path::new("/p");
        for yes in [
            "/p/pkg/main.rs",
            "/p/pkg/a/b.rs",
            "/p/Cargo.toml",
            "/p/Cargo.lock",
        ] {
            assert!(is_backend_input(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/p/pkg/.main.rs.swp",
            "/p/src/module.ts",
            "/p/dist/gpx_x_linux_amd64",
            "/p/target/debug/gpx_x",
            "/p/sub/Cargo.toml",
            "/elsewhere/pkg/main.rs",
        ] {
            assert!(!is_backend_input(root, Path::new(no)), "{no}");
        }
    }
}
