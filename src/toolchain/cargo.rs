//! Running cargo on a generated plugin. Cargo's JSON messages tell us where the executable went,
//! whatever `CARGO_TARGET_DIR` or profile the user has, and how far the build is; its rendered
//! diagnostics reach the user unchanged.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

use crate::error::Interrupted;
use crate::{bad_input, interrupt, process};

/// One `cargo build` of the plugin's backend executable.
#[derive(Clone, Debug, Default)]
pub struct Build<'a> {
    pub bin: &'a str,
    pub release: bool,
    /// Rust triple; `None` builds for the host with cargo's defaults.
    pub triple: Option<&'a str>,
    /// Run `cargo zigbuild` (cargo-zigbuild) instead of `cargo build`.
    pub zigbuild: bool,
    pub env: Vec<(String, String)>,
    pub jobs: Option<u32>,
}

/// What a running build reports.
#[derive(Debug)]
pub enum Event {
    /// A crate (or build script run) finished.
    Unit { name: String },
    /// A line cargo wrote to stderr: status, warnings and errors, already rendered.
    Stderr(String),
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    target: Option<CargoTarget>,
    #[serde(default)]
    package_id: Option<String>,
}

#[derive(Deserialize)]
/// The crate target (bin, lib, build script) a message is about, in cargo's words.
struct CargoTarget {
    name: String,
}

/// Builds the backend for the host, showing cargo's output as it is.
pub fn build_host(root: &Path, bin: &str, release: bool) -> Result<PathBuf> {
    let build = Build {
        bin,
        release,
        ..Build::default()
    };
    build.run(root, &mut |event| {
        if let Event::Stderr(line) = event {
            eprintln!("{line}");
        }
    })
}

impl Build<'_> {
    /// Runs the build in `root` and returns the path of the executable.
    pub fn run(&self, root: &Path, on_event: &mut dyn FnMut(Event)) -> Result<PathBuf> {
        require_manifest(root)?;
        let mut cmd = Command::new("cargo");
        cmd.arg(if self.zigbuild { "zigbuild" } else { "build" })
            .args([
                "--message-format=json-render-diagnostics",
                "--bin",
                self.bin,
            ])
            .current_dir(root)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if self.release {
            cmd.arg("--release");
        }
        if let Some(triple) = self.triple {
            cmd.args(["--target", triple]);
        }
        if let Some(jobs) = self.jobs {
            cmd.args(["--jobs", &jobs.to_string()]);
        }
        let shown = self.command_line();
        let mut child = process::own_group(&mut cmd).spawn().map_err(|error| {
            anyhow!(
                "running `{shown}` in {}: {error}\n  help: install Rust with rustup (https://rustup.rs)",
                root.display()
            )
        })?;
        // cargo runs in its own process group and is stopped here on Ctrl-C, with every rustc it
        // started, so no build outlives the command.
        let _deferred = interrupt::Deferred::start();
        let stdout = child.stdout.take().context("reading cargo's output")?;
        let stderr = child.stderr.take().context("reading cargo's errors")?;
        let executable = self.follow(stdout, stderr, on_event);
        if interrupt::requested() {
            process::stop_group(&mut child);
            return Err(anyhow::Error::new(Interrupted).context(format!("stopped `{shown}`")));
        }
        let status = child
            .wait()
            .with_context(|| format!("waiting for `{shown}`"))?;
        if !status.success() {
            bail!(
                "`{shown}` failed in {} (cargo's messages are shown above)",
                root.display()
            );
        }
        executable.ok_or_else(|| {
            anyhow!(
                "cargo built no executable named `{}` in {}; does Cargo.toml have a [[bin]] of that name?",
                self.bin,
                root.display()
            )
        })
    }

    pub fn command_line(&self) -> String {
        let verb = if self.zigbuild { "zigbuild" } else { "build" };
        let mut line = format!("cargo {verb}");
        if self.release {
            line.push_str(" --release");
        }
        if let Some(triple) = self.triple {
            line.push_str(&format!(" --target {triple}"));
        }
        line
    }

    /// Reads both of cargo's streams until it closes them, passing events on in order of
    /// arrival, and returns the executable cargo reported.
    fn follow(
        &self,
        stdout: impl Read + Send + 'static,
        stderr: impl Read + Send + 'static,
        on_event: &mut dyn FnMut(Event),
    ) -> Option<PathBuf> {
        enum Line {
            Json(String),
            Stderr(String),
        }
        let (sender, receiver) = mpsc::channel();
        let forward = |stream: Box<dyn Read + Send>, wrap: fn(String) -> Line| {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if sender.send(wrap(line)).is_err() {
                        break;
                    }
                }
            })
        };
        let readers = [
            forward(Box::new(stdout), Line::Json),
            forward(Box::new(stderr), Line::Stderr),
        ];
        drop(sender);
        let mut executable = None;
        loop {
            let line = match receiver.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => line,
                Err(mpsc::RecvTimeoutError::Timeout) if interrupt::requested() => break,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            match line {
                Line::Stderr(text) => on_event(Event::Stderr(text)),
                Line::Json(text) => {
                    let Ok(message) = serde_json::from_str::<Message>(&text) else {
                        continue;
                    };
                    if let Some(path) = self.executable_in(&message) {
                        executable = Some(path);
                    }
                    if let Some(name) = unit_name(&message) {
                        on_event(Event::Unit { name });
                    }
                }
            }
        }
        if !interrupt::requested() {
            for reader in readers {
                let _ = reader.join();
            }
        }
        executable
    }

    fn executable_in(&self, message: &Message) -> Option<PathBuf> {
        let ours = message.target.as_ref().is_some_and(|t| t.name == self.bin);
        match message.reason.as_str() {
            "compiler-artifact" if ours => message.executable.clone(),
            _ => None,
        }
    }
}

