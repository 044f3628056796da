//! The bad-input catalogue: every way a user can get a command wrong, each with its exit code, a
//! message that says what to do, and proof that not one file was created, changed or deleted.
//!
//! Adding a case is adding one line to the table in [`cases`]:
//!
//! ```text
//! case(DIR, "command line as typed", exit code, "fragment of what it says"),
//! ```
//!
//! - DIR is where the command runs, a directory of the scratch tree [`Fixture::new`] sets up:
//!   `HERE` (its top) or one of the constants below. Something a case needs that is not there yet
//!   (a plugin broken in a new way, a file) goes into [`Fixture::new`], with a constant for it.
//! - The command line is split as a shell would (quotes keep `'ping me'` one word); paths in it
//!   are relative to DIR, like a user's would be.
//! - The fragment is looked for in stderr and stdout (check reports on stdout). Put the `help:`
//!   line in it (`"…\n  help: …"`) when the advice is what the case is about.
//! - Then, on the same line, if needed: `.env(KEY, path)` (a path in the scratch tree),
//!   `.before_build()` for input that would otherwise start a build (the build would show up as
//!   a changed tree), `.unprivileged()` for permission cases (root may write anywhere).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::support::{require_tool, stderr_of, stdout_of, tree_changes, words, Scratch};

/// Where cases run: directories of the scratch tree, relative to its top.
const HERE: &str = ".";
/// An empty directory: no plugin around.
const OUTSIDE: &str = "outside";
/// A data source with a Rust backend, not built.
const DS: &str = "acme-wx-datasource";
const PANEL: &str = "acme-lonely-panel";
/// An app whose src/plugin.json is not JSON.
const BROKEN_JSON: &str = "acme-broken-app";
/// An app with a backend whose plugin.json lacks "executable".
const NO_EXE: &str = "acme-noexe-app";
/// An app whose plugin.json lacks "id".
const NO_ID: &str = "acme-noid-app";
/// A data source whose dist/ holds a debug build of its Linux executable.
const DEBUG_DIST: &str = "acme-debugged-datasource";
/// A panel in a git repository with an uncommitted edit.
const UNCOMMITTED: &str = "acme-dirty-panel";
/// A data source with no record, as create-plugin or a hand would make it.
const FOREIGN: &str = "acme-foreign-datasource";
/// A panel whose record says a newer version of the tool made it.
const NEWER: &str = "acme-newer-panel";
/// A frontend-only data source with a Go backend's go.mod and pkg/.
const GO_BACKEND: &str = "acme-gopher-datasource";
/// A frontend-only app whose plugin.json says it has a backend.
const FLAGGED_BACKEND: &str = "acme-flagged-app";
/// A frontend-only data source whose id has no name part.
const ODD_ID: &str = "acme-odd-datasource";
/// Read-only, holding a file (see [`Fixture::new`] for the rest of the tree).
const LOCKED: &str = "locked";

/// A scratch directory with one of everything a case may need.
struct Fixture {
    scratch: Scratch,
    /// A copy of the binary that an unprivileged user can run (see [`Case::unprivileged`]).
    binary: PathBuf,
}

fn script(dir: &Path, name: &str, body: &str, mode: u32) {
    write_file(&dir.join(name), &format!("#!/bin/sh\n{body}\n"), mode);
}

