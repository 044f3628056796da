//! What `update` tells the user: one line per changed file on stdout, grouped by what happened,
//! or one JSON object with `--json`.

use std::io::{self, Write};

use anyhow::Result;
use serde::Serialize;

use super::files::{FileUpdate, Status};
use crate::ui;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub directory: String,
    /// The tool version that wrote the managed files before.
    pub from: String,
    pub to: String,
    pub dry_run: bool,
    /// Nothing was (or would be) written.
    pub up_to_date: bool,
    pub replaced: Vec<String>,
    pub merged: Vec<String>,
    pub conflicted: Vec<String>,
    pub created: Vec<String>,
    pub removed: Vec<String>,
    pub kept_deleted: Vec<String>,
    pub kept_edited: Vec<String>,
    pub untouched: Vec<String>,
}

impl Report {
    pub fn new(
        directory: String,
        from: String,
        updates: &[FileUpdate],
        dry_run: bool,
        up_to_date: bool,
    ) -> Self {
        let with = |status: Status| -> Vec<String> {
            updates
                .iter()
                .filter(|update| update.status == status)
                .map(|update| update.path.clone())
                .collect()
        };
        Report {
            directory,
            from,
            to: crate::scaffold::record::TOOL_VERSION.to_owned(),
            dry_run,
            up_to_date,
            replaced: with(Status::Replaced),
            merged: with(Status::Merged),
            conflicted: with(Status::Conflicted),
            created: with(Status::Created),
            removed: with(Status::Removed),
            kept_deleted: with(Status::KeptDeleted),
            kept_edited: with(Status::KeptEdited),
            untouched: with(Status::Untouched),
        }
    }

    pub fn print_json(&self) -> Result<()> {
        ui::print_json(self)
    }

    pub fn print_text(&self) -> Result<()> {
        ui::print_result(|out| self.write_text(out))
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.headline())?;
        let groups = [
            ("replaced", &self.replaced, ""),
            ("merged", &self.merged, " (your edits kept)"),
            ("conflicted", &self.conflicted, " (resolve the markers)"),
            ("created", &self.created, ""),
            ("removed", &self.removed, " (no longer generated)"),
            (
                "kept",
                &self.kept_deleted,
                " (you deleted it; not recreated)",
            ),
            (
                "kept",
                &self.kept_edited,
                " (no longer generated, but you edited it)",
            ),
        ];
        for (word, paths, note) in groups {
            for path in paths {
                writeln!(out, "  {word:<11} {path}{note}")?;
            }
        }
        if !self.up_to_date {
            let untouched = self.untouched.len();
            writeln!(out, "  {untouched} managed files already up to date")?;
        }
        Ok(())
    }

    fn headline(&self) -> String {
        let versions = match self.from == self.to {
            true => format!("create-grafana-plugin {}", self.to),
            false => format!("create-grafana-plugin {} → {}", self.from, self.to),
        };
        match (self.up_to_date, self.dry_run) {
            (true, _) => format!("{}: up to date with {versions}", self.directory),
            (false, true) => format!("{}: {versions} (dry run: nothing written)", self.directory),
            (false, false) => format!("{}: updated to {versions}", self.directory),
        }
    }
}
