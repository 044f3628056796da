//! `dev --local` end to end on a generated data source: a save gets a new process answering with
//! the new code, a broken save keeps the old one answering, and Ctrl-C leaves nothing running.
//! Only a change of content builds: not reading files, not rewriting the same bytes, not cargo's
//! own reads during a build. The backend's hclog JSON lines read as Grafana's log shows them.
//! Also: the docker-compose files of every kind are valid Compose.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use object::Object;

use crate::support::{
    interrupt, processes_in, require_tool, shared_cargo_target, stdout_of, words, Scratch, VARIANTS,
};

/// Lines dev writes on stderr, read on a thread so the test can wait for one with a deadline.
pub struct Lines(mpsc::Receiver<String>);

impl Lines {
    /// Waits until each needle has appeared, in any order; returns the matching lines in the
    /// needles' order.
    pub fn wait_for_each(&self, needles: &[&str], within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        let mut found: Vec<Option<String>> = vec![None; needles.len()];
        let mut seen = Vec::new();
        while found.iter().any(Option::is_none) {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            let Ok(line) = self.0.recv_timeout(left) else {
                break;
            };
            for (needle, slot) in needles.iter().zip(found.iter_mut()) {
                if slot.is_none() && line.contains(needle) {
                    *slot = Some(line.clone());
                }
            }
            seen.push(line);
        }
        found
            .into_iter()
            .zip(needles)
            .map(|(line, needle)| {
                line.unwrap_or_else(|| {
                    panic!(
                        "no line with `{needle}` within {within:?}; dev said:\n{}",
                        seen.join("\n")
                    )
                })
            })
            .collect()
    }

    /// Every line up to and including the first with `needle`.
    pub fn until(&self, needle: &str, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(line) = self.0.recv_timeout(left) else {
                break;
            };
            let found = line.contains(needle);
            seen.push(line);
            if found {
                return seen;
            }
        }
        panic!(
            "no line with `{needle}` within {within:?}; dev said:\n{}",
            seen.join("\n")
        );
    }

    /// Every line dev writes during `span`, or until it ends.
    pub fn during(&self, span: Duration) -> Vec<String> {
        let deadline = Instant::now() + span;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.0.recv_timeout(left) {
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        seen
    }

    pub fn wait_for(&self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.0.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!(
            "no line with `{needle}` within {within:?}; dev said:\n{}",
            seen.join("\n")
        );
    }
}

/// `(pid, address)` from the last of dev's "backend answering on ADDRESS (pid PID)" lines.
fn answering(lines: &[String]) -> (u32, String) {
    let line = lines
        .iter()
        .rev()
        .find(|line| line.contains("answering on "))
        .unwrap_or_else(|| panic!("no backend answering: {lines:?}"));
    let address = line
        .split("answering on ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    let pid = line
        .split("(pid ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .and_then(|pid| pid.parse().ok())
        .unwrap();
    (pid, address)
}

/// grpc.health.v1 Check against a running backend: does it still answer?
fn answers(address: &str) -> bool {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let Ok(endpoint) = tonic::transport::Channel::from_shared(format!("http://{address}"))
        else {
            return false;
        };
        let Ok(channel) = endpoint.connect().await else {
            return false;
        };
        let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
        let request = tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        };
        client.check(request).await.is_ok()
    })
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

/// How many builds `lines` show starting after the first: dev names the changed files before each.
fn rebuilds(lines: &[String]) -> usize {
    lines
        .iter()
        .filter(|line| line.starts_with("[dev] changed:"))
        .count()
}

/// How many builds `lines` show ending: in a new backend, or in a failure.
fn builds_done(lines: &[String]) -> usize {
    let ends = [
        "[dev] backend answering",
        "[dev] the new backend",
        "[dev] could not start",
        "[dev] build failed",
    ];
    lines
        .iter()
        .filter(|line| ends.iter().any(|end| line.starts_with(end)))
        .count()
}

