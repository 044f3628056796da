//! The only part of `new` that touches the disk. A fresh plugin is written into a hidden sibling
//! directory and renamed into place when complete, so a failure or Ctrl-C leaves nothing behind.
//! With `--force`, files are added to an existing directory one by one, never replacing one, and
//! every addition is undone if anything fails.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{Plan, PlannedFile};
use crate::bad_input;
use crate::error::Interrupted;
use crate::interrupt;
use crate::parallel;

/// What is at the destination directory before we write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    Missing,
    Empty,
    /// Only accepted with `--force`.
    NonEmpty,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub written: Vec<String>,
    /// Files that already existed (only with `--force`); they were left untouched.
    pub skipped: Vec<String>,
}

pub fn check_destination(root: &Path, force: bool) -> Result<Destination> {
    let destination = classify(root, force)?;
    // A fresh plugin is renamed into place from the parent. The rename would also replace a
    // read-only empty directory, but that mode is the user saying no, so it is honoured. With
    // --force, files are added inside the directory.
    let changed = match destination {
        Destination::Missing => vec![parent_of(root)],
        Destination::Empty => vec![root.to_owned(), parent_of(root)],
        Destination::NonEmpty => vec![root.to_owned()],
    };
    for dir in &changed {
        require_writable(dir, root)?;
    }
    Ok(destination)
}

fn classify(root: &Path, force: bool) -> Result<Destination> {
    match fs::metadata(root) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let parent = parent_of(root);
            if parent.is_dir() {
                Ok(Destination::Missing)
            } else {
                Err(bad_input!(
                    "cannot create {}: its parent directory {} does not exist\n  help: create it \
                 first (mkdir -p {}) or choose another directory",
                    root.display(),
                    parent.display(),
                    parent.display()
                ))
            }
        }
        Err(error) => match root.ancestors().skip(1).find(|a| a.is_file()) {
            Some(file) => Err(bad_input!(
                "cannot create {}: {} is a file, not a directory\n  help: choose another \
                 directory",
                root.display(),
                file.display()
            )),
            None => Err(error).with_context(|| format!("reading {}", root.display())),
        },
        Ok(meta) if !meta.is_dir() => Err(bad_input!(
            "{} exists and is not a directory\n  help: choose another directory",
            root.display()
        )),
        Ok(_) => {
            let mut entries =
                fs::read_dir(root).with_context(|| format!("reading {}", root.display()))?;
            match (entries.next().is_some(), force) {
                (false, _) => Ok(Destination::Empty),
                (true, true) => Ok(Destination::NonEmpty),
                (true, false) => Err(bad_input!(
                    "directory {} already exists and is not empty\n  help: choose another \
                     directory, or pass --force to add only the missing files (existing files are \
                     never overwritten)",
                    root.display()
                )),
            }
        }
    }
}

/// What `write` would do, without doing it.
pub fn preview(plan: &Plan, destination: Destination) -> Outcome {
    let mut outcome = Outcome::default();
    for file in &plan.files {
        let exists = destination == Destination::NonEmpty
            && fs::symlink_metadata(plan.root.join(&file.path)).is_ok();
        if exists {
            outcome.skipped.push(file.path.clone())
        } else {
            outcome.written.push(file.path.clone())
        }
    }
    outcome
}

pub fn write(plan: &Plan, destination: Destination) -> Result<Outcome> {
    let _deferred = interrupt::Deferred::start();
    match destination {
        Destination::Missing | Destination::Empty => write_fresh(plan, destination),
        Destination::NonEmpty => write_missing_files(plan),
    }
}

fn write_fresh(plan: &Plan, destination: Destination) -> Result<Outcome> {
    let staging = staging_path(&plan.root);
    fs::create_dir(&staging)
        .with_context(|| format!("creating the staging directory {}", staging.display()))?;
    let result =
        fill(&staging, &plan.files).and_then(|()| commit(&staging, &plan.root, destination));
    if result.is_err() {
        // Best effort: the original error is what the user needs to see.
        let _ = fs::remove_dir_all(&staging);
    }
    result?;
    Ok(Outcome {
        written: plan.files.iter().map(|f| f.path.clone()).collect(),
        skipped: Vec::new(),
    })
}

