//! `create-grafana-plugin update`: record → this version's files → per file replace, merge or
//! keep → all-or-nothing write → report. Which files it owns is `scaffold::managed`.

mod files;
mod git;
mod merge;
mod report;

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};

use crate::bad_input;
use crate::cli::UpdateArgs;
use crate::scaffold::plan;
use crate::scaffold::record::{Record, RECORD_PATH, TOOL_VERSION};
use crate::scaffold::replace::{self, Change};
use files::{FileUpdate, Status};
use report::Report;

pub fn run(args: &UpdateArgs) -> Result<()> {
    let root = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let record = Record::read(&root)?;
    refuse_newer(&record.version)?;
    if !args.dry_run {
        git::require_committed(&root, args.force)?;
    }
    let fresh = plan(&record.answers)?.files;
    let updates = files::decide(&root, &record, &fresh)?;
    let changes = changes(&root, &record, &fresh, &updates)?;
    let report = Report::new(
        root.display().to_string(),
        record.version.clone(),
        &updates,
        args.dry_run,
        changes.is_empty(),
    );
    if !args.dry_run && !changes.is_empty() {
        eprintln!("writing {} files in {}", changes.len(), root.display());
        replace::apply(&root, &changes)?;
    }
    match args.json {
        true => report.print_json()?,
        false => report.print_text()?,
    }
    match report.conflicted.len() {
        0 => Ok(()),
        n => Err(anyhow!(
            "{n} file(s) have conflicts between your edits and create-grafana-plugin \
             {TOOL_VERSION}, marked <<<<<<< yours … >>>>>>> create-grafana-plugin \
             {TOOL_VERSION}: {}; resolve them, then commit",
            report.conflicted.join(", ")
        )),
    }
}

/// The files to write: every changed managed file, then the record, last, so a project whose
/// record is current is a project whose files are.
fn changes(
    root: &Path,
    record: &Record,
    fresh: &[crate::scaffold::PlannedFile],
    updates: &[FileUpdate],
) -> Result<Vec<Change>> {
    let mut changes: Vec<Change> = updates
        .iter()
        .filter(|update| update.changed)
        .map(|update| Change {
            path: update.path.clone(),
            contents: update.after.clone(),
            executable: update.theirs.as_ref().is_some_and(|file| file.executable)
                && update.status != Status::KeptEdited,
        })
        .collect();
    let new_record = files::new_record(record, fresh, updates).to_file();
    let on_disk = std::fs::read(root.join(RECORD_PATH)).ok();
    if on_disk.as_ref() != Some(&new_record.contents) {
        changes.push(Change {
            path: new_record.path,
            contents: Some(new_record.contents),
            executable: false,
        });
    }
    Ok(changes)
}

/// An older binary would take the newer files for user edits and "merge" them back.
fn refuse_newer(recorded: &str) -> Result<()> {
    let parse = |version: &str| -> Option<Vec<u64>> {
        let core = version.split(['-', '+']).next()?;
        core.split('.').map(|part| part.parse().ok()).collect()
    };
    let (Some(recorded_parts), Some(ours)) = (parse(recorded), parse(TOOL_VERSION)) else {
        return Err(bad_input!(
            "{RECORD_PATH} records create-grafana-plugin version {recorded:?}, which is not a \
             version\n  help: restore it from git (git checkout -- {RECORD_PATH})"
        ));
    };
    if recorded_parts > ours {
        return Err(bad_input!(
            "this project was last written by create-grafana-plugin {recorded}, newer than this \
             one ({TOOL_VERSION})\n  help: install {recorded} or newer (cargo binstall \
             create-grafana-plugin@{recorded}), then run update again"
        ));
    }
    Ok(())
}
