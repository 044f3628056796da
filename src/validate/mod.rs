//! `create-grafana-plugin validate`: the plugin validator's offline checks on a zip or a
//! folder. Resolves the path, runs [`crate::rules`], prints the findings (text or JSON) and
//! fails when one is an error.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde::Serialize;

use crate::bad_input;
use crate::cli::ValidateArgs;
use crate::rules::{self, Finding, Findings, Severity, CATALOG_NOTE};
use crate::ui;

pub fn run(args: &ValidateArgs) -> Result<()> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let findings = check(&path)?;
    let report = Report::new(&path, &findings);
    if args.json {
        report.print_json()?
    } else {
        report.print_text()?
    }
    match report.errors {
        0 => Ok(()),
        n => Err(anyhow!(
            "{} has {n} error{} the plugin validator would report (see the findings on stdout)",
            path.display(),
            if n == 1 { "" } else { "s" }
        )),
    }
}

/// A file is read as a zip, a folder as a plugin folder; anything else is refused.
fn check(path: &Path) -> Result<Findings> {
    let metadata = std::fs::metadata(path).map_err(|error| {
        bad_input!(
            "cannot read {}: {error}\n  help: pass a plugin zip (from `create-grafana-plugin \
             package`), a dist/ folder or a plugin folder",
            path.display()
        )
    })?;
    if metadata.is_file() {
        rules::check_archive(path)
    } else {
        rules::check_dir(path)
    }
    .with_context(|| format!("validating {}", path.display()))
}

#[derive(Serialize)]
struct Report<'a> {
    path: String,
    errors: usize,
    warnings: usize,
    recommendations: usize,
    findings: &'a [Finding],
    /// Why the catalog refuses the plugin whatever the findings, when it has a backend.
    catalog: Option<&'static str>,
    /// The counts in words, for the text report.
    #[serde(skip)]
    summary: String,
}

impl<'a> Report<'a> {
    fn new(path: &Path, findings: &'a Findings) -> Self {
        Self {
            path: path.display().to_string(),
            errors: findings.count(Severity::Error),
            warnings: findings.count(Severity::Warning),
            recommendations: findings.count(Severity::Recommendation),
            findings: &findings.items,
            catalog: findings.has_backend.then_some(CATALOG_NOTE),
            summary: findings.summary(),
        }
    }

    fn print_json(&self) -> Result<()> {
        ui::print_json(self)
    }

    fn print_text(&self) -> Result<()> {
        ui::print_result(|out| {
            for finding in self.findings {
                writeln!(out, "{}", finding.line(false))?;
            }
            writeln!(out, "{}: {}", self.path, self.summary)?;
            if let Some(note) = self.catalog {
                writeln!(out, "{note}")?;
            }
            Ok(())
        })
    }
}