/// Ctrl-C: exit 130 with a plain stop line (no `error:`), and nothing left running in `root`.
fn stop_cleanly(mut child: std::process::Child, lines: &Lines, root: &Path) {
    assert_eq!(interrupt(&mut child), Some(130));
    let last = lines.during(Duration::from_secs(30));
    assert!(
        last.iter()
            .any(|l| l == "[dev] stopped; no process it started is left"),
        "{last:?}"
    );
    assert!(!last.iter().any(|l| l.contains("error:")), "{last:?}");
    let leftovers = processes_in(root);
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// What editors, cargo and rust-analyzer do all the time: read every input, again and again.
struct Reader(std::process::Child);

impl Reader {
    fn start(root: &Path) -> Self {
        let script = "while :; do find \"$0/pkg\" \"$0/Cargo.toml\" \"$0/Cargo.lock\" -type f \
                      -exec cat {} + >/dev/null; sleep 0.05; done";
        // Its working directory is elsewhere, so it does not count as a process dev left.
        let child = Command::new("sh")
            .args(["-c", script])
            .arg(root)
            .current_dir(std::env::temp_dir())
            .spawn()
            .unwrap();
        Self(child)
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Saves `text` as editors do that write a temporary file and rename it over the original.
fn save_by_rename(path: &Path, text: &str) {
    let temporary = path.with_extension("rs.tmp~");
    fs::write(&temporary, text).unwrap();
    fs::rename(&temporary, path).unwrap();
}

/// The `dev` command `line` in `root`, its stderr echoed and readable line by line.
pub fn spawn_dev(scratch: &Scratch, root: &Path, line: &str) -> (std::process::Child, Lines) {
    let mut child = scratch
        .std_cmd()
        .current_dir(root)
        .env("CARGO_TARGET_DIR", shared_cargo_target())
        .args(words(line))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (sender, receiver) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("dev: {line}");
            let _ = sender.send(line);
        }
    });
    (child, Lines(receiver))
}

#[test]
fn dev_local_restarts_on_save_keeps_the_old_backend_on_errors_and_cleans_up() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "devloop", "acme");
    let (child, lines) = spawn_dev(&scratch, &root, "dev --local --no-frontend");
    // The first build may compile grafana-plugin-sdk from scratch.
    let first = lines.until(" s in all)", Duration::from_secs(900));
    let (first_pid, _) = answering(&first);
    // The backend logs CheckHealth at debug in hclog JSON; dev shows it as Grafana's log would.
    let logged = "[backend] DEBUG plugin request pluginId=acme-devloop-datasource \
                  endpoint=checkHealth orgId=";
    let request = first
        .iter()
        .find(|line| line.starts_with(logged))
        .cloned()
        .unwrap_or_else(|| lines.wait_for(logged, Duration::from_secs(10)));
    assert!(!request.contains("@timestamp"), "{request}");

    // The same bytes again, in place and by rename, are no change.
    let plugin = root.join("pkg/plugin.rs");
    let source = fs::read_to_string(&plugin).unwrap();
    fs::write(&plugin, &source).unwrap();
    save_by_rename(&plugin, &source);
    let quiet = lines.during(Duration::from_secs(5));
    assert_eq!(rebuilds(&quiet), 0, "{quiet:?}");

    fs::write(
        &plugin,
        source.replace("Data source is working", "Dev loop works"),
    )
    .unwrap();
    let second = lines.until("CheckHealth OK: Dev loop works", Duration::from_secs(180));
    assert_eq!(rebuilds(&second), 1, "{second:?}");
    lines.wait_for("[dev] save → built ", Duration::from_secs(10));
    let (second_pid, _) = answering(&second);
    assert_ne!(first_pid, second_pid, "no new process");
    assert!(!alive(first_pid), "the old backend {first_pid} still runs");

    save_by_rename(
        &plugin,
        &source.replace("Data source is working", "Renamed into place"),
    );
    let third = lines.until(
        "CheckHealth OK: Renamed into place",
        Duration::from_secs(180),
    );
    assert_eq!(rebuilds(&third), 1, "{third:?}");
    let (third_pid, third_address) = answering(&third);

    let edited = fs::read_to_string(&plugin).unwrap();
    fs::write(
        &plugin,
        format!("{edited}\nfn broken() -> u32 {{ \"x\" }}\n"),
    )
    .unwrap();
    lines.wait_for("error[E0308]: mismatched types", Duration::from_secs(180));
    lines.wait_for(
        "the previous backend keeps running",
        Duration::from_secs(60),
    );
    assert!(alive(third_pid));
    assert!(answers(&third_address), "the old backend stopped answering");

    // No save started the first cycle.
    assert!(
        first
            .iter()
            .any(|l| l.starts_with("[dev] first build: built ")),
        "{first:?}"
    );
    stop_cleanly(child, &lines, &root);
    assert!(!alive(third_pid), "backend {third_pid} outlived dev");
}

