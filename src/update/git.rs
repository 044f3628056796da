//! The user's safety net: `update` changes only a committed work tree, and finds the bytes it
//! wrote last time in the project's history.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use anyhow::{Context, Result};

use crate::bad_input;

fn git(root: &Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new("git")
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
}

/// Refuses a project outside a git work tree or with uncommitted changes (untracked files
/// included), unless `force`: without them the user could not see or undo what update did.
pub fn require_committed(root: &Path, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let output = match git(
        root,
        &[
            "--no-optional-locks",
            "status",
            "--porcelain",
            "--untracked-files=all",
            "--",
            ".",
        ],
    ) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(bad_input!(
                "git is not installed, so update cannot check that your work is committed\n  \
                 help: install git, or pass --force to update without that safety net"
            ))
        }
        result => result.context("running git status")?,
    };
    if !output.status.success() {
        return Err(bad_input!(
            "{} is not in a git work tree, so update's changes could not be reviewed or undone\n  \
             help: commit the project first (git init && git add -A && git commit -m \"Initial \
             commit\"), or pass --force to update without that safety net",
            root.display()
        ));
    }
    let changes = String::from_utf8_lossy(&output.stdout);
    if changes.trim().is_empty() {
        return Ok(());
    }
    let listed: Vec<&str> = changes.lines().take(10).collect();
    let more = changes.lines().count().saturating_sub(listed.len());
    let more = match more {
        0 => String::new(),
        n => format!("\n  … and {n} more"),
    };
    Err(bad_input!(
        "{} has uncommitted changes; update works on a committed tree, so that its changes are \
         one diff to review:\n  {}{more}\n  help: commit or stash them first, or pass --force",
        root.display(),
        listed.join("\n  ")
    ))
}

/// The bytes of git object `id`, when the project's git repository holds it.
pub fn blob(root: &Path, id: &str) -> Option<Vec<u8>> {
    let output = git(root, &["cat-file", "blob", id]).ok()?;
    output.status.success().then_some(output.stdout)
}
