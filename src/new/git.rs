//! `git init` for a new plugin, as create-plugin does. Never fatal: the plugin is complete already.

use std::path::Path;
use std::process::{Command, Stdio};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Init {
    Done,
    Skipped,
    /// The plugin lies inside an existing work tree, which already versions it.
    InsideWorkTree,
    NoGit,
    Failed(String),
}

pub fn init(root: &Path) -> Init {
    let quiet = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
    };
    match quiet(&["rev-parse", "--is-inside-work-tree"]) {
        Err(_) => return Init::NoGit,
        Ok(out) if out.status.success() => return Init::InsideWorkTree,
        Ok(_) => {}
    }
    match quiet(&["init", "--quiet"]) {
        Ok(out) if out.status.success() => Init::Done,
        Ok(out) => Init::Failed(String::from_utf8_lossy(&out.stderr).trim().to_owned()),
        Err(error) => Init::Failed(error.to_string()),
    }
}
