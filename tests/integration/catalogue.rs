//! The bad-input catalogue: every way a user can get a command wrong, each with its exit code, a
//! message that says what to do, and proof that not one file was created, changed or deleted.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::support::{require_tool, stderr_of, stdout_of, Scratch};

/// A scratch directory with one of everything a case may need.
struct Fixture {
    scratch: Scratch,
    datasource: PathBuf,
    panel: PathBuf,
    broken_json: PathBuf,
    no_executable: PathBuf,
    no_id: PathBuf,
    outside: PathBuf,
    /// A copy of the binary that an unprivileged user can run (see [`Case::unprivileged`]).
    binary: PathBuf,
    /// `rustc` stand-ins whose sysroot lacks, or holds only, some standard libraries.
    rustc_without_std: PathBuf,
    rustc_with_windows_std: PathBuf,
    /// A PATH with neither zig, cargo-zigbuild nor any cross linker.
    bare_path: PathBuf,
    not_executable: PathBuf,
    crashing: PathBuf,
    hanging: PathBuf,
    wrong_protocol: PathBuf,
    /// A data source whose dist/ holds a debug build of its Linux executable.
    debug_dist: PathBuf,
    /// `--json-data` files: broken JSON, an array, and one only root can read.
    broken_json_file: PathBuf,
    array_json_file: PathBuf,
    private_json_file: PathBuf,
    /// `add backend`: a frontend plugin with a Go backend's go.mod, one whose plugin.json says
    /// it has a backend, and one whose id has no name part.
    go_backend: PathBuf,
    flagged_backend: PathBuf,
    odd_id: PathBuf,
}

