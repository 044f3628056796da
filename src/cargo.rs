//! Running cargo on a generated plugin. Cargo's JSON messages tell us where the executable went,
//! whatever `CARGO_TARGET_DIR` or profile the user has; its diagnostics stay human-readable on stderr.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

use crate::bad_input;

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    target: Option<Target>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
}

/// Builds the backend for the host and returns the path of the executable named `bin`.
pub fn build_host(root: &Path, bin: &str, release: bool) -> Result<PathBuf> {
    if !root.join("Cargo.toml").is_file() {
        return Err(bad_input!(
            "{} has no Cargo.toml, so there is no Rust backend to build\n  help: pass --exe PATH \
             to check an executable built another way",
            root.display()
        ));
    }
    let mut cmd = Command::new("cargo");
    cmd.args([
        "build",
        "--message-format=json-render-diagnostics",
        "--bin",
        bin,
    ])
    .current_dir(root)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit());
    if release {
        cmd.arg("--release");
    }
    let mut child = cmd.spawn().map_err(|error| {
        anyhow!("running `cargo build` in {}: {error}\n  help: install Rust with rustup (https://rustup.rs)", root.display())
    })?;
    let stdout = child.stdout.take().context("reading cargo's output")?;
    let mut executable = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading cargo's output")?;
        let Ok(message) = serde_json::from_str::<Message>(&line) else {
            continue;
        };
        let ours = message.target.as_ref().is_some_and(|t| t.name == bin);
        if message.reason == "compiler-artifact" && ours {
            executable = message.executable.or(executable);
        }
    }
    let status = child.wait().context("waiting for cargo build")?;
    if !status.success() {
        bail!(
            "`cargo build` failed in {} (its errors are shown above)",
            root.display()
        );
    }
    executable.ok_or_else(|| anyhow!("cargo built no executable named `{bin}` in {}; does Cargo.toml have a [[bin]] of that name?", root.display()))
}
