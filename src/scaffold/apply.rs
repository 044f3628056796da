//! Changing an existing plugin (`add backend`): files are added and replaced as one step. Every new
//! content is first written beside its destination; only when all of them are on disk are they
//! renamed into place, each replaced file kept aside (hard-linked) until the end. A failure or
//! Ctrl-C at any point puts the tree back as it was.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::write::{finish_file, Created};
use super::PlannedFile;
use crate::error::Interrupted;
use crate::interrupt;

/// Writes `files` (paths relative to `root`), replacing those that exist.
pub fn apply(root: &Path, files: &[PlannedFile]) -> Result<()> {
    let _deferred = interrupt::Deferred::start();
    let mut work = Work::default();
    let result = files
        .iter()
        .try_for_each(|file| work.stage(root, file))
        .and_then(|()| work.swap_in());
    match result {
        Ok(()) => {
            work.finish();
            Ok(())
        }
        Err(error) => {
            work.undo();
            Err(error)
        }
    }
}

/// One file on its way in.
struct Staged {
    path: PathBuf,
    temp: PathBuf,
    /// A second name for the file being replaced, so it can be put back.
    backup: Option<PathBuf>,
    placed: bool,
}

#[derive(Default)]
struct Work {
    created: Created,
    staged: Vec<Staged>,
}

impl Work {
    fn stage(&mut self, root: &Path, file: &PlannedFile) -> Result<()> {
        stop_if_interrupted()?;
        let path = root.join(&file.path);
        if let Some(dir) = path.parent() {
            self.created.dirs_for(dir)?;
        }
        let temp = beside(&path, "new");
        let mut handle = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .with_context(|| format!("creating {}", temp.display()))?;
        let mut staged = Staged {
            path,
            temp,
            backup: None,
            placed: false,
        };
        let result = finish_file(&mut handle, file, &staged.temp)
            .and_then(|()| keep_aside(&staged.path, &staged.temp));
        match result {
            Ok(backup) => staged.backup = backup,
            Err(error) => {
                let _ = fs::remove_file(&staged.temp);
                return Err(error);
            }
        }
        self.staged.push(staged);
        Ok(())
    }

    fn swap_in(&mut self) -> Result<()> {
        for staged in &mut self.staged {
            stop_if_interrupted()?;
            fs::rename(&staged.temp, &staged.path)
                .with_context(|| format!("replacing {}", staged.path.display()))?;
            staged.placed = true;
        }
        Ok(())
    }

    fn finish(self) {
        for backup in self.staged.iter().filter_map(|s| s.backup.as_ref()) {
            let _ = fs::remove_file(backup);
        }
    }

    /// Best effort, newest first: the original error is what the user needs to see.
    fn undo(self) {
        for staged in self.staged.iter().rev() {
            match (&staged.backup, staged.placed) {
                (Some(backup), true) => drop(fs::rename(backup, &staged.path)),
                (None, true) => drop(fs::remove_file(&staged.path)),
                (backup, false) => {
                    let _ = fs::remove_file(&staged.temp);
                    if let Some(backup) = backup {
                        let _ = fs::remove_file(backup);
                    }
                }
            }
        }
        self.created.undo();
    }
}

/// When `path` exists: gives `temp` its permissions (an edit keeps the file's mode) and returns
/// a second name for it, which the rename over `path` leaves intact.
fn keep_aside(path: &Path, temp: &Path) -> Result<Option<PathBuf>> {
    let Ok(meta) = fs::metadata(path) else {
        return Ok(None);
    };
    fs::set_permissions(temp, meta.permissions())
        .with_context(|| format!("copying the mode of {}", path.display()))?;
    let backup = beside(path, "old");
    if fs::hard_link(path, &backup).is_err() {
        // File systems without hard links get a copy.
        fs::copy(path, &backup).with_context(|| format!("keeping a copy of {}", path.display()))?;
    }
    Ok(Some(backup))
}

/// A hidden sibling, on the same file system so the rename is atomic.
fn beside(path: &Path, role: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.cgp-{role}-{}", std::process::id()))
}

fn stop_if_interrupted() -> Result<()> {
    if interrupt::requested() {
        Err(anyhow::Error::new(Interrupted).context("stopped; nothing was changed"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> PlannedFile {
        PlannedFile {
            path: path.to_owned(),
            contents: text.as_bytes().to_vec(),
            executable: false,
        }
    }

    fn tree(root: &Path) -> Vec<(String, String)> {
        let mut entries: Vec<(String, String)> = walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let relative = e.path().strip_prefix(root).unwrap().display().to_string();
                let text = fs::read_to_string(e.path()).unwrap_or_else(|_| "<dir>".into());
                (relative, text)
            })
            .collect();
        entries.sort();
        entries
    }

    #[test]
    fn files_are_added_and_replaced_keeping_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(root.join("run.sh"), "old").unwrap();
        fs::set_permissions(root.join("run.sh"), fs::Permissions::from_mode(0o750)).unwrap();
        apply(
            root,
            &[file("run.sh", "new"), file("pkg/main.rs", "fn main() {}")],
        )
        .unwrap();
        assert_eq!(
            tree(root),
            [
                ("pkg".into(), "<dir>".into()),
                ("pkg/main.rs".into(), "fn main() {}".into()),
                ("run.sh".into(), "new".into()),
            ]
        );
        let mode = fs::metadata(root.join("run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o750);
    }

    #[test]
    fn a_failure_puts_every_file_back() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(root.join("README.md"), "mine").unwrap();
        fs::write(root.join("pkg"), "a file where a directory is needed").unwrap();
        let before = tree(root);
        let error = apply(
            root,
            &[
                file("README.md", "theirs"),
                file("src/new.rs", "x"),
                file("pkg/main.rs", "y"),
            ],
        )
        .unwrap_err();
        assert!(
            format!("{error:#}").contains("a file of that name exists"),
            "{error:#}"
        );
        assert_eq!(tree(root), before);
    }
}
