//! What `update` tells the user: one line per changed file on stdout, grouped by what happened,
//! or one JSON object with `--json`.

use std::io::{self, Write};

use anyhow::Result;
use serde::Serialize;

use super::files::{FileUpdate, Status};
use super::keyed::KeyConflict;
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
    /// The keys of package.json and Cargo.toml left with the user's value where the tool changed
    /// it too (their files are among `conflicted`, with no markers in them).
    pub conflicted_keys: Vec<FileKeyConflict>,
}

#[derive(Serialize)]
pub struct FileKeyConflict {
    pub file: String,
    #[serde(flatten)]
    pub conflict: KeyConflict,
}

impl FileKeyConflict {
    /// `package.json: devDependencies.typescript (yours ^5.4, tool ^5.9)`.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.file, self.conflict.describe())
    }
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
            conflicted_keys: updates
                .iter()
                .flat_map(|update| {
                    update.conflicts.iter().map(|conflict| FileKeyConflict {
                        file: update.path.clone(),
                        conflict: conflict.clone(),
                    })
                })
                .collect(),
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
        let merged = [
            ("replaced", &self.replaced, ""),
            ("merged", &self.merged, " (your edits kept)"),
        ];
        let added_or_kept = [
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
        write_groups(out, &merged)?;
        self.write_conflicts(out)?;
        write_groups(out, &added_or_kept)?;
        if !self.up_to_date {
            let untouched = self.untouched.len();
            writeln!(out, "  {untouched} managed files already up to date")?;
        }
        Ok(())
    }

    /// A file merged key by key has a line per key, which keeps the user's value; any other
    /// conflicted file is marked.
    fn write_conflicts(&self, out: &mut dyn Write) -> io::Result<()> {
        for path in &self.conflicted {
            let keys: Vec<&FileKeyConflict> = self
                .conflicted_keys
                .iter()
                .filter(|key| key.file == *path)
                .collect();
            if keys.is_empty() {
                writeln!(out, "  {:<11} {path} (resolve the markers)", "conflicted")?;
            }
            for key in keys {
                writeln!(out, "  {:<11} {}", "conflicted", key.describe())?;
            }
        }
        Ok(())
    }

    /// What is left to resolve, for the error after the report: each marked file, and each key
    /// left with the user's value.
    pub fn unresolved(&self) -> String {
        let marked = self
            .conflicted
            .iter()
            .filter(|path| !self.conflicted_keys.iter().any(|key| key.file == **path))
            .map(|path| {
                format!(
                    "{path} (marked <<<<<<< yours … >>>>>>> create-grafana-plugin {})",
                    self.to
                )
            });
        let keys = self.conflicted_keys.iter().map(FileKeyConflict::describe);
        let listed = marked.chain(keys).collect::<Vec<_>>().join(", ");
        match self.conflicted_keys.is_empty() {
            true => listed,
            false => format!("{listed} (each key listed keeps your value)"),
        }
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

/// One line per path: what happened to it, and a note.
fn write_groups(out: &mut dyn Write, groups: &[(&str, &Vec<String>, &str)]) -> io::Result<()> {
    for (word, paths, note) in groups {
        for path in paths.iter() {
            writeln!(out, "  {word:<11} {path}{note}")?;
        }
    }
    Ok(())
}