/// Reads are no saves: with a process reading every input all the time, an idle dev builds
/// nothing after its first build, and a broken save (which cargo reads while it fails) builds
/// exactly once.
#[test]
fn dev_local_ignores_reads_and_builds_a_broken_save_once() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "devquiet", "acme");
    let (child, lines) = spawn_dev(&scratch, &root, "dev --local --no-frontend");
    let first = lines.until(" s in all)", Duration::from_secs(900));
    let (pid, address) = answering(&first);

    let reader = Reader::start(&root);
    let idle = lines.during(Duration::from_secs(20));
    assert_eq!(
        (rebuilds(&idle), builds_done(&idle)),
        (0, 0),
        "builds while nothing changed: {idle:?}"
    );

    let plugin = root.join("pkg/plugin.rs");
    let source = fs::read_to_string(&plugin).unwrap();
    fs::write(&plugin, format!("{source}\nfn broken( {{\n")).unwrap();
    // Generous: other builds may hold the shared target directory's lock.
    let failed = lines.until("[dev] build failed", Duration::from_secs(600));
    assert_eq!(rebuilds(&failed), 1, "{failed:?}");
    let after = lines.during(Duration::from_secs(20));
    assert_eq!(
        (rebuilds(&after), builds_done(&after)),
        (0, 0),
        "builds after one broken save: {after:?}"
    );
    assert!(alive(pid), "the previous backend {pid} stopped");
    assert!(answers(&address), "the previous backend stopped answering");
    drop(reader);

    stop_cleanly(child, &lines, &root);
}

#[test]
fn compose_files_are_valid_compose_for_every_kind() {
    let compose = require_tool(
        "docker-compose",
        "apt-get install docker-compose (scripts/test does)",
    );
    for &(kind, backend) in VARIANTS {
        let scratch = Scratch::new();
        let root = scratch.generate(kind, backend);
        let output = Command::new(&compose)
            .arg("config")
            .current_dir(&root)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let resolved: serde_norway::Value = serde_norway::from_str(&stdout_of(&output)).unwrap();
        let grafana = &resolved["services"]["grafana"];
        let id = root.file_name().unwrap().to_string_lossy().into_owned();
        let env = &grafana["environment"];
        assert_eq!(
            env["GF_DEFAULT_APP_MODE"].as_str(),
            Some("development"),
            "{kind}"
        );
        assert_eq!(
            env["GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"].as_str(),
            Some(id.as_str())
        );
        assert_eq!(env["GF_AUTH_ANONYMOUS_ORG_ROLE"].as_str(), Some("Admin"));
        let volumes: Vec<String> = grafana["volumes"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        let dist = format!("{}/dist:/var/lib/grafana/plugins/{id}", root.display());
        assert!(
            volumes.iter().any(|v| v.starts_with(&dist)),
            "{kind}: {volumes:?}"
        );
        assert!(
            volumes
                .iter()
                .any(|v| v.contains("/provisioning:/etc/grafana/provisioning")),
            "{kind}: {volumes:?}"
        );
        // A pinned image, so every developer runs the same Grafana.
        let args = &grafana["build"]["args"];
        assert!(
            args["grafana_version"].as_str().unwrap().starts_with("12."),
            "{args:?}"
        );
        let ports = grafana["ports"].as_sequence().unwrap();
        assert!(
            ports.iter().any(|p| p["published"].as_u64() == Some(3000)),
            "{kind}: {ports:?}"
        );
    }
}

/// Without --local, each build lands in dist/ under Grafana's name for this machine's Linux, and
/// dev says when no docker compose Grafana is running to pick it up.
#[test]
fn dev_for_the_container_installs_the_linux_binary_into_dist() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "devbox", "acme");
    let (child, lines) = spawn_dev(&scratch, &root, "dev --no-frontend");
    let found = lines.wait_for_each(
        &[
            "dist/gpx_devbox_linux_amd64 updated by the first build",
            "no docker compose project is running",
        ],
        Duration::from_secs(900),
    );
    assert!(
        found[1].contains("docker compose up --build"),
        "{}",
        found[1]
    );
    let exe = root.join("dist/gpx_devbox_linux_amd64");
    let data = fs::read(&exe).unwrap();
    let file = object::File::parse(&*data).unwrap();
    assert_eq!(file.format(), object::BinaryFormat::Elf);
    assert!(
        file.section_by_name(".interp").is_none(),
        "the container binary must be static"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&exe).unwrap().permissions().mode() & 0o111,
        0o111
    );
    stop_cleanly(child, &lines, &root);
}
