//! The check's findings: one line per step with its timing, or one JSON object with `--json`.

use std::io::{self, Write};
use std::time::Duration;

use anyhow::Result;
use console::style;
use serde::Serialize;

use crate::ui;

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
        ui::print_json(self)
    }

    pub fn print_text(&self) -> Result<()> {
        ui::print_result(|out| self.write_text(out))
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{} {}", style("Checking").bold(), self.plugin)?;
        writeln!(out, "  executable: {}", self.executable)?;
        writeln!(out, "  settings:   {}", self.settings)?;
        for step in &self.steps {
            let mark = match step.status {
                Status::Passed => style("ok  ").green(),
                Status::Warning => style("warn").yellow(),
                Status::Failed => style("FAIL").red().bold(),
                Status::Info => style("info").cyan(),
            };
            let mut lines = step.detail.lines();
            writeln!(
                out,
                "  {mark} {:<16} {:>9.2} ms  {}",
                step.step,
                step.ms,
                lines.next().unwrap_or("")
            )?;
            for line in lines {
                writeln!(out, "       {line}")?;
            }
        }
        let verdict = if self.passed {
            style("passed").green().bold()
        } else {
            style("failed").red().bold()
        };
        writeln!(out, "check {verdict}")
    }
}
