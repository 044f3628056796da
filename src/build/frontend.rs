//! The frontend half of `build`: the project's own `npm run build`, pointed at the staging folder.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use anyhow::{bail, Context, Result};

use crate::{bad_input, npm};

pub fn require_installed(root: &Path) -> Result<()> {
    if npm::installed(root) {
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
    let mut cmd = npm::script(root, "build");
    cmd.args(["--", "--output-path"])
        .arg(into)
        .stderr(Stdio::inherit());
    let help = "install Node.js 22 or newer (https://nodejs.org), or pass --no-frontend";
    let mut child = npm::spawn(&mut cmd, root, help)?;
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
