//! The tool's own release path: what `cargo package` ships, the minimum Rust Cargo.toml declares,
//! the release workflow's platforms and archive names, actionlint and shellcheck on the
//! workflows and scripts, and how scripts/test installs Debian packages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{
    actionlint, mask_expressions, read_workflow, require_tool, shellcheck_run_blocks, stderr_of,
    stdout_of, which, workflow_files, Scratch, BIN,
};

/// The platforms a release ships a prebuilt binary for.
const RELEASE_TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|error| panic!("run {command:?}: {error}"))
}

fn cargo(args: &[&str]) -> Output {
    let output = run(Command::new(env!("CARGO")).args(args).current_dir(repo()));
    assert!(
        output.status.success(),
        "cargo {} failed:\n{}",
        args.join(" "),
        stderr_of(&output)
    );
    output
}

fn cargo_toml() -> toml::Table {
    let text = std::fs::read_to_string(repo().join("Cargo.toml")).expect("read Cargo.toml");
    text.parse().expect("Cargo.toml is TOML")
}

fn package_field<'a>(manifest: &'a toml::Table, key: &str) -> &'a str {
    manifest["package"][key]
        .as_str()
        .unwrap_or_else(|| panic!("Cargo.toml has no [package] {key}"))
}

fn workflow(name: &str) -> Value {
    read_workflow(&repo().join(".github/workflows").join(name))
}

/// `1.91` and `1.91.0` compare equal, as cargo reads rust-version.
fn rust_version(text: &str) -> [u64; 3] {
    let mut parts = [0; 3];
    for (part, number) in parts.iter_mut().zip(text.split('.')) {
        *part = number
            .parse()
            .unwrap_or_else(|_| panic!("{text:?} is not a Rust version"));
    }
    parts
}

#[test]
fn the_crate_ships_every_template_and_nothing_only_the_tests_need() {
    let output = cargo(&["package", "--list", "--allow-dirty", "--locked"]);
    // Cargo warns about metadata crates.io wants (repository, documentation…).
    assert!(
        !stderr_of(&output).contains("warning"),
        "cargo package warns:\n{}",
        stderr_of(&output)
    );
    let listed: BTreeSet<String> = stdout_of(&output).lines().map(str::to_owned).collect();

    let templates: BTreeSet<String> = walkdir::WalkDir::new(repo().join("templates"))
        .into_iter()
        .map(|entry| entry.expect("walk templates"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(repo()).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect();
    assert!(!templates.is_empty(), "no templates found");
    let missing: Vec<&String> = templates.difference(&listed).collect();
    assert!(missing.is_empty(), "the crate lacks templates: {missing:?}");

    let needed_files = [
        ".cargo_vcs_info.json",
        "Cargo.lock",
        "Cargo.toml",
        "Cargo.toml.orig",
        "LICENSE",
        "README.md",
        "build.rs",
    ];
    let unneeded: Vec<&String> = listed
        .iter()
        .filter(|path| !path.starts_with("src/") && !path.starts_with("templates/"))
        .filter(|path| !needed_files.contains(&path.as_str()))
        .collect();
    assert!(
        unneeded.is_empty(),
        "the crate ships files only the repository needs: {unneeded:?}"
    );
}

#[test]
fn rust_version_is_at_least_what_every_locked_dependency_needs() {
    let output = cargo(&["metadata", "--format-version", "1", "--locked"]);
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let ours = packages
        .iter()
        .find(|package| package["name"] == BIN && package["source"].is_null())
        .expect("this package in cargo metadata");
    let declared = ours["rust_version"]
        .as_str()
        .expect("Cargo.toml declares rust-version");

    let mut newer: Vec<([u64; 3], String)> = packages
        .iter()
        .filter_map(|package| Some((package, package["rust_version"].as_str()?)))
        .filter(|(_, needs)| rust_version(needs) > rust_version(declared))
        .map(|(package, needs)| {
            let name = package["name"].as_str().unwrap_or_default();
            let version = package["version"].as_str().unwrap_or_default();
            (
                rust_version(needs),
                format!("{name} {version} needs {needs}"),
            )
        })
        .collect();
    // The highest first: that is the value to set.
    newer.sort_by(|a, b| b.cmp(a));
    let newer: Vec<String> = newer.into_iter().map(|(_, line)| line).collect();
    assert!(
        newer.is_empty(),
        "Cargo.toml says rust-version = \"{declared}\", but locked dependencies need more:\n  {}\n  \
         help: raise rust-version to the highest, and the msrv job in .github/workflows/ci.yml to it",
        newer.join("\n  ")
    );
}

#[test]
fn the_msrv_ci_job_builds_on_exactly_rust_version() {
    let manifest = cargo_toml();
    let declared = package_field(&manifest, "rust-version");
    let ci = workflow("ci.yml");
    let steps = ci["jobs"]["msrv"]["steps"]
        .as_array()
        .expect("ci.yml has an msrv job with steps");
    let toolchain = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.starts_with("dtolnay/rust-toolchain@"))
        })
        .and_then(|step| step["with"]["toolchain"].as_str())
        .expect("the msrv job installs a toolchain with dtolnay/rust-toolchain");
    assert_eq!(
        rust_version(toolchain),
        rust_version(declared),
        "the msrv job uses Rust {toolchain}, Cargo.toml says rust-version = \"{declared}\""
    );
}