/// A `rustc` stand-in whose sysroot holds the standard libraries of `installed` only.
fn fake_rustc(dir: &Path, name: &str, installed: &[&str]) {
    let sysroot = dir.join(format!("{name}-sysroot"));
    fs::create_dir_all(sysroot.join("lib/rustlib")).unwrap();
    for triple in installed {
        fs::create_dir_all(sysroot.join("lib/rustlib").join(triple).join("lib")).unwrap();
    }
    script(dir, name, &format!("echo {}", sysroot.display()), 0o755);
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn write_file(path: &Path, text: &str, mode: u32) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

impl Fixture {
    fn new() -> Self {
        let scratch = Scratch::new();
        let dir = scratch.path().to_owned();
        scratch.generate_as("datasource", true, "wx", "acme");
        scratch.generate_as("panel", false, "lonely", "acme");
        let broken_json = scratch.generate_as("app", true, "broken", "acme");
        edit(&broken_json.join("src/plugin.json"), "{", "{,");
        let no_executable = scratch.generate_as("app", true, "noexe", "acme");
        edit(
            &no_executable.join("src/plugin.json"),
            "\"executable\": \"gpx_noexe\",",
            "",
        );
        let debug_dist = scratch.generate_as("datasource", true, "debugged", "acme");
        crate::package::fake_dist(
            &debug_dist,
            &[(
                "gpx_debugged_linux_amd64",
                crate::support::elf(crate::support::EM_X86_64, &[".text", ".debug_info"]),
            )],
        );
        let no_id = scratch.generate_as("app", false, "noid", "acme");
        edit(
            &no_id.join("src/plugin.json"),
            "\"id\": \"acme-noid-app\",",
            "",
        );
        let uncommitted = scratch.generate_as("panel", false, "dirty", "acme");
        crate::support::commit_all(&uncommitted, "generated", true);
        fs::write(uncommitted.join("src/module.ts"), "// mine\n").unwrap();
        let foreign = scratch.generate_as("datasource", false, "foreign", "acme");
        fs::remove_file(foreign.join(".config/.cgprc.json")).unwrap();
        let newer = scratch.generate_as("panel", false, "newer", "acme");
        edit(
            &newer.join(".config/.cgprc.json"),
            &format!("\"createGrafanaPlugin\": \"{}\"", env!("CARGO_PKG_VERSION")),
            "\"createGrafanaPlugin\": \"99.0.0\"",
        );
        let go_backend = scratch.generate_as("datasource", false, "gopher", "acme");
        fs::write(go_backend.join("go.mod"), "module acme/gopher\n").unwrap();
        fs::create_dir(go_backend.join("pkg")).unwrap();
        let flagged_backend = scratch.generate_as("app", false, "flagged", "acme");
        edit(
            &flagged_backend.join("src/plugin.json"),
            "\"id\": \"acme-flagged-app\",",
            "\"id\": \"acme-flagged-app\",\n  \"backend\": true,",
        );
        let odd_id = scratch.generate_as("datasource", false, "odd", "acme");
        edit(
            &odd_id.join("src/plugin.json"),
            "\"acme-odd-datasource\"",
            "\"acmeodd-datasource\"",
        );
        fs::create_dir(dir.join(OUTSIDE)).unwrap();
        fs::create_dir(dir.join("existing")).unwrap();
        fs::write(dir.join("existing/notes.txt"), "mine").unwrap();
        fs::write(dir.join("a-file"), "mine").unwrap();
        // Read-only places: `locked` holds a file, `open/sealed` is empty inside a writable parent.
        fs::create_dir(dir.join(LOCKED)).unwrap();
        fs::write(dir.join("locked/notes.txt"), "mine").unwrap();
        fs::create_dir_all(dir.join("open/sealed")).unwrap();
        for (path, mode) in [(LOCKED, 0o555), ("open", 0o777), ("open/sealed", 0o555)] {
            fs::set_permissions(dir.join(path), fs::Permissions::from_mode(mode)).unwrap();
        }
        // The scratch directory is private to its owner; the unprivileged user must get in.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let binary = dir.join("bin/create-grafana-plugin");
        fs::create_dir(dir.join("bin")).unwrap();
        fs::copy(assert_cmd::cargo::cargo_bin(crate::support::BIN), &binary).unwrap();
        // A PATH with neither zig, cargo-zigbuild nor any cross linker.
        fs::create_dir(dir.join("bare-bin")).unwrap();
        // `--json-data` files: broken JSON, an array, and one only its owner can read.
        write_file(&dir.join("broken.json"), "{\"path\":", 0o644);
        write_file(&dir.join("array.json"), "[\"/api\"]", 0o644);
        write_file(&dir.join("private.json"), "{}", 0o600);
        // Sysroots that lack, or hold only, some standard libraries.
        fake_rustc(&dir, "rustc-nostd", &["x86_64-unknown-linux-gnu"]);
        fake_rustc(&dir, "rustc-win", &["x86_64-pc-windows-gnu"]);
        // Backends that are not executable, crash, hang, or speak an old protocol.
        script(&dir, "plain", "", 0o644);
        let crash = "echo 'panicked: config missing' >&2\nexit 3";
        script(&dir, "crash", crash, 0o755);
        script(&dir, "hang", "exec sleep 30", 0o755);
        let old = "echo '1|1|tcp|127.0.0.1:4000|grpc'\nexec sleep 30";
        script(&dir, "old", old, 0o755);
        Self { scratch, binary }
    }
}

impl Drop for Fixture {
    /// Lets an unprivileged developer's run remove the read-only directories afterwards.
    fn drop(&mut self) {
        for path in [LOCKED, "open/sealed"] {
            let _ = fs::set_permissions(
                self.scratch.path().join(path),
                fs::Permissions::from_mode(0o755),
            );
        }
    }
}

/// One line of the catalogue; see the top of this file.
struct Case {
    dir: &'static str,
    line: &'static str,
    code: i32,
    /// Found in stderr or stdout (check reports on stdout).
    says: &'static str,
    /// Values are paths in the scratch tree, relative to its top.
    env: Vec<(&'static str, String)>,
    /// Runs as an ordinary user: root may write anywhere, so permission cases need one.
    unprivileged: bool,
}

fn case(dir: &'static str, line: &'static str, code: i32, says: &'static str) -> Case {
    Case {
        dir,
        line,
        code,
        says,
        env: Vec::new(),
        unprivileged: false,
    }
}

impl Case {
    fn env(mut self, key: &'static str, path: &str) -> Self {
        self.env.push((key, path.to_owned()));
        self
    }

    fn unprivileged(mut self) -> Self {
        self.unprivileged = true;
        self
    }

    /// For input that would have built the backend had it been good: cargo's target directory
    /// is put inside the plugin, so a build that ran shows up as a changed tree.
    fn before_build(self) -> Self {
        let target = format!("{}/target", self.dir);
        self.env("CARGO_TARGET_DIR", &target)
    }
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    vec![
        // new: names and organisations
        case(HERE, "new --type datasource --name Wëather --org acme", 2, "--name weather"),
        case(HERE, "new --type panel --name '' --org acme", 2, "the plugin name is empty"),
        case(HERE, "new --type datasource --name weather --org ''", 2, "organisation is empty"),
        case(HERE, "new --type panel --name 'my weather' --org acme", 2, "--name myweather"),
        case(HERE, "new --type panel --name x --org 'my org'", 2, "--org myorg"),
        case(HERE, "new --type panel --name Weather --org acme", 2, "--name weather"),
        case(HERE, "new --type app --name Weather --org acme", 2, "--name weather"),
        case(HERE, "new --type panel --name my-weather --org acme", 2, "--name myweather"),
        case(HERE, "new --type panel --name=-x --org acme", 2, "--name x"),
        case(HERE, "new --type panel --name 1x --org acme", 2, "start with a letter"),
        case(HERE, "new --type panel --name aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa --org acme", 2, "at most 40"), // 41 letters
        case(HERE, "new --type panel --name x --org grafana", 2, "reserved"),
        case(HERE, "new --type panel --name app --org acme", 2, "would make the id read like a type"),
        case(HERE, "new --type panel --name a/b --org acme", 2, "--name ab"),
        case(HERE, "new --type panel --name .. --org acme", 2, "'.' not allowed"),
        case(HERE, "new --type panel --name ../x --org acme", 2, "'.', '/'"),
        // new: kinds and flags
        case(HERE, "new --type widget --name x --org acme", 2, "possible values"),
        case(HERE, "new --type panel --backend --name x --org acme", 2, "cannot have a backend"),
        case(HERE, "new --backend --no-backend --type app --name x --org acme", 2, "cannot be used with"),
        // Without a terminal nothing can be asked: every missing answer is named at once.
        case(HERE, "new --name weather", 2, "missing --type <app|datasource|panel|scenesapp>, --org <ORG>"),
        case(HERE, "new --type app --org acme", 2, "missing --name"),
        case(HERE, "new --yes --type app", 2, "--yes was given"),
        // new: target directories
        case(HERE, "new missing/parent/dir --type app --name x --org acme", 2, "does not exist"),
        case(HERE, "new existing --type app --name x --org acme", 2, "--force"),
        case(HERE, "new a-file --type app --name x --org acme", 2, "not a directory"),
        case(HERE, "new a-file/plugin --type app --name x --org acme", 2, "a-file is a file, not a directory"),
        case(LOCKED, "new --type panel --name x --org acme", 2, "locked is not writable").unprivileged(),
        case(HERE, "new open/sealed --type panel --name x --org acme", 2, "open/sealed is not writable").unprivileged(),
        case(HERE, "new locked --force --type panel --name x --org acme", 2, "locked is not writable").unprivileged(),
        // build
        case(OUTSIDE, "build", 2, "create one with `create-grafana-plugin new`"),
        case(BROKEN_JSON, "build", 2, "is not valid JSON"),
        case(NO_ID, "build", 2, "has no \"id\""),
        case(NO_EXE, "build --target linux", 2, "\"executable\": \"gpx_<name>\""),
        case(DS, "build --target freebsd", 2, "valid targets are linux, linux-arm64, linux-arm, darwin, darwin-arm64, windows, all"),
        case(OUTSIDE, "build --target freebsd", 2, "unknown target `freebsd`\n  help: valid targets are"),
        case(PANEL, "build --target linux", 2, "leave out --target"),
        case(PANEL, "build", 2, "run `npm install`"),
        case(DS, "build --frontend", 2, "run `npm install` there first"),
        case(DS, "build --frontend --no-frontend", 2, "cannot be used with"),
        case(DS, "build --target linux-arm64", 2, "rustup target add aarch64-unknown-linux-musl").env("RUSTC", "rustc-nostd"),
        case(DS, "build --target windows", 2, "apt-get install gcc-mingw-w64-x86-64   (instead of zig, for windows only)").env("RUSTC", "rustc-win").env("PATH", "bare-bin"),
        case(DS, "build --target darwin", 2, "pip install ziglang cargo-zigbuild").env("RUSTC", "rustc-nostd").env("PATH", "bare-bin"),
        case(DS, "build --jobs 0", 2, "invalid value '0' for '--jobs <N>': cargo needs at least one job\n  help: give 1 or more").before_build(),
        case(DS, "build --jobs -4", 2, "invalid value '-4' for '--jobs <N>': not a whole number").before_build(),
        // package
        case(DEBUG_DIST, "package", 2, "gpx_debugged_linux_amd64 is a debug build: it carries 4 bytes of DWARF debug information"),
        case(DEBUG_DIST, "package --target linux", 2, "help: build for release with `create-grafana-plugin build --target linux`, or pass --allow-debug to package it as it is"),
        case(DEBUG_DIST, "package --allow-debug --out ../a-file", 2, "a-file is a file, not a directory\n  help: choose a directory with --out"),
        case(DEBUG_DIST, "package --allow-debug --out ../a-file/zips", 2, "a-file is a file, not a directory"),
        case(DEBUG_DIST, "package --allow-debug --out ../locked/zips", 2, "locked is not writable").unprivileged(),
        case(OUTSIDE, "package", 2, "not inside a Grafana plugin"),
        case(DS, "package", 2, "build the plugin first"),
        case(DS, "package --target plan9", 2, "unknown target `plan9`"),
        // validate
        case(HERE, "validate missing.zip", 2, "cannot read missing.zip"),
        case(HERE, "validate a-file", 2, "not a readable zip archive"),
        case(HERE, "validate outside", 2, "holds no plugin.json, nor does its dist/"),
        case(DS, "validate", 2, "build the plugin first"),
        // check: input, refused before the backend is built
        case(OUTSIDE, "check", 2, "not inside a Grafana plugin"),
        case(PANEL, "check", 2, "acme-lonely-panel is a panel, and panels have no backend"),
        case(NO_EXE, "check", 2, "\"executable\": \"gpx_<name>\""),
        case(DS, "check --query '{bad'", 2, "invalid value '{bad' for '--query <JSON>': not valid JSON: key must be a string at line 1 column 2\n  help: give a JSON object, quoted for the shell").before_build(),
        case(DS, "check --query '[1]'", 2, "a JSON object {…} is needed, not an array\n  help: give a JSON object").before_build(),
        case(DS, r#"check --json-data '{"path"'"#, 2, "for '--json-data <JSON|@FILE>': not valid JSON").before_build(),
        case(DS, "check --json-data 42", 2, "a JSON object {…} is needed, not a number").before_build(),
        case(DS, "check --json-data @missing.json", 2, "--json-data @missing.json: cannot read it: No such file or directory (os error 2)\n  help: name a readable JSON file").before_build(),
        case(DS, "check --json-data @src", 2, "--json-data @src: cannot read it").before_build(),
        case(DS, "check --json-data @../private.json", 2, "private.json: cannot read it: Permission denied").before_build().unprivileged(),
        case(DS, "check --json-data @../broken.json", 2, "broken.json: not valid JSON: EOF while parsing a value at line 1 column 8\n  help:").before_build(),
        case(DS, "check --json-data @../array.json", 2, "array.json: a JSON object {…} is needed, not an array").before_build(),
        case(DS, "check --secure apiKey", 2, "not KEY=VALUE\n  help: e.g. --secure apiKey=secret").before_build(),
        case(DS, "check --secure =secret", 2, "not KEY=VALUE").before_build(),
        case(DS, "check --resource http://localhost:3000/api/plugins/acme-wx-datasource/resources/ping", 2, "a resource path is not a URL\n  help: give the path after /resources/").before_build(),
        case(DS, "check --resource 'ping me'", 2, "spaces and such must be %-encoded").before_build(),
        case(DS, "check --resource ''", 2, "the path is empty").before_build(),
        case(DS, "check --timeout 0", 2, "invalid value '0' for '--timeout <SECS>': out of range\n  help: give seconds above 0").before_build(),
        case(DS, "check --timeout -1", 2, "invalid value '-1' for '--timeout <SECS>': out of range").before_build(),
        case(DS, "check --timeout NaN", 2, "invalid value 'NaN' for '--timeout <SECS>': out of range").before_build(),
        case(DS, "check --timeout inf", 2, "invalid value 'inf' for '--timeout <SECS>': out of range").before_build(),
        case(DS, "check --timeout 1e300", 2, "invalid value '1e300' for '--timeout <SECS>': out of range").before_build(),
        case(DS, "check --timeout soon", 2, "not a number of seconds").before_build(),
        // check: backends that fail (exit 1: the input was fine, the backend is not)
        case(DS, "check --exe /nonexistent/gpx_x", 1, "does not exist"),
        case(DS, "check --exe ../plain", 1, "is not executable"),
        case(DS, "check --exe ../crash", 1, "panicked: config missing"),
        case(DS, "check --timeout 1 --exe ../hang", 1, "no handshake line in time"),
        case(DS, "check --timeout 1 --exe ../old", 1, "plugin protocol version 1 is not supported"),
        // dev
        case(OUTSIDE, "dev", 2, "not inside a Grafana plugin"),
        case(DS, "dev --target host --no-frontend", 2, "Grafana's container runs Linux"),
        case(PANEL, "dev", 2, "acme-lonely-panel is a panel, and panels have no backend"),
        case(PANEL, "dev --local --no-frontend", 2, "Grafana runs backends only for apps and data sources"),
        // update
        case(OUTSIDE, "update", 2, "is not inside a Grafana plugin"),
        case(DS, "update ../no-such-dir", 2, "../no-such-dir is not a directory\n  help: give the plugin's directory"),
        case(DS, "build src/plugin.json", 2, "src/plugin.json is not a directory"),
        case(FOREIGN, "update", 2, "has no .config/.cgprc.json, so it was not generated by create-grafana-plugin\n  help: update keeps current what this tool generated"),
        case(DS, "update", 2, "is not in a git work tree"),
        case(UNCOMMITTED, "update", 2, "has uncommitted changes"),
        case(NEWER, "update --force", 2, "install 99.0.0 or newer"),
        // add backend
        case(PANEL, "add backend", 2, "acme-lonely-panel is a panel, and panels cannot have a backend"),
        case(DS, "add backend", 2, "acme-wx-datasource already has a Rust backend:"),
        case(GO_BACKEND, "add backend --dry-run", 2, "acme-gopher-datasource already has a Go backend: "),
        case(FLAGGED_BACKEND, "add backend", 2, "says \"backend\": true\n  help: a plugin has one backend"),
        case(OUTSIDE, "add backend", 2, "no src/plugin.json here or in any parent directory"),
        case(BROKEN_JSON, "add backend", 2, "is not valid JSON: key must be a string at line 1 column 2"),
        case(ODD_ID, "add backend --json", 2, "the id \"acmeodd-datasource\" does not follow this tool's rules: it has 2 part(s)"),
    ]
}

/// The binary run by `nobody` when the tests run as root (as CI does), else by the current user.
fn as_unprivileged_user(fixture: &Fixture) -> assert_cmd::Command {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let mut cmd = if unsafe { libc::geteuid() } == 0 {
        let setpriv = require_tool("setpriv", "apt-get install util-linux");
        let mut cmd = assert_cmd::Command::new(setpriv);
        cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(&fixture.binary);
        cmd
    } else {
        assert_cmd::Command::new(&fixture.binary)
    };
    cmd.env("NO_COLOR", "1").write_stdin("");
    cmd
}

#[test]
fn every_bad_input_is_explained_and_changes_nothing() {
    let fixture = Fixture::new();
    let top = fixture.scratch.path();
    let cases = cases();
    assert!(
        cases.len() >= 102,
        "the catalogue shrank to {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = format!("{}$ {}", case.dir, case.line);
        let dir = top.join(case.dir);
        assert!(dir.is_dir(), "{name}: Fixture::new makes no {}", case.dir);
        let before = fixture.scratch.tree();
        let mut cmd = match case.unprivileged {
            true => as_unprivileged_user(&fixture),
            false => fixture.scratch.cmd(),
        };
        cmd.current_dir(&dir).args(words(case.line));
        for (key, path) in &case.env {
            cmd.env(key, top.join(path));
        }
        let output = cmd.output().unwrap();
        let said = format!("{}{}", stderr_of(&output), stdout_of(&output));
        if output.status.code() != Some(case.code) || !said.contains(case.says) {
            failures.push(format!(
                "{name}: exit {:?} (want {}), want `{}` in:\n{said}",
                output.status.code(),
                case.code,
                case.says
            ));
        }
        let changes = tree_changes(&before, &fixture.scratch.tree());
        if !changes.is_empty() {
            failures.push(format!(
                "{name}: files were created, changed or deleted:\n{changes}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
