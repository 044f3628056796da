//! Running the plugin's own npm scripts (`npm run build`, `npm run dev`) for `build` and `dev`.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{anyhow, Result};

/// Whether `npm install` has been run, i.e. the frontend can be built.
pub fn installed(root: &Path) -> bool {
    root.join("node_modules").is_dir()
}

/// `npm run <script> <args>` in `root`, with no input and stdout piped for the caller to relay.
pub fn script(root: &Path, script: &str) -> Command {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let mut cmd = Command::new(npm);
    cmd.args(["run", script])
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    cmd
}

/// Starts `cmd` (from [`script`]); when npm is missing, says how to get it or do without it.
pub fn spawn(cmd: &mut Command, root: &Path, help: &str) -> Result<Child> {
    cmd.spawn().map_err(|error| {
        let args: Vec<_> = cmd
            .get_args()
            .take(2)
            .map(|a| a.to_string_lossy())
            .collect();
        anyhow!(
            "running `npm {}` in {}: {error}\n  help: {help}",
            args.join(" "),
            root.display()
        )
    })
}