fn fill(staging: &Path, files: &[PlannedFile]) -> Result<()> {
    let mut made = HashSet::new();
    for file in files {
        let dir = staging.join(&file.path);
        if let Some(dir) = dir.parent().filter(|dir| !made.contains(*dir)) {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            made.insert(dir.to_owned());
        }
    }
    // Creating a file costs 30-400 µs on some disks; creates in different directories overlap.
    let written = parallel::map(files, |file| {
        if interrupt::requested() {
            return Err(interrupted());
        }
        let path = staging.join(&file.path);
        let mut handle =
            fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        finish_file(&mut handle, file, &path)
    });
    written.into_iter().collect()
}

fn commit(staging: &Path, root: &Path, destination: Destination) -> Result<()> {
    if interrupt::requested() {
        return Err(interrupted());
    }
    // POSIX rename replaces an empty directory atomically; Windows needs it gone first.
    if cfg!(windows) && destination == Destination::Empty {
        fs::remove_dir(root).with_context(|| format!("replacing empty {}", root.display()))?;
    }
    match fs::rename(staging, root) {
        Ok(()) => Ok(()),
        // Another process (a second `new`, say) filled the directory after we checked it.
        Err(_) if destination == Destination::Missing && root.exists() => Err(bad_input!(
            "{} was created by something else while this plugin was being written; nothing \
             was written\n  help: choose another directory",
            root.display()
        )),
        Err(error) => Err(error)
            .with_context(|| format!("moving the finished plugin into {}", root.display())),
    }
}

/// Adds the files that do not exist yet. Everything created is removed again on failure.
fn write_missing_files(plan: &Plan) -> Result<Outcome> {
    let mut created = Created::default();
    let mut outcome = Outcome::default();
    let result = (|| -> Result<()> {
        for file in &plan.files {
            if interrupt::requested() {
                return Err(interrupted());
            }
            let path = plan.root.join(&file.path);
            if let Some(dir) = path.parent() {
                created.dirs_for(dir)?;
            }
            let open = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path);
            match open {
                Ok(mut handle) => {
                    created.files.push(path.clone());
                    finish_file(&mut handle, file, &path)?;
                    outcome.written.push(file.path.clone());
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    outcome.skipped.push(file.path.clone());
                }
                Err(error) => {
                    return Err(error).with_context(|| format!("creating {}", path.display()))
                }
            }
        }
        Ok(())
    })();
    if result.is_err() {
        created.undo();
    }
    result.map(|()| outcome)
}

/// What `write_missing_files` (or `apply`) created, so it can be undone.
#[derive(Default)]
pub(super) struct Created {
    dirs: Vec<PathBuf>,
    pub(super) files: Vec<PathBuf>,
}

impl Created {
    fn dirs_for(&mut self, dir: &Path) -> Result<()> {
        create_dirs(dir, &mut self.dirs)
    }

    fn undo(self) {
        for file in self.files.iter().rev() {
            let _ = fs::remove_file(file);
        }
        for dir in self.dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// Creates `dir` and its missing parents, adding each one created to `created` (outermost first)
/// so that the caller can remove them again.
pub(crate) fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, created)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => {
            created.push(dir.to_owned());
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => bail!(
            "cannot create directory {}: a file of that name exists (it was left as it is)",
            dir.display()
        ),
        Err(error) => Err(error).with_context(|| format!("creating {}", dir.display())),
    }
}

