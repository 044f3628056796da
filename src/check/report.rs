//! The check's findings: one line per step with its timing, or one JSON object with `--json`.

use std::time::Duration;

use anyhow::{Context, Result};
use console::style;
use serde::Serialize;

/// A step's outcome, as `--json` spells it: `passed`, `warning`, `failed` or `info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    /// An advisory step went wrong; Grafana copes, so the check still passes.
    Warning,
    /// A required step went wrong: the check fails.
    Failed,
    /// Neither pass nor fault: how this plugin works, e.g. a call its SDK does not serve.
    Info,
}

/// Whether a step's error fails the check or only warns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needed {
    /// Grafana cannot use the plugin without it.
    Required,
    /// Grafana copes without it.
    Advisory,
}

#[derive(Debug, Serialize)]
pub struct Step {
    pub step: &'static str,
    pub status: Status,
    pub ms: f64,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub passed: bool,
    pub plugin: String,
    pub executable: String,
    pub settings: String,
    pub steps: Vec<Step>,
}

impl Report {
    pub fn new(plugin: String, executable: String, settings: String) -> Self {
        Self {
            passed: true,
            plugin,
            executable,
            settings,
            steps: Vec::new(),
        }
    }

    pub fn record(
        &mut self,
        step: &'static str,
        took: Duration,
        result: Result<String, String>,
        needed: Needed,
    ) {
        let (status, detail) = match (result, needed) {
            (Ok(detail), _) => (Status::Passed, detail),
            (Err(detail), Needed::Required) => (Status::Failed, detail),
            (Err(detail), Needed::Advisory) => (Status::Warning, detail),
        };
        self.push(step, took, status, detail);
    }

    /// A finding that is neither a pass nor a fault.
    pub fn note(&mut self, step: &'static str, took: Duration, detail: String) {
        self.push(step, took, Status::Info, detail);
    }

    fn push(&mut self, step: &'static str, took: Duration, status: Status, detail: String) {
        if status == Status::Failed {
            self.passed = false;
        }
        self.steps.push(Step {
            step,
            status,
            ms: (took.as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
            detail,
        });
    }

    pub fn first_failure(&self) -> Option<&Step> {
        self.steps.iter().find(|s| s.status == Status::Failed)
    }

    pub fn print_json(&self) -> Result<()> {
        println!(
            "{}",
            serde_json::to_string_pretty(self).context("serialising the report")?
        );
        Ok(())
    }

    pub fn print_text(&self) {
        println!("{} {}", style("Checking").bold(), self.plugin);
        println!("  executable: {}", self.executable);
        println!("  settings:   {}", self.settings);
        for step in &self.steps {
            let mark = match step.status {
                Status::Passed => style("ok  ").green(),
                Status::Warning => style("warn").yellow(),
                Status::Failed => style("FAIL").red().bold(),
                Status::Info => style("info").cyan(),
            };
            let mut lines = step.detail.lines();
            println!(
                "  {mark} {:<16} {:>9.2} ms  {}",
                step.step,
                step.ms,
                lines.next().unwrap_or("")
            );
            for line in lines {
                println!("       {line}");
            }
        }
        let verdict = if self.passed {
            style("passed").green().bold()
        } else {
            style("failed").red().bold()
        };
        println!("check {verdict}");
    }
}