fn unit_name(message: &Message) -> Option<String> {
    match message.reason.as_str() {
        "compiler-artifact" => message.target.as_ref().map(|t| t.name.clone()),
        "build-script-executed" => message.package_id.clone(),
        _ => None,
    }
}

fn require_manifest(root: &Path) -> Result<()> {
    if root.join("Cargo.toml").is_file() {
        return Ok(());
    }
    Err(bad_input!(
        "{} has no Cargo.toml, so there is no Rust backend to build\n  help: a backend plugin \
         keeps its Rust crate at the plugin root (create one with `create-grafana-plugin new \
         --backend`), or pass --exe PATH to `check` an executable built another way",
        root.display()
    ))
}

/// What `cargo metadata` says about the build ahead.
#[derive(Debug, Default)]
pub struct Metadata {
    pub target_directory: PathBuf,
    /// Units (crates and build script runs) a cold build compiles; an estimate for progress.
    pub units: usize,
}

#[derive(Deserialize)]
struct RawMetadata {
    packages: Vec<Package>,
    resolve: Option<Resolve>,
    target_directory: PathBuf,
}

#[derive(Deserialize)]
struct Package {
    id: String,
    targets: Vec<PackageTarget>,
}

#[derive(Deserialize)]
struct PackageTarget {
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
    root: Option<String>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    deps: Vec<NodeDep>,
}

#[derive(Deserialize)]
struct NodeDep {
    pkg: String,
    dep_kinds: Vec<DepKind>,
}

#[derive(Deserialize)]
struct DepKind {
    kind: Option<String>,
}

pub fn metadata(root: &Path, triple: Option<&str>) -> Result<Metadata> {
    require_manifest(root)?;
    let mut cmd = Command::new("cargo");
    cmd.args(["metadata", "--format-version", "1"])
        .current_dir(root)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(triple) = triple {
        cmd.args(["--filter-platform", triple]);
    }
    let output = cmd
        .output()
        .with_context(|| format!("running `cargo metadata` in {}", root.display()))?;
    if !output.status.success() {
        bail!(
            "`cargo metadata` failed in {} (its error is shown above)",
            root.display()
        );
    }
    let raw: RawMetadata =
        serde_json::from_slice(&output.stdout).context("reading `cargo metadata` output")?;
    Ok(Metadata {
        units: count_units(&raw),
        target_directory: raw.target_directory,
    })
}

/// Crates reachable from the root without dev-dependencies, plus a compile and a run for each
/// build script: the units a cold `cargo build` reports.
fn count_units(raw: &RawMetadata) -> usize {
    let Some(resolve) = &raw.resolve else {
        return 0;
    };
    let Some(root) = &resolve.root else {
        return 0;
    };
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![root.as_str()];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(node) = resolve.nodes.iter().find(|n| n.id == id) else {
            continue;
        };
        let needed = node
            .deps
            .iter()
            .filter(|d| d.dep_kinds.iter().any(|k| k.kind.as_deref() != Some("dev")));
        stack.extend(needed.map(|d| d.pkg.as_str()));
    }
    raw.packages
        .iter()
        .filter(|p| seen.contains(p.id.as_str()))
        .map(|p| {
            let build_script = p
                .targets
                .iter()
                .any(|t| t.kind.iter().any(|k| k == "custom-build"));
            1 + 2 * usize::from(build_script)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_follow_normal_and_build_dependencies_only() {
        let raw: RawMetadata = serde_json::from_str(
            r#"{
              "target_directory": "/t",
              "packages": [
                {"id": "root", "targets": [{"kind": ["bin"]}]},
                {"id": "a", "targets": [{"kind": ["lib"]}, {"kind": ["custom-build"]}]},
                {"id": "b", "targets": [{"kind": ["lib"]}]},
                {"id": "dev", "targets": [{"kind": ["lib"]}]}
              ],
              "resolve": {"root": "root", "nodes": [
                {"id": "root", "deps": [
                  {"pkg": "a", "dep_kinds": [{"kind": null}]},
                  {"pkg": "dev", "dep_kinds": [{"kind": "dev"}]}
                ]},
                {"id": "a", "deps": [{"pkg": "b", "dep_kinds": [{"kind": "build"}]}]},
                {"id": "b", "deps": []},
                {"id": "dev", "deps": []}
              ]}
            }"#,
        )
        .unwrap();
        // root 1, a 1 + build script compile and run, b 1; dev not at all.
        assert_eq!(count_units(&raw), 5);
    }

    #[test]
    fn the_command_line_is_what_a_user_would_type() {
        let build = Build {
            bin: "gpx_x",
            release: true,
            triple: Some("aarch64-unknown-linux-musl"),
            zigbuild: true,
            ..Build::default()
        };
        assert_eq!(
            build.command_line(),
            "cargo zigbuild --release --target aarch64-unknown-linux-musl"
        );
    }
}