fn finish_file(handle: &mut fs::File, file: &PlannedFile, path: &Path) -> Result<()> {
    handle
        .write_all(&file.contents)
        .with_context(|| format!("writing {}", path.display()))?;
    if file.executable {
        make_executable(handle).with_context(|| format!("making {} executable", path.display()))?;
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(handle: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    handle.set_permissions(fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_: &fs::File) -> io::Result<()> {
    Ok(())
}

/// Refuses before anything is written when `dir` (the plugin directory or its parent) cannot be
/// written to, rather than failing on the first file with a raw OS error.
fn require_writable(dir: &Path, root: &Path) -> Result<()> {
    writable(dir).map_err(|error| {
        bad_input!(
            "cannot create {}: {} is not writable ({error})\n  help: choose a directory you can \
             write to, or change its permissions",
            root.display(),
            std::path::absolute(dir)
                .unwrap_or_else(|_| dir.to_owned())
                .display()
        )
    })
}

/// Asks the kernel, so root, ACLs and read-only mounts are judged as a write would be.
#[cfg(unix)]
pub(crate) fn writable(dir: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: `path` is a valid NUL-terminated string that outlives the call.
    match unsafe { libc::access(path.as_ptr(), libc::W_OK | libc::X_OK) } {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

#[cfg(not(unix))]
pub(crate) fn writable(dir: &Path) -> io::Result<()> {
    if fs::metadata(dir)?.permissions().readonly() {
        Err(io::Error::from(io::ErrorKind::PermissionDenied))
    } else {
        Ok(())
    }
}

fn interrupted() -> anyhow::Error {
    anyhow::Error::new(Interrupted).context("stopped; nothing was written")
}

fn parent_of(root: &Path) -> PathBuf {
    match root.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// A hidden sibling, on the same file system so the final rename is atomic.
fn staging_path(root: &Path) -> PathBuf {
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plugin".to_owned());
    parent_of(root).join(format!(".{name}.partial-{}", std::process::id()))
}

/// Every path below `root`, relative to it and sorted: what tests compare a tree on disk with.
#[cfg(test)]
pub fn tree(root: &Path) -> Vec<String> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .map(|entry| {
            let entry = entry.expect("the tree can be read");
            let path = entry.path().strip_prefix(root).expect("below the root");
            path.display().to_string()
        })
        .collect();
    paths.sort();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> PlannedFile {
        PlannedFile {
            path: path.to_owned(),
            contents: text.as_bytes().to_vec(),
            executable: path.ends_with(".sh"),
        }
    }

    fn plan(root: &Path, files: Vec<PlannedFile>) -> Plan {
        Plan {
            root: root.to_owned(),
            files,
        }
    }

    #[test]
    fn a_failure_midway_leaves_no_directory_and_no_staging() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("plugin");
        // `a` is first a file, then needed as a directory: the second write fails.
        let broken = plan(&root, vec![file("a", "1"), file("a/b", "2")]);
        let destination = check_destination(&root, false).unwrap();
        assert!(write(&broken, destination).is_err());
        assert!(tree(temp.path()).is_empty(), "{:?}", tree(temp.path()));
    }

    #[test]
    fn fresh_write_fills_an_empty_directory() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("plugin");
        fs::create_dir(&root).unwrap();
        let destination = check_destination(&root, false).unwrap();
        assert_eq!(destination, Destination::Empty);
        write(
            &plan(&root, vec![file("x/run.sh", "#!/bin/sh\n")]),
            destination,
        )
        .unwrap();
        assert_eq!(tree(temp.path()), ["plugin", "plugin/x", "plugin/x/run.sh"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(root.join("x/run.sh"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o755);
        }
    }

    #[test]
    fn force_skips_existing_files_and_keeps_their_bytes() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(root.join("keep.txt"), "mine").unwrap();
        let destination = check_destination(root, true).unwrap();
        assert_eq!(destination, Destination::NonEmpty);
        let p = plan(
            root,
            vec![file("keep.txt", "theirs"), file("new/file.txt", "new")],
        );
        let preview = preview(&p, destination);
        let outcome = write(&p, destination).unwrap();
        assert_eq!(outcome, preview);
        assert_eq!(outcome.skipped, ["keep.txt"]);
        assert_eq!(outcome.written, ["new/file.txt"]);
        assert_eq!(fs::read_to_string(root.join("keep.txt")).unwrap(), "mine");
    }

    #[test]
    fn force_undoes_its_additions_when_a_write_fails() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(root.join("src"), "a file where a directory is needed").unwrap();
        let p = plan(
            root,
            vec![file("a/one.txt", "1"), file("src/plugin.json", "{}")],
        );
        let error = write(&p, check_destination(root, true).unwrap()).unwrap_err();
        assert!(
            format!("{error:#}").contains("a file of that name exists"),
            "{error:#}"
        );
        assert_eq!(tree(root), ["src"]);
    }

    #[test]
    fn refusals_name_the_problem() {
        let temp = tempfile::tempdir().unwrap();
        fs::write(temp.path().join("f"), "").unwrap();
        let not_dir = check_destination(&temp.path().join("f"), true).unwrap_err();
        assert!(not_dir.to_string().contains("not a directory"));
        let no_parent = check_destination(&temp.path().join("missing/plugin"), false).unwrap_err();
        assert!(
            no_parent.to_string().contains("does not exist"),
            "{no_parent}"
        );
        let busy = check_destination(temp.path(), false).unwrap_err();
        assert!(busy.to_string().contains("--force"), "{busy}");
    }

    #[test]
    fn writability_is_asked_of_the_directory_itself() {
        let temp = tempfile::tempdir().unwrap();
        assert!(writable(temp.path()).is_ok());
        let gone = temp.path().join("gone");
        let err = require_writable(&gone, &gone.join("plugin")).unwrap_err();
        assert!(err.to_string().contains("gone is not writable"), "{err}");
        assert!(err.to_string().contains("help: "), "{err}");
    }
}
