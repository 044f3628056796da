//! The frontend half of `build`: the project's own `npm run build`, pointed at the staging folder.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};

use crate::bad_input;

/// Whether `npm install` has been run, i.e. the frontend can be built.
pub fn installed(root: &Path) -> bool {
    root.join("node_modules").is_dir()
}

pub fn require_installed(root: &Path) -> Result<()> {
    if installed(root) {
        return Ok(());
    }
    Err(bad_input!(
        "--frontend was given but {} has no node_modules\n  help: run `npm install` there first \
         (or leave out --frontend to build only the backend)",
        root.display()
    ))
}

/// Runs `npm run build` with webpack's output in `into`. npm's output goes to stderr: stdout
/// is for this tool's results.
pub fn build(root: &Path, into: &Path) -> Result<()> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let mut child = Command::new(npm)
        .args(["run", "build", "--", "--output-path"])
        .arg(into)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|error| {
            anyhow!(
                "running `npm run build` in {}: {error}\n  help: install Node.js 22 or newer \
                 (https://nodejs.org), or pass --no-frontend",
                root.display()
            )
        })?;
    let stdout = child.stdout.take().context("reading npm's output")?;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        eprintln!("{line}");
    }
    let status = child.wait().context("waiting for `npm run build`")?;
    if !status.success() {
        bail!(
            "`npm run build` failed in {} (its output is above); dist/ was left as it was",
            root.display()
        );
    }
    Ok(())
}