#[test]
fn the_release_builds_five_platforms_under_the_names_cargo_binstall_downloads() {
    let release = workflow("release.yml");
    assert_eq!(release["on"]["push"]["tags"], serde_json::json!(["v*"]));
    let build = &release["jobs"]["build"];
    let rows = build["strategy"]["matrix"]["include"]
        .as_array()
        .expect("the build job's matrix lists its rows under include");
    let targets: BTreeSet<&str> = rows
        .iter()
        .map(|row| row["target"].as_str().expect("each row names a target"))
        .collect();
    assert_eq!(targets, BTreeSet::from(RELEASE_TARGETS));

    let manifest = cargo_toml();
    let version = package_field(&manifest, "version");
    let archive = build["env"]["ARCHIVE"]
        .as_str()
        .expect("build job env ARCHIVE");
    for target in RELEASE_TARGETS {
        let name = archive
            .replace("${{ needs.version.outputs.version }}", version)
            .replace("${{ matrix.target }}", target);
        let windows = target.contains("windows");
        let (url, bin_dir, format) = binstall(&manifest, target);
        let suffix = if windows { "zip" } else { "tar.gz" };
        let release_url = format!(
            "{}/releases/download/v{version}/{name}.{suffix}",
            package_field(&manifest, "repository")
        );
        assert_eq!(url, release_url, "{target}: where binstall looks");
        let exe = if windows { ".exe" } else { "" };
        assert_eq!(
            bin_dir,
            format!("{name}/{BIN}{exe}"),
            "{target}: binary path"
        );
        assert_eq!(format, if windows { "zip" } else { "tgz" }, "{target}");
    }

    // The archives those names describe: a folder named $ARCHIVE, packed by the step for the OS.
    let runs: Vec<&str> = build["steps"]
        .as_array()
        .expect("build steps")
        .iter()
        .filter_map(|step| step["run"].as_str())
        .collect();
    for packing in [
        "tar -czf \"$ARCHIVE.tar.gz\" \"$ARCHIVE\"",
        "-Path $env:ARCHIVE -DestinationPath \"$env:ARCHIVE.zip\"",
    ] {
        assert!(
            runs.iter().any(|run| run.contains(packing)),
            "no build step runs `{packing}`"
        );
    }
}

/// pkg-url, bin-dir and pkg-fmt from `[package.metadata.binstall]` for one target, with its
/// override applied and the template variables filled in as cargo-binstall does.
fn binstall(manifest: &toml::Table, target: &str) -> (String, String, String) {
    let meta = &manifest["package"]["metadata"]["binstall"];
    let field = |key: &str| -> String {
        let overridden = meta
            .get("overrides")
            .and_then(|overrides| overrides.get(target))
            .and_then(|table| table.get(key));
        overridden
            .or_else(|| meta.get(key))
            .and_then(|value| value.as_str())
            .unwrap_or_else(|| panic!("binstall metadata has no {key} for {target}"))
            .to_owned()
    };
    let fill = |template: String| {
        template
            .replace("{ repo }", package_field(manifest, "repository"))
            .replace("{ name }", package_field(manifest, "name"))
            .replace("{ version }", package_field(manifest, "version"))
            .replace("{ target }", target)
            .replace("{ bin }", BIN)
            .replace(
                "{ binary-ext }",
                if target.contains("windows") {
                    ".exe"
                } else {
                    ""
                },
            )
    };
    (
        fill(field("pkg-url")),
        fill(field("bin-dir")),
        field("pkg-fmt"),
    )
}

#[test]
fn actionlint_finds_nothing_in_the_tools_workflows() {
    actionlint(repo());
}

