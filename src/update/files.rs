//! What happens to each managed file: the user's bytes, the bytes the tool wrote last time (the
//! record) and the bytes this version generates decide it.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use super::git;
use super::keyed::{self, KeyConflict};
use super::merge::{self, Labels};
use crate::scaffold::managed::is_managed;
use crate::scaffold::plan::find;
use crate::scaffold::record::{blob_id, Record, TOOL_VERSION};
use crate::scaffold::PlannedFile;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// The user never changed it: now what this version generates.
    Replaced,
    /// The user changed it and the tool's changes merged cleanly into theirs.
    Merged,
    /// The user changed it where the tool did: left with conflict markers, or, in package.json
    /// and Cargo.toml, with the user's values and the keys listed.
    Conflicted,
    /// New in this version.
    Created,
    /// No longer generated, and the user never changed it.
    Removed,
    /// The user deleted it: left deleted.
    KeptDeleted,
    /// No longer generated, but the user changed it: left as it is.
    KeptEdited,
    /// Already what this version generates, or the user's edit with nothing new to merge.
    Untouched,
}

pub struct FileUpdate {
    pub path: String,
    pub status: Status,
    /// The bytes on disk after the update (`None`: no file).
    pub after: Option<Vec<u8>>,
    /// What this version generates there, if anything.
    pub theirs: Option<PlannedFile>,
    /// Whether `after` differs from what is on disk now.
    pub changed: bool,
    /// The keys of a key-level merge left with the user's values (package.json, Cargo.toml).
    pub conflicts: Vec<KeyConflict>,
}

/// Every managed file this version generates or the record names, in path order.
pub fn decide(root: &Path, record: &Record, fresh: &[PlannedFile]) -> Result<Vec<FileUpdate>> {
    let paths: BTreeSet<&str> = fresh
        .iter()
        .map(|file| file.path.as_str())
        .filter(|path| is_managed(path))
        .chain(
            record
                .files
                .keys()
                .map(String::as_str)
                .filter(|p| is_managed(p)),
        )
        .collect();
    paths
        .into_iter()
        .map(|path| decide_one(root, record, path, find(fresh, path)))
        .collect()
}

fn decide_one(
    root: &Path,
    record: &Record,
    path: &str,
    theirs: Option<&PlannedFile>,
) -> Result<FileUpdate> {
    let ours = read(&root.join(path))?;
    let recorded = record.files.get(path);
    let unchanged_by_user = |bytes: &[u8]| recorded.is_some_and(|id| *id == blob_id(bytes));
    let mut conflicts = Vec::new();
    let (status, after) = match (&ours, theirs) {
        (None, None) => (Status::Untouched, None),
        (None, Some(_)) if recorded.is_some() => (Status::KeptDeleted, None),
        (None, Some(theirs)) => (Status::Created, Some(theirs.contents.clone())),
        (Some(ours), None) if unchanged_by_user(ours) => (Status::Removed, None),
        (Some(ours), None) => (Status::KeptEdited, Some(ours.clone())),
        (Some(ours), Some(theirs)) if *ours == theirs.contents => {
            (Status::Untouched, Some(ours.clone()))
        }
        (Some(ours), Some(theirs)) if unchanged_by_user(ours) => {
            (Status::Replaced, Some(theirs.contents.clone()))
        }
        (Some(ours), Some(theirs)) => {
            let base = base(root, record, path, theirs);
            // The tool changed nothing here since last time: the user's edit stands.
            if base.as_deref() == Some(&theirs.contents[..]) {
                return Ok(untouched(path, ours, theirs));
            }
            let (bytes, marked) = match keyed::merge(path, ours, base.as_deref(), &theirs.contents)?
            {
                Some(merged) => {
                    conflicts = merged.conflicts;
                    (merged.bytes, false)
                }
                None => {
                    let merged = text_merge(record, path, ours, base.as_deref(), theirs)?;
                    (merged.bytes, merged.conflicts)
                }
            };
            let status = match (marked || !conflicts.is_empty(), bytes == *ours) {
                (true, _) => Status::Conflicted,
                (false, true) => Status::Untouched,
                (false, false) => Status::Merged,
            };
            (status, Some(bytes))
        }
    };
    Ok(FileUpdate {
        path: path.to_owned(),
        status,
        changed: after != ours,
        after,
        theirs: theirs.cloned(),
        conflicts,
    })
}

/// `git merge-file`'s merge, its conflicts marked in the text.
fn text_merge(
    record: &Record,
    path: &str,
    ours: &[u8],
    base: Option<&[u8]>,
    theirs: &PlannedFile,
) -> Result<merge::Merged> {
    let labels = Labels {
        ours: "yours",
        base: &match base {
            Some(_) => format!("create-grafana-plugin {}", record.version),
            None => "no base: commit generated files so the next update can merge".into(),
        },
        theirs: &format!("create-grafana-plugin {TOOL_VERSION}"),
    };
    merge::merge(ours, base, &theirs.contents, &labels).with_context(|| format!("merging {path}"))
}

fn untouched(path: &str, ours: &[u8], theirs: &PlannedFile) -> FileUpdate {
    FileUpdate {
        path: path.to_owned(),
        status: Status::Untouched,
        after: Some(ours.to_vec()),
        theirs: Some(theirs.clone()),
        changed: false,
        conflicts: Vec::new(),
    }
}

/// The bytes the tool wrote at `path` last time: generated again when the recorded version is
/// this one and the recorded id agrees (`add backend` records what `new` wrote in a file it left
/// to the user, which differs from what this version generates now), else kept in the record,
/// else found in git history by their blob id.
fn base(root: &Path, record: &Record, path: &str, theirs: &PlannedFile) -> Option<Vec<u8>> {
    let recorded = record.files.get(path);
    if record.version == TOOL_VERSION && recorded.is_none_or(|id| *id == blob_id(&theirs.contents))
    {
        return Some(theirs.contents.clone());
    }
    let id = recorded?;
    match record.bases.get(path) {
        Some(text) if blob_id(text.as_bytes()) == *id => Some(text.clone().into_bytes()),
        _ => git::blob(root, id),
    }
}

fn read(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}

/// The record after the update: this version, and the tool's text of every file the user's
/// bytes differ from and git does not hold, so the next update has its base. (Text git holds is
/// found by its blob id; keeping it again would rewrite the record after every edit.)
pub fn new_record(
    root: &Path,
    record: &Record,
    fresh: &[PlannedFile],
    updates: &[FileUpdate],
) -> Record {
    let mut after = Record::of(&record.answers, fresh);
    for update in updates {
        let Some(theirs) = &update.theirs else {
            continue;
        };
        let differs = update
            .after
            .as_ref()
            .is_some_and(|after| *after != theirs.contents)
            && git::blob(root, &blob_id(&theirs.contents)).is_none();
        if let (true, Ok(text)) = (differs, std::str::from_utf8(&theirs.contents)) {
            after.bases.insert(update.path.clone(), text.to_owned());
        }
    }
    after
}
