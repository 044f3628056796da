//! `create-grafana-plugin update`: record → this version's files → per file replace, merge or
//! keep → all-or-nothing write → report. Which files it owns is `scaffold::managed`.

mod files;
mod git;
mod keyed;
mod merge;
mod report;

use std::path::Path;

use anyhow::{anyhow, Result};

use crate::bad_input;
use crate::cli::UpdateArgs;
use crate::plugin::find_root;
use crate::scaffold::plan;
use crate::scaffold::record::{Record, RECORD_PATH, TOOL_VERSION};
use crate::scaffold::replace::{self, Change};
use files::{FileUpdate, Status};
use report::Report;

pub fn run(args: &UpdateArgs) -> Result<()> {
    let root = find_root(&args.plugin.start())?;
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
        let files = match changes.len() {
            1 => "1 file".to_owned(),
            n => format!("{n} files"),
        };
        eprintln!("writing {files} in {}", root.display());
        replace::apply(&root, &changes)?;
    }
    match args.json {
        true => report.print_json()?,
        false => report.print_text()?,
    }
    match (report.conflicted.len(), args.dry_run) {
        (0, _) => Ok(()),
        (n, true) => Err(anyhow!(
            "{n} file(s) would have conflicts between your edits and create-grafana-plugin \
             {TOOL_VERSION}: {} (dry run: nothing was written)",
            report.unresolved()
        )),
        (n, false) => Err(anyhow!(
            "{n} file(s) have conflicts between your edits and create-grafana-plugin \
             {TOOL_VERSION}: {}; resolve them, then commit",
            report.unresolved()
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
    let new_record = files::new_record(root, record, fresh, updates).to_file();
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

/// `1.2.3` (any pre-release or build suffix ignored) as numbers, so 0.10.0 sorts after 0.9.0.
fn version_parts(version: &str) -> Option<Vec<u64>> {
    let core = version.split(['-', '+']).next()?;
    core.split('.').map(|part| part.parse().ok()).collect()
}

/// An older binary would take the newer files for user edits and "merge" them back.
fn refuse_newer(recorded: &str) -> Result<()> {
    let parse = version_parts;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::exit_code;

    #[test]
    fn versions_compare_as_numbers() {
        assert!(version_parts("0.10.0") > version_parts("0.9.1"));
        assert_eq!(version_parts("1.2.3-rc.1"), Some(vec![1, 2, 3]));
        assert_eq!(version_parts("one"), None);
    }

    #[test]
    fn only_a_newer_record_is_refused() {
        assert!(refuse_newer("0.0.1").is_ok());
        assert!(refuse_newer(TOOL_VERSION).is_ok());
        let newer = refuse_newer("999.0.0").unwrap_err();
        assert_eq!(exit_code(&newer), 2);
        assert!(
            newer.to_string().contains("help: install 999.0.0"),
            "{newer}"
        );
        assert_eq!(exit_code(&refuse_newer("latest").unwrap_err()), 2);
    }
}