#[test]
fn shellcheck_finds_nothing_in_the_workflows_run_blocks() {
    let mut findings = Vec::new();
    let mut checked = 0;
    for path in workflow_files(repo()) {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let (blocks, found) = shellcheck_run_blocks(&file, &read_workflow(&path));
        checked += blocks;
        findings.extend(found);
    }
    assert!(checked > 0, "no bash run: blocks found");
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

#[test]
fn masked_expressions_keep_their_length() {
    assert_eq!(
        mask_expressions("a ${{ x }} b ${{ y }}${ z"),
        "a ________ b ________${ z"
    );
}

#[test]
fn shellcheck_finds_nothing_in_the_scripts() {
    let shellcheck = require_tool("shellcheck", "apt-get install shellcheck");
    let mut scripts: Vec<PathBuf> = ["scripts", ".ci"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(repo().join(dir)).expect("read script dir"))
        .map(|entry| entry.expect("script entry").path())
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let shebang = text.lines().next().unwrap_or_default();
            shebang.starts_with("#!") && (shebang.ends_with("bash") || shebang.ends_with("/sh"))
        })
        .collect();
    scripts.sort();
    assert!(
        scripts.iter().any(|path| path.ends_with("scripts/test")),
        "scripts/test not found among {scripts:?}"
    );
    let output = run(Command::new(shellcheck).arg("--format=gcc").args(&scripts));
    assert!(
        output.status.success(),
        "shellcheck:\n{}{}",
        stdout_of(&output),
        stderr_of(&output)
    );
}

/// scripts/test's `apt_install`, run on its own with stand-ins for `id`, `sudo` and `apt-get`
/// that log how they were called.
struct AptInstall {
    scratch: Scratch,
}

impl AptInstall {
    fn new(uid: u32, sudo: Option<bool>) -> Self {
        let scratch = Scratch::new();
        let bin = scratch.path().join("bin");
        std::fs::create_dir(&bin).expect("stub dir");
        let log = scratch.path().join("log");
        let log = log.display();
        stub(&bin, "id", &format!("echo {uid}"));
        stub(&bin, "apt-get", &format!("echo \"apt-get $*\" >> {log}"));
        if let Some(allowed) = sudo {
            // Only `sudo -n …`: a password prompt would hang CI.
            stub(
                &bin,
                "sudo",
                &format!(
                    "[ \"$1\" = -n ] || exit 99\nshift\n{}\n[ \"$1\" = true ] && exit 0\n\
                     echo \"sudo -n $*\" >> {log}\nexec \"$@\"",
                    if allowed { ":" } else { "exit 1" }
                ),
            );
        }
        let env = which("env").expect("env on PATH");
        std::os::unix::fs::symlink(env, bin.join("env")).expect("link env");
        Self { scratch }
    }

    /// Runs `apt_install PACKAGES…` with only the stand-ins on PATH; returns the output and the log.
    fn run(&self, packages: &[&str]) -> (Output, Vec<String>) {
        let script = format!(
            "set -euo pipefail\n{}\napt_install {}\n",
            shell_functions("scripts/test", &["step", "retry", "apt_install"]),
            packages.join(" ")
        );
        let bash = require_tool("bash", "apt-get install bash");
        let output = run(Command::new(bash)
            .arg("-c")
            .arg(script)
            .env("PATH", self.scratch.path().join("bin")));
        let log = std::fs::read_to_string(self.scratch.path().join("log")).unwrap_or_default();
        (output, log.lines().map(str::to_owned).collect())
    }
}

fn stub(dir: &Path, name: &str, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write stub");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod stub");
}

/// The text of the named functions in a bash script: from `name() {` to the first `}` line.
fn shell_functions(script: &str, names: &[&str]) -> String {
    let text = std::fs::read_to_string(repo().join(script)).expect("read script");
    let lines: Vec<&str> = text.lines().collect();
    names
        .iter()
        .map(|name| {
            let start = lines
                .iter()
                .position(|line| line.starts_with(&format!("{name}() {{")))
                .unwrap_or_else(|| panic!("{script} defines no {name}()"));
            let end = match lines[start].trim_end().ends_with('}') {
                true => start,
                false => start + lines[start..].iter().position(|line| *line == "}").unwrap(),
            };
            lines[start..=end].join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn scripts_test_installs_packages_as_root_with_apt_get() {
    let (output, log) = AptInstall::new(0, None).run(&["tmux", "shellcheck"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        log,
        [
            "apt-get update -qq",
            "apt-get install -y -qq tmux shellcheck"
        ]
    );
}

#[test]
fn scripts_test_installs_packages_through_sudo_without_a_password_when_not_root() {
    let (output, log) = AptInstall::new(1001, Some(true)).run(&["tmux", "shellcheck"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        log,
        [
            "sudo -n apt-get update -qq",
            "apt-get update -qq",
            "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux shellcheck",
            "apt-get install -y -qq tmux shellcheck",
        ]
    );
}

#[test]
fn scripts_test_says_what_to_install_when_it_is_not_root_and_sudo_needs_a_password() {
    for sudo in [Some(false), None] {
        let (output, log) = AptInstall::new(1001, sudo).run(&["tmux", "shellcheck"]);
        assert_eq!(output.status.code(), Some(1), "sudo {sudo:?}");
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains("  sudo apt-get install -y tmux shellcheck\n"),
            "sudo {sudo:?}: {stderr}"
        );
        assert!(log.is_empty(), "sudo {sudo:?}: apt-get ran: {log:?}");
    }
}