fn script(dir: &Path, name: &str, body: &str, mode: u32) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn fake_rustc(dir: &Path, name: &str, installed: &[&str]) -> PathBuf {
    let sysroot = dir.join(format!("{name}-sysroot"));
    fs::create_dir_all(sysroot.join("lib/rustlib")).unwrap();
    for triple in installed {
        fs::create_dir_all(sysroot.join("lib/rustlib").join(triple).join("lib")).unwrap();
    }
    script(dir, name, &format!("echo {}", sysroot.display()), 0o755)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

impl Fixture {
    fn new() -> Self {
        let scratch = Scratch::new();
        let datasource = scratch.generate_as("datasource", true, "wx", "acme");
        let panel = scratch.generate_as("panel", false, "lonely", "acme");
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
        let dir = scratch.path().to_owned();
        let outside = dir.join("outside");
        fs::create_dir(&outside).unwrap();
        fs::create_dir(dir.join("existing")).unwrap();
        fs::write(dir.join("existing/notes.txt"), "mine").unwrap();
        fs::write(dir.join("a-file"), "mine").unwrap();
        // Read-only places: `locked` holds a file, `open/sealed` is empty inside a writable parent.
        fs::create_dir(dir.join("locked")).unwrap();
        fs::write(dir.join("locked/notes.txt"), "mine").unwrap();
        fs::create_dir_all(dir.join("open/sealed")).unwrap();
        for (path, mode) in [("locked", 0o555), ("open", 0o777), ("open/sealed", 0o555)] {
            fs::set_permissions(dir.join(path), fs::Permissions::from_mode(mode)).unwrap();
        }
        // The scratch directory is private to its owner; the unprivileged user must get in.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let binary = dir.join("bin/create-grafana-plugin");
        fs::create_dir(dir.join("bin")).unwrap();
        fs::copy(assert_cmd::cargo::cargo_bin(crate::support::BIN), &binary).unwrap();
        let bare_path = dir.join("bare-bin");
        fs::create_dir(&bare_path).unwrap();
        let json_file = |name: &str, text: &str, mode: u32| {
            let path = dir.join(name);
            fs::write(&path, text).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            path
        };
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
        Self {
            go_backend,
            flagged_backend,
            odd_id,
            broken_json_file: json_file("broken.json", "{\"path\":", 0o644),
            array_json_file: json_file("array.json", "[\"/api\"]", 0o644),
            private_json_file: json_file("private.json", "{}", 0o600),
            debug_dist,
            rustc_without_std: fake_rustc(&dir, "rustc-nostd", &["x86_64-unknown-linux-gnu"]),
            rustc_with_windows_std: fake_rustc(&dir, "rustc-win", &["x86_64-pc-windows-gnu"]),
            not_executable: script(&dir, "plain", "", 0o644),
            crashing: script(
                &dir,
                "crash",
                "echo 'panicked: config missing' >&2\nexit 3",
                0o755,
            ),
            hanging: script(&dir, "hang", "exec sleep 30", 0o755),
            wrong_protocol: script(
                &dir,
                "old",
                "echo '1|1|tcp|127.0.0.1:4000|grpc'\nexec sleep 30",
                0o755,
            ),
            bare_path,
            scratch,
            datasource,
            panel,
            broken_json,
            no_executable,
            no_id,
            outside,
            binary,
        }
    }
}

impl Drop for Fixture {
    /// Lets an unprivileged developer's run remove the read-only directories afterwards.
    fn drop(&mut self) {
        for path in ["locked", "open/sealed"] {
            let _ = fs::set_permissions(
                self.scratch.path().join(path),
                fs::Permissions::from_mode(0o755),
            );
        }
    }
}

struct Case {
    name: &'static str,
    dir: PathBuf,
    args: Vec<String>,
    env: Vec<(&'static str, PathBuf)>,
    code: i32,
    /// Found in stderr or stdout (check reports on stdout).
    says: &'static str,
    /// Runs as an ordinary user: root may write anywhere, so permission cases need one.
    unprivileged: bool,
}

fn case(name: &'static str, dir: &Path, args: &[&str], code: i32, says: &'static str) -> Case {
    Case {
        name,
        dir: dir.to_owned(),
        args: args.iter().map(|s| s.to_string()).collect(),
        env: Vec::new(),
        code,
        says,
        unprivileged: false,
    }
}

fn new(name: &'static str, args: &[&str], says: &'static str, f: &Fixture) -> Case {
    let mut all = vec!["new", "--no-git"];
    all.extend(args);
    case(name, f.scratch.path(), &all, 2, says)
}

fn unprivileged(mut case: Case) -> Case {
    case.unprivileged = true;
    case
}

fn with_env(mut case: Case, env: &[(&'static str, &Path)]) -> Case {
    case.env = env.iter().map(|(k, v)| (*k, v.to_path_buf())).collect();
    case
}

/// A case that would have built the backend had the input been good: cargo's target directory
/// is put inside the plugin, so a build that ran shows up as a changed tree.
fn before_any_build(case: Case) -> Case {
    let target = case.dir.join("target");
    with_env(case, &[("CARGO_TARGET_DIR", &target)])
}

fn cases(f: &Fixture) -> Vec<Case> {
    let ds = f.datasource.as_path();
    vec![
        // new: names and organisations
        new(
            "unicode name",
            &["--type", "datasource", "--name", "Wëather", "--org", "acme"],
            "--name weather",
            f,
        ),
        new(
            "empty name",
            &["--type", "panel", "--name", "", "--org", "acme"],
            "the plugin name is empty",
            f,
        ),
        new(
            "empty org",
            &["--type", "datasource", "--name", "weather", "--org", ""],
            "organisation is empty",
            f,
        ),
        new(
            "space in name",
            &["--type", "panel", "--name", "my weather", "--org", "acme"],
            "--name myweather",
            f,
        ),
        new(
            "space in org",
            &["--type", "panel", "--name", "x", "--org", "my org"],
            "--org myorg",
            f,
        ),
        new(
            "uppercase",
            &["--type", "panel", "--name", "Weather", "--org", "acme"],
            "--name weather",
            f,
        ),
        new(
            "dash in name",
            &["--type", "panel", "--name", "my-weather", "--org", "acme"],
            "--name myweather",
            f,
        ),
        new(
            "leading dash",
            &["--type", "panel", "--name=-x", "--org", "acme"],
            "--name x",
            f,
        ),
        new(
            "leading digit",
            &["--type", "panel", "--name", "1x", "--org", "acme"],
            "start with a letter",
            f,
        ),
        new(
            "too long",
            &[
                "--type",
                "panel",
                "--name",
                &"a".repeat(41),
                "--org",
                "acme",
            ],
            "at most 40",
            f,
        ),
        new(
            "reserved org",
            &["--type", "panel", "--name", "x", "--org", "grafana"],
            "reserved",
            f,
        ),
        new(
            "type as name",
            &["--type", "panel", "--name", "app", "--org", "acme"],
            "would make the id read like a type",
            f,
        ),
        new(
            "path separator",
            &["--type", "panel", "--name", "a/b", "--org", "acme"],
            "--name ab",
            f,
        ),
        new(
            "dot dot",
            &["--type", "panel", "--name", "..", "--org", "acme"],
            "'.' not allowed",
            f,
        ),
        new(
            "relative escape",
            &["--type", "panel", "--name", "../x", "--org", "acme"],
            "'.', '/'",
            f,
        ),
        // new: kinds and flags
        new(
            "unknown kind",
            &["--type", "widget", "--name", "x", "--org", "acme"],
            "possible values",
            f,
        ),
        new(
            "panel with backend",
            &[
                "--type",
                "panel",
                "--backend",
                "--name",
                "x",
                "--org",
                "acme",
            ],
            "cannot have a backend",
            f,
        ),
        new(
            "conflicting backend flags",
            &[
                "--backend",
                "--no-backend",
                "--type",
                "app",
                "--name",
                "x",
                "--org",
                "acme",
            ],
            "cannot be used with",
            f,
        ),
        new(
            "no terminal, no kind or org",
            &["--name", "weather"],
            "missing --type <app|datasource|panel|scenesapp>, --org <ORG>",
            f,
        ),
        new(
            "no terminal, no name",
            &["--type", "app", "--org", "acme"],
            "missing --name",
            f,
        ),
        new(
            "--yes without answers",
            &["--yes", "--type", "app"],
            "--yes was given",
            f,
        ),
        // new: target directories
        new(
            "missing parent",
            &[
                "missing/parent/dir",
                "--type",
                "app",
                "--name",
                "x",
                "--org",
                "acme",
            ],
            "does not exist",
            f,
        ),
        new(
            "non-empty directory",
            &["existing", "--type", "app", "--name", "x", "--org", "acme"],
            "--force",
            f,
        ),
        new(
            "target is a file",
            &["a-file", "--type", "app", "--name", "x", "--org", "acme"],
            "not a directory",
            f,
        ),
        new(
            "target inside a file",
            &[
                "a-file/plugin",
                "--type",
                "app",
                "--name",
                "x",
                "--org",
                "acme",
            ],
            "a-file is a file, not a directory",
            f,
        ),
        unprivileged(Case {
            dir: f.scratch.path().join("locked"),
            ..new(
                "read-only working directory",
                &["--type", "panel", "--name", "x", "--org", "acme"],
                "locked is not writable",
                f,
            )
        }),
        unprivileged(new(
            "read-only empty directory",
            &[
                "open/sealed",
                "--type",
                "panel",
                "--name",
                "x",
                "--org",
                "acme",
            ],
            "open/sealed is not writable",
            f,
        )),
        unprivileged(new(
            "read-only directory with --force",
            &[
                "locked", "--force", "--type", "panel", "--name", "x", "--org", "acme",
            ],
            "locked is not writable",
            f,
        )),
        // build
        case(
            "build outside a plugin",
            &f.outside,
            &["build"],
            2,
            "create one with `create-grafana-plugin new`",
        ),
        case(
            "build: broken plugin.json",
            &f.broken_json,
            &["build"],
            2,
            "is not valid JSON",
        ),
        case(
            "build: plugin.json without id",
            &f.no_id,
            &["build"],
            2,
            "has no \"id\"",
        ),
        case(
            "build: missing executable",
            &f.no_executable,
            &["build", "--target", "linux"],
            2,
            "\"executable\": \"gpx_<name>\"",
        ),
        case(
            "build: unknown target",
            ds,
            &["build", "--target", "freebsd"],
            2,
            "valid targets are linux, linux-arm64, linux-arm, darwin, darwin-arm64, windows, all",
        ),
        case(
            "build: target for a panel",
            &f.panel,
            &["build", "--target", "linux"],
            2,
            "leave out --target",
        ),
        case(
            "build: nothing to build",
            &f.panel,
            &["build"],
            2,
            "run `npm install`",
        ),
        case(
            "build: frontend not installed",
            ds,
            &["build", "--frontend"],
            2,
            "run `npm install` there first",
        ),
        case(
            "build: conflicting frontend flags",
            ds,
            &["build", "--frontend", "--no-frontend"],
            2,
            "cannot be used with",
        ),
        with_env(
            case(
                "build: missing standard library",
                ds,
                &["build", "--target", "linux-arm64"],
                2,
                "rustup target add aarch64-unknown-linux-musl",
            ),
            &[("RUSTC", &f.rustc_without_std)],
        ),
        with_env(
            case(
                "build: missing linker",
                ds,
                &["build", "--target", "windows"],
                2,
                "apt-get install gcc-mingw-w64-x86-64   (instead of zig, for windows only)",
            ),
            &[("RUSTC", &f.rustc_with_windows_std), ("PATH", &f.bare_path)],
        ),
        with_env(
            case(
                "build: macOS without zig",
                ds,
                &["build", "--target", "darwin"],
                2,
                "pip install ziglang cargo-zigbuild",
            ),
            &[("RUSTC", &f.rustc_without_std), ("PATH", &f.bare_path)],
        ),
        before_any_build(case(
            "build: zero jobs",
            ds,
            &["build", "--jobs", "0"],
            2,
            "invalid value '0' for '--jobs <N>': cargo needs at least one job\n  help: give 1 or \
             more",
        )),
        before_any_build(case(
            "build: negative jobs",
            ds,
            &["build", "--jobs", "-4"],
            2,
            "invalid value '-4' for '--jobs <N>': not a whole number",
        )),
        case(
            "build: unknown target outside a plugin",
            &f.outside,
            &["build", "--target", "freebsd"],
            2,
            "unknown target `freebsd`\n  help: valid targets are",
        ),
        // package
        case(
            "package: debug build",
            &f.debug_dist,
            &["package"],
            2,
            "gpx_debugged_linux_amd64 is a debug build: it carries 4 bytes of DWARF debug \
             information",
        ),
        case(
            "package: debug build, the fix",
            &f.debug_dist,
            &["package", "--target", "linux"],
            2,
            "help: build for release with `create-grafana-plugin build --target linux`, or pass \
             --allow-debug to package it as it is",
        ),
        case(
            "package: output is a file",
            &f.debug_dist,
            &["package", "--allow-debug", "--out", "../a-file"],
            2,
            "a-file is a file, not a directory\n  help: choose a directory with --out",
        ),
        case(
            "package: output inside a file",
            &f.debug_dist,
            &["package", "--allow-debug", "--out", "../a-file/zips"],
            2,
            "a-file is a file, not a directory",
        ),
        unprivileged(case(
            "package: output not writable",
            &f.debug_dist,
            &["package", "--allow-debug", "--out", "../locked/zips"],
            2,
            "locked is not writable",
        )),
        case(
            "package outside a plugin",
            &f.outside,
            &["package"],
            2,
            "not inside a Grafana plugin",
        ),
        case(
            "package before a build",
            ds,
            &["package"],
            2,
            "build the plugin first",
        ),
        case(
            "package: unknown target",
            ds,
            &["package", "--target", "plan9"],
            2,
            "unknown target `plan9`",
        ),
        // validate
        case(
            "validate: no such path",
            f.scratch.path(),
            &["validate", "missing.zip"],
            2,
            "cannot read missing.zip",
        ),
        case(
            "validate: not a zip",
            f.scratch.path(),
            &["validate", "a-file"],
            2,
            "not a readable zip archive",
        ),
        case(
            "validate: a folder without plugin.json",
            f.scratch.path(),
            &["validate", "outside"],
            2,
            "holds no plugin.json, nor does its dist/",
        ),
        case(
            "validate: a plugin before a build",
            ds,
            &["validate"],
            2,
            "build the plugin first",
        ),
        // check
        case(
            "check outside a plugin",
            &f.outside,
            &["check"],
            2,
            "not inside a Grafana plugin",
        ),
        before_any_build(case(
            "check: invalid query",
            ds,
            &["check", "--query", "{bad"],
            2,
            "invalid value '{bad' for '--query <JSON>': not valid JSON: key must be a string at \
             line 1 column 2\n  help: give a JSON object, quoted for the shell",
        )),
        before_any_build(case(
            "check: query that is not an object",
            ds,
            &["check", "--query", "[1]"],
            2,
            "a JSON object {…} is needed, not an array\n  help: give a JSON object",
        )),
        before_any_build(case(
            "check: invalid inline jsonData",
            ds,
            &["check", "--json-data", "{\"path\""],
            2,
            "for '--json-data <JSON|@FILE>': not valid JSON",
        )),
        before_any_build(case(
            "check: jsonData that is not an object",
            ds,
            &["check", "--json-data", "42"],
            2,
            "a JSON object {…} is needed, not a number",
        )),
        before_any_build(case(
            "check: missing jsonData file",
            ds,
            &["check", "--json-data", "@missing.json"],
            2,
            "--json-data @missing.json: cannot read it: No such file or directory (os error 2)\n  \
             help: name a readable JSON file",
        )),
        before_any_build(case(
            "check: jsonData file is a directory",
            ds,
            &["check", "--json-data", "@src"],
            2,
            "--json-data @src: cannot read it",
        )),
        unprivileged(before_any_build(case(
            "check: unreadable jsonData file",
            ds,
            &[
                "check",
                "--json-data",
                &format!("@{}", f.private_json_file.display()),
            ],
            2,
            "private.json: cannot read it: Permission denied",
        ))),
        before_any_build(case(
            "check: jsonData file with broken JSON",
            ds,
            &[
                "check",
                "--json-data",
                &format!("@{}", f.broken_json_file.display()),
            ],
            2,
            "broken.json: not valid JSON: EOF while parsing a value at line 1 column 8\n  help:",
        )),
        before_any_build(case(
            "check: jsonData file holding an array",
            ds,
            &[
                "check",
                "--json-data",
                &format!("@{}", f.array_json_file.display()),
            ],
            2,
            "array.json: a JSON object {…} is needed, not an array",
        )),
        before_any_build(case(
            "check: secure setting without a value",
            ds,
            &["check", "--secure", "apiKey"],
            2,
            "not KEY=VALUE\n  help: e.g. --secure apiKey=secret",
        )),
        before_any_build(case(
            "check: secure setting without a key",
            ds,
            &["check", "--secure", "=secret"],
            2,
            "not KEY=VALUE",
        )),
        before_any_build(case(
            "check: resource given as a URL",
            ds,
            &[
                "check",
                "--resource",
                "http://localhost:3000/api/plugins/acme-wx-datasource/resources/ping",
            ],
            2,
            "a resource path is not a URL\n  help: give the path after /resources/",
        )),
        before_any_build(case(
            "check: resource with a space",
            ds,
            &["check", "--resource", "ping me"],
            2,
            "spaces and such must be %-encoded",
        )),
        before_any_build(case(
            "check: empty resource",
            ds,
            &["check", "--resource", ""],
            2,
            "the path is empty",
        )),
        before_any_build(case(
            "check: zero timeout",
            ds,
            &["check", "--timeout", "0"],
            2,
            "invalid value '0' for '--timeout <SECS>': out of range\n  help: give seconds above 0",
        )),
        before_any_build(case(
            "check: negative timeout",
            ds,
            &["check", "--timeout", "-1"],
            2,
            "invalid value '-1' for '--timeout <SECS>': out of range",
        )),
        before_any_build(case(
            "check: NaN timeout",
            ds,
            &["check", "--timeout", "NaN"],
            2,
            "invalid value 'NaN' for '--timeout <SECS>': out of range",
        )),
        before_any_build(case(
            "check: infinite timeout",
            ds,
            &["check", "--timeout", "inf"],
            2,
            "invalid value 'inf' for '--timeout <SECS>': out of range",
        )),
        before_any_build(case(
            "check: huge timeout",
            ds,
            &["check", "--timeout", "1e300"],
            2,
            "invalid value '1e300' for '--timeout <SECS>': out of range",
        )),
        before_any_build(case(
            "check: timeout in words",
            ds,
            &["check", "--timeout", "soon"],
            2,
            "not a number of seconds",
        )),
        case(
            "check: missing binary",
            ds,
            &["check", "--exe", "/nonexistent/gpx_x"],
            1,
            "does not exist",
        ),
        case(
            "check: not executable",
            ds,
            &["check", "--exe", f.not_executable.to_str().unwrap()],
            1,
            "is not executable",
        ),
        case(
            "check: crashing binary",
            ds,
            &["check", "--exe", f.crashing.to_str().unwrap()],
            1,
            "panicked: config missing",
        ),
        case(
            "check: hanging binary",
            ds,
            &[
                "check",
                "--timeout",
                "1",
                "--exe",
                f.hanging.to_str().unwrap(),
            ],
            1,
            "no handshake line in time",
        ),
        case(
            "check: wrong protocol",
            ds,
            &[
                "check",
                "--timeout",
                "1",
                "--exe",
                f.wrong_protocol.to_str().unwrap(),
            ],
            1,
            "plugin protocol version 1 is not supported",
        ),
        case(
            "check: panel",
            &f.panel,
            &["check"],
            2,
            "acme-lonely-panel is a panel, and panels have no backend",
        ),
        case(
            "check: app without an executable",
            &f.no_executable,
            &["check"],
            2,
            "\"executable\": \"gpx_<name>\"",
        ),
        // dev
        case(
            "dev outside a plugin",
            &f.outside,
            &["dev"],
            2,
            "not inside a Grafana plugin",
        ),
        case(
            "dev: host target for the container",
            ds,
            &["dev", "--target", "host", "--no-frontend"],
            2,
            "Grafana's container runs Linux",
        ),
        case(
            "dev: panel",
            &f.panel,
            &["dev"],
            2,
            "acme-lonely-panel is a panel, and panels have no backend",
        ),
        case(
            "dev --local: panel",
            &f.panel,
            &["dev", "--local", "--no-frontend"],
            2,
            "Grafana runs backends only for apps and data sources",
        ),
        new(
            "name rules for apps too",
            &["--type", "app", "--name", "Weather", "--org", "acme"],
            "--name weather",
            f,
        ),
        // add backend
        case(
            "add backend: panel",
            &f.panel,
            &["add", "backend"],
            2,
            "acme-lonely-panel is a panel, and panels cannot have a backend",
        ),
        case(
            "add backend: already a Rust backend",
            ds,
            &["add", "backend"],
            2,
            "acme-wx-datasource already has a Rust backend:",
        ),
        case(
            "add backend: a Go backend",
            &f.go_backend,
            &["add", "backend", "--dry-run"],
            2,
            "acme-gopher-datasource already has a Go backend: ",
        ),
        case(
            "add backend: plugin.json says it has a backend",
            &f.flagged_backend,
            &["add", "backend"],
            2,
            "says \"backend\": true\n  help: a plugin has one backend",
        ),
        case(
            "add backend: no src/plugin.json",
            &f.outside,
            &["add", "backend"],
            2,
            "no src/plugin.json here or in any parent directory",
        ),
        case(
            "add backend: invalid plugin.json",
            &f.broken_json,
            &["add", "backend"],
            2,
            "is not valid JSON: key must be a string at line 1 column 2",
        ),
        case(
            "add backend: an id without a name",
            &f.odd_id,
            &["add", "backend", "--json"],
            2,
            "the id \"acmeodd-datasource\" does not follow this tool's rules: it has 2 part(s)",
        ),
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
    let cases = cases(&fixture);
    assert!(cases.len() >= 84, "the catalogue shrank to {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let before = fixture.scratch.tree();
        let mut cmd = fixture.scratch.cmd();
        if case.unprivileged {
            cmd = as_unprivileged_user(&fixture);
        }
        cmd.current_dir(&case.dir).args(&case.args);
        for (key, value) in &case.env {
            cmd.env(key, value);
        }
        let output = cmd.output().unwrap();
        let said = format!("{}{}", stderr_of(&output), stdout_of(&output));
        if output.status.code() != Some(case.code) || !said.contains(case.says) {
            failures.push(format!(
                "{}: exit {:?} (want {}), want `{}` in:\n{said}",
                case.name,
                output.status.code(),
                case.code,
                case.says
            ));
        }
        if fixture.scratch.tree() != before {
            failures.push(format!(
                "{}: files were created, changed or deleted",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
