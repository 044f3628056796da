//! Changing files of an existing project (`update`, `add backend`) all or nothing: each file is written to a temporary
//! sibling and renamed into place, and every change is undone (old bytes and modes restored,
//! created files and directories removed) when a later one fails or Ctrl-C arrives.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use super::PlannedFile;
use crate::error::Interrupted;
use crate::interrupt;

/// One file's new state: `contents: None` deletes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Relative to the project root, with `/` separators.
    pub path: String,
    pub contents: Option<Vec<u8>>,
    pub executable: bool,
}

impl From<&PlannedFile> for Change {
    fn from(file: &PlannedFile) -> Self {
        Self {
            path: file.path.clone(),
            contents: Some(file.contents.clone()),
            executable: file.executable,
        }
    }
}

/// Milliseconds to wait before each file, so the integration tests can press Ctrl-C halfway.
const TEST_PAUSE: &str = "CREATE_GRAFANA_PLUGIN_TEST_PAUSE_MS";

pub fn apply(root: &Path, changes: &[Change]) -> Result<()> {
    let _deferred = interrupt::Deferred::start();
    let pause = std::env::var(TEST_PAUSE)
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis);
    let mut undo = Undo::default();
    let result = changes
        .iter()
        .try_for_each(|change| {
            if let Some(pause) = pause {
                std::thread::sleep(pause);
            }
            stop_if_interrupted()?;
            apply_one(root, change, &mut undo)
        })
        .and_then(|()| stop_if_interrupted());
    if result.is_err() {
        undo.restore();
    }
    result
}

fn stop_if_interrupted() -> Result<()> {
    match interrupt::requested() {
        true => Err(anyhow::Error::new(Interrupted).context("stopped; every file is as it was")),
        false => Ok(()),
    }
}

fn apply_one(root: &Path, change: &Change, undo: &mut Undo) -> Result<()> {
    let path = root.join(&change.path);
    let old = match fs::read(&path) {
        Ok(bytes) => {
            let meta =
                fs::metadata(&path).with_context(|| format!("reading {}", path.display()))?;
            Some((bytes, meta.permissions()))
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
    };
    let keep_mode = old.as_ref().map(|(_, mode)| mode.clone());
    undo.files.push((path.clone(), old));
    match &change.contents {
        None => fs::remove_file(&path).with_context(|| format!("removing {}", path.display())),
        Some(contents) => {
            if let Some(dir) = path.parent() {
                undo.dirs_for(dir)?;
            }
            put(&path, contents, mode_for(change.executable, keep_mode))
        }
    }
}

/// The executable bit the tool asks for, or else the mode the user's file had.
fn mode_for(executable: bool, old: Option<fs::Permissions>) -> Option<fs::Permissions> {
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt;
        return Some(fs::Permissions::from_mode(0o755));
    }
    let _ = executable;
    old
}

/// Writes a temporary sibling and renames it over `path`, so `path` is never half-written.
fn put(path: &Path, contents: &[u8], mode: Option<fs::Permissions>) -> Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = path.with_file_name(format!(".{name}.cgp-{}", std::process::id()));
    let written = fs::write(&temp, contents)
        .with_context(|| format!("writing {}", temp.display()))
        .and_then(|()| match mode {
            Some(mode) => fs::set_permissions(&temp, mode)
                .with_context(|| format!("setting the mode of {}", temp.display())),
            None => Ok(()),
        })
        .and_then(|()| {
            fs::rename(&temp, path)
                .with_context(|| format!("moving {} to {}", temp.display(), path.display()))
        });
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// A file's bytes and mode before the change; `None` when there was no file.
type Before = Option<(Vec<u8>, fs::Permissions)>;

/// What was there before, newest last.
#[derive(Default)]
struct Undo {
    files: Vec<(PathBuf, Before)>,
    dirs: Vec<PathBuf>,
}

impl Undo {
    fn dirs_for(&mut self, dir: &Path) -> Result<()> {
        super::write::create_dirs(dir, &mut self.dirs)
    }

    /// Best effort: the error that made us undo is what the user needs to see.
    fn restore(self) {
        for (path, old) in self.files.into_iter().rev() {
            let _ = match old {
                Some((bytes, mode)) => put(&path, &bytes, Some(mode)),
                None => fs::remove_file(&path).map_err(Into::into),
            };
        }
        for dir in self.dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, contents: Option<&str>) -> Change {
        Change {
            path: path.to_owned(),
            contents: contents.map(|text| text.as_bytes().to_vec()),
            executable: false,
        }
    }

    #[test]
    fn a_failure_midway_restores_every_file_and_removes_what_was_created() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(root.join("kept"), "old").unwrap();
        fs::write(root.join("gone"), "old too").unwrap();
        fs::write(root.join("file"), "a file where a directory is needed").unwrap();
        let changes = [
            change("kept", Some("new")),
            change("gone", None),
            change("new/dir/created", Some("x")),
            change("file/below", Some("fails")),
        ];
        assert!(apply(root, &changes).is_err());
        assert_eq!(fs::read_to_string(root.join("kept")).unwrap(), "old");
        assert_eq!(fs::read_to_string(root.join("gone")).unwrap(), "old too");
        assert!(!root.join("new").exists());
        let mut names: Vec<_> = fs::read_dir(root)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["file", "gone", "kept"]);
    }

    #[test]
    fn changes_land_with_their_modes() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        let mut run = change("bin/run.sh", Some("#!/bin/sh\n"));
        run.executable = true;
        apply(root, &[run, change("a.txt", Some("a"))]).unwrap();
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "a");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(root.join("bin/run.sh")).unwrap().permissions();
            assert_eq!(mode.mode() & 0o777, 0o755);
        }
    }
}
