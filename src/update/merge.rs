//! Three-way merges of one file, as git merges: `git merge-file --diff3`, whose conflict markers
//! every editor and merge tool knows.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};

pub struct Merged {
    pub bytes: Vec<u8>,
    pub conflicts: bool,
}

/// The three sides' names, shown on the conflict markers.
pub struct Labels<'a> {
    pub ours: &'a str,
    pub base: &'a str,
    pub theirs: &'a str,
}

/// Merges the tool's change from `base` to `theirs` into `ours`. With no base the whole file is
/// one conflict between `ours` and `theirs`.
pub fn merge(ours: &[u8], base: Option<&[u8]>, theirs: &[u8], labels: &Labels) -> Result<Merged> {
    let dir = scratch_dir();
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let result = merge_in(&dir, ours, base.unwrap_or_default(), theirs, labels);
    let _ = fs::remove_dir_all(&dir);
    result
}

fn merge_in(
    dir: &std::path::Path,
    ours: &[u8],
    base: &[u8],
    theirs: &[u8],
    labels: &Labels,
) -> Result<Merged> {
    let files = [("ours", ours), ("base", base), ("theirs", theirs)];
    for (name, bytes) in files {
        let path = dir.join(name);
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    let output = Command::new("git")
        .args(["merge-file", "-p", "--diff3"])
        .args(["-L", labels.ours, "-L", labels.base, "-L", labels.theirs])
        .args(["ours", "base", "theirs"])
        .current_dir(dir)
        .output()
        .context("running git merge-file (update merges your edits with git; is it installed?)")?;
    // The exit code is the number of conflicts; a negative one (>= 128 here) is an error.
    match output.status.code() {
        Some(code @ 0..=127) => Ok(Merged {
            bytes: output.stdout,
            conflicts: code > 0,
        }),
        _ => bail!(
            "git merge-file failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ),
    }
}

fn scratch_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "cgp-merge-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ))
}
