//! What `add backend` tells the user: the files on stdout, or one JSON object with `--json`, in
//! the shape of `new`'s report.

use std::io::{self, Write};

use anyhow::Result;
use console::style;
use serde::Serialize;

use super::changes::{Changes, Manual};
use super::inspect::Plugin;
use crate::plugin::Summary;
use crate::ui;

#[derive(Serialize)]
pub struct Report {
    #[serde(flatten)]
    plugin: Summary,
    /// Whether `.config/.cgprc.json` showed the plugin was made by this tool.
    made_by_this_tool: bool,
    dry_run: bool,
    files: Vec<String>,
    changed: Vec<String>,
    manual: Vec<Manual>,
    next_steps: Vec<String>,
}

impl Report {
    pub fn new(plugin: &Plugin, changes: Changes, dry_run: bool) -> Self {
        let paths = |files: &[crate::scaffold::PlannedFile]| {
            files.iter().map(|f| f.path.clone()).collect::<Vec<_>>()
        };
        Report {
            plugin: Summary::new(&plugin.answers.id, &plugin.root, true),
            made_by_this_tool: plugin.made_here,
            dry_run,
            files: paths(&changes.added),
            changed: paths(&changes.changed),
            manual: changes.manual,
            next_steps: vec![
                "create-grafana-plugin build --target linux".to_owned(),
                "create-grafana-plugin check".to_owned(),
                "docker compose up".to_owned(),
            ],
        }
    }

    pub fn print_json(&self) -> Result<()> {
        ui::print_json(self)
    }

    pub fn print_text(&self) -> Result<()> {
        ui::print_result(|out| self.write_text(out))
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        for file in &self.files {
            writeln!(out, "  {} {file}", style("+").green())?;
        }
        for file in &self.changed {
            writeln!(out, "  {} {file}", style("~").cyan())?;
        }
        let verb = if self.dry_run { "Would add" } else { "Added" };
        writeln!(
            out,
            "\n{} a Rust backend to {} ({} plugin)",
            style(verb).green().bold(),
            style(&self.plugin.id).bold(),
            self.plugin.kind
        )?;
        writeln!(
            out,
            "  {} files added, {} changed in {}; executable {}",
            self.files.len(),
            self.changed.len(),
            self.plugin.directory,
            self.plugin.executable.as_deref().unwrap_or_default()
        )?;
        if !self.manual.is_empty() {
            writeln!(
                out,
                "\n{}",
                style("Left for you to change:").yellow().bold()
            )?;
            for manual in &self.manual {
                writeln!(out, "  {}: {}", manual.path, manual.change)?;
            }
        }
        if !self.dry_run {
            writeln!(out, "\nNext steps:")?;
            for step in &self.next_steps {
                writeln!(out, "  {step}")?;
            }
        }
        Ok(())
    }
}
