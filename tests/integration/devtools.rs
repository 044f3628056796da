//! What a developer sees of a running backend: a handler's debug line reaches Grafana as an hclog
//! JSON line, the dev container waits for the backend before starting Grafana (and restarts it
//! when it changes), and a debugger stops in the query handler during a real QueryData.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use grafana_plugin_sdk::pluginv2;
use serde_json::{json, Map, Value};

use crate::dev::spawn_dev;
use crate::support::{interrupt, require_tool, shared_cargo_target, stderr_of, Scratch};

const SECRET: &str = "s3cret-never-logged";

/// Builds a generated backend in debug, as `check` and `dev --local` do; returns the executable.
fn build_backend(root: &Path, executable: &str) -> PathBuf {
    let output = Command::new("cargo")
        .args(["build", "--locked", "--quiet"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", shared_cargo_target())
        .env_remove("RUSTFLAGS")
        .output()
        .expect("running cargo build");
    assert!(output.status.success(), "{}", stderr_of(&output));
    shared_cargo_target().join("debug").join(executable)
}

/// A backend started the way Grafana starts one: only Grafana's environment (no `RUST_LOG`),
/// the handshake read from stdout, every stderr line kept.
struct Backend {
    child: Child,
    address: String,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Backend {
    fn start(exe: &Path) -> Self {
        let mut child = Command::new(exe)
            .env_clear()
            .env("grafana_plugin_type", "datasource")
            .env("PLUGIN_PROTOCOL_VERSIONS", "2")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("GF_VERSION", "12.4.0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", exe.display()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let mut handshake = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut handshake)
            .unwrap();
        let address = handshake.split('|').nth(3).expect("a handshake").to_owned();
        Self {
            child,
            address,
            stderr,
        }
    }

    /// Waits until a stderr line contains `needle`; returns every line so far.
    fn wait_for_stderr(&self, needle: &str, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        loop {
            let lines = self.stderr.lock().unwrap().clone();
            if lines.iter().any(|line| line.contains(needle)) || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A QueryData request as Grafana sends it for one query of a provisioned data source.
fn query_data(address: &str, plugin_id: &str, ref_id: &str) -> pluginv2::QueryDataResponse {
    let settings = pluginv2::DataSourceInstanceSettings {
        id: 3,
        uid: "ds-uid-3".into(),
        name: "Weather dev".into(),
        json_data: br#"{"path":"/v1"}"#.to_vec(),
        decrypted_secure_json_data: HashMap::from([("apiKey".into(), SECRET.into())]),
        ..Default::default()
    };
    let request = pluginv2::QueryDataRequest {
        plugin_context: Some(pluginv2::PluginContext {
            org_id: 7,
            plugin_id: plugin_id.into(),
            user: Some(pluginv2::User {
                login: "admin".into(),
                name: "Admin".into(),
                email: "admin@localhost".into(),
                role: "Admin".into(),
            }),
            data_source_instance_settings: Some(settings),
            ..Default::default()
        }),
        headers: HashMap::new(),
        queries: vec![pluginv2::DataQuery {
            ref_id: ref_id.into(),
            max_data_points: 100,
            interval_ms: 1000,
            time_range: Some(pluginv2::TimeRange {
                from_epoch_ms: 1_700_000_000_000,
                to_epoch_ms: 1_700_000_060_000,
            }),
            json: json!({ "queryText": "rain" }).to_string().into_bytes(),
            query_type: String::new(),
        }],
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let channel = tonic::transport::Channel::from_shared(format!("http://{address}"))
            .unwrap()
            .connect()
            .await
            .expect("connecting to the backend");
        pluginv2::data_client::DataClient::new(channel)
            .query_data(request)
            .await
            .expect("QueryData")
            .into_inner()
    })
}

/// The fields of `line` as go-plugin reads them: a JSON object with `@level`, `@message` and a
/// `@timestamp` in the one layout it parses (`2006-01-02T15:04:05.000000Z07:00`); any other line
/// would reach Grafana as an unparsed debug line.
fn hclog_entry(line: &str) -> Map<String, Value> {
    let Ok(Value::Object(entry)) = serde_json::from_str(line) else {
        panic!("not a JSON object, go-plugin would not parse it as hclog: {line}");
    };
    let level = entry["@level"].as_str().unwrap_or_default().to_lowercase();
    assert!(
        ["trace", "debug", "info", "warn", "error"].contains(&level.as_str()),
        "{line}"
    );
    assert!(entry["@message"].is_string(), "{line}");
    let timestamp =
        regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$").unwrap();
    let time = entry["@timestamp"].as_str().unwrap_or_default();
    assert!(timestamp.is_match(time), "{line}");
    entry
}

#[test]
fn a_handlers_debug_line_reaches_stderr_as_hclog_json_without_secrets() {
    require_tool("cargo", "https://rustup.rs (rustup installs cargo)");
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "hclog", "acme");
    let backend = Backend::start(&build_backend(&root, "gpx_hclog"));

    let response = query_data(&backend.address, "acme-hclog-datasource", "Q1");
    assert!(response.responses["Q1"].error.is_empty(), "{response:?}");

    let lines = backend.wait_for_stderr("queryData", Duration::from_secs(10));
    let entries: Vec<_> = lines.iter().map(|line| hclog_entry(line)).collect();
    let request = entries
        .iter()
        .find(|entry| entry.get("endpoint") == Some(&json!("queryData")))
        .unwrap_or_else(|| panic!("no queryData line on stderr:\n{}", lines.join("\n")));
    assert_eq!(
        request["@level"].as_str().map(str::to_lowercase),
        Some("debug".into())
    );
    assert_eq!(request["pluginId"], "acme-hclog-datasource");
    assert_eq!(request["orgId"], 7);
    assert_eq!(request["dsUid"], "ds-uid-3");
    assert_eq!(request["dsName"], "Weather dev");
    assert!(
        request["refIds"].as_str().unwrap().contains("\"Q1\""),
        "{request:?}"
    );
    let all = lines.join("\n");
    assert!(!all.contains(SECRET), "a secret reached the log:\n{all}");
}

/// Grafana's suffix for this machine's architecture, as the entrypoint computes it.
fn linux_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        _ => "arm",
    }
}

/// The generated entrypoint, run with `sh` and a stand-in for Grafana's `/run.sh` that starts
/// the backend and restarts it whenever it exits, as Grafana does. Its stdout comes line by line.
struct Entrypoint {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    standin_log: PathBuf,
}

impl Entrypoint {
    fn start(root: &Path, plugins: &Path, executable: Option<&str>) -> Self {
        let plugin_dir = plugins.join("acme-weather-datasource");
        fs::create_dir_all(&plugin_dir).unwrap();
        // The stand-in's own stderr (the shell's "Terminated" when the entrypoint stops an old
        // backend) goes to a file beside its log, not into the test run's output.
        let standin = plugins.join("grafana-standin.sh");
        let standin_log = plugins.join("standin.log");
        let backend = match executable {
            Some(name) => format!("{}/{name}_linux_{}", plugin_dir.display(), linux_arch()),
            None => String::new(),
        };
        fs::write(
            &standin,
            format!(
                "#!/bin/sh\nexec 2>> '{log}.stderr'\necho started >> '{log}'\n\
                 [ -n '{backend}' ] || exec sleep 600\n\
                 while true; do\n  '{backend}' 600 &\n  echo \"$!\" >> '{log}'\n  wait \"$!\"\ndone\n",
                log = standin_log.display(),
            ),
        )
        .unwrap();
        fs::set_permissions(&standin, fs::Permissions::from_mode(0o755)).unwrap();
        let mut command = Command::new("sh");
        command
            .arg(root.join(".config/entrypoint.sh"))
            .env("DEV", "true")
            .env("PLUGIN_ID", "acme-weather-datasource")
            .env("GF_PATHS_PLUGINS", plugins)
            .env("GRAFANA_RUN", &standin)
            .env_remove("PLUGIN_EXECUTABLE")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .process_group(0);
        if let Some(name) = executable {
            command.env("PLUGIN_EXECUTABLE", name);
        }
        let mut child = command.spawn().expect("running sh");
        let (sender, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
            standin_log,
        }
    }

    fn wait_for_line(&mut self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        if let Some(line) = self.seen.iter().find(|line| line.contains(needle)) {
            return line.clone();
        }
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(line) = self.lines.recv_timeout(left) else {
                break;
            };
            self.seen.push(line.clone());
            if line.contains(needle) {
                return line;
            }
        }
        panic!(
            "no line with `{needle}`; the entrypoint said:\n{}",
            self.seen.join("\n")
        );
    }

    /// The stand-in's log: `started`, then the pid of each backend it started.
    fn standin(&self) -> Vec<String> {
        let text = fs::read_to_string(&self.standin_log).unwrap_or_default();
        text.lines().map(str::to_owned).collect()
    }

    fn wait_for_standin(&self, lines: usize, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        while self.standin().len() < lines && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        self.standin()
    }
}

impl Drop for Entrypoint {
    fn drop(&mut self) {
        // The entrypoint, its watcher, the stand-in and the fake backend share one group.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

/// Puts a new "backend" (a copy of `sleep`, padded by `padding` bytes so each copy differs in
/// size) in place with one rename, as `build` and `dev` do.
fn install_backend(path: &Path, padding: usize) {
    let sleep = require_tool("sleep", "apt-get install coreutils");
    let mut bytes = fs::read(sleep).unwrap();
    bytes.resize(bytes.len() + padding, 0);
    let partial = path.with_extension("partial");
    fs::write(&partial, bytes).unwrap();
    fs::set_permissions(&partial, fs::Permissions::from_mode(0o755)).unwrap();
    fs::rename(&partial, path).unwrap();
}

fn alive(pid: &str) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "))
}

#[test]
fn the_dev_container_waits_for_the_backend_then_restarts_it_when_it_changes() {
    let shellcheck = require_tool(
        "shellcheck",
        "apt-get install shellcheck (scripts/test does)",
    );
    // The entrypoint finds the old backend with pgrep, as Grafana's images provide it.
    require_tool("pgrep", "apt-get install procps");
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", true);
    let script = root.join(".config/entrypoint.sh");
    let lint = Command::new(shellcheck).arg(&script).output().unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stdout)
    );

    let plugins = scratch.path().join("plugins");
    let mut entrypoint = Entrypoint::start(&root, &plugins, Some("gpx_weather"));
    let exe = format!("gpx_weather_linux_{}", linux_arch());
    entrypoint.wait_for_line(
        &format!("waiting for dist/{exe}, run `create-grafana-plugin build` or `dev`"),
        Duration::from_secs(10),
    );
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        entrypoint.standin(),
        Vec::<String>::new(),
        "Grafana started before the backend existed"
    );

    let binary = plugins.join("acme-weather-datasource").join(&exe);
    install_backend(&binary, 1);
    entrypoint.wait_for_line(
        &format!("found dist/{exe}, starting Grafana"),
        Duration::from_secs(10),
    );
    let started = entrypoint.wait_for_standin(2, Duration::from_secs(10));
    assert_eq!(
        started.first().map(String::as_str),
        Some("started"),
        "{started:?}"
    );
    let first = started[1].clone();
    assert!(alive(&first), "the backend {first} is not running");

    install_backend(&binary, 2);
    entrypoint.wait_for_line("backend binary changed", Duration::from_secs(15));
    let restarted = entrypoint.wait_for_standin(3, Duration::from_secs(10));
    assert_eq!(restarted.len(), 3, "no restart: {restarted:?}");
    assert!(!alive(&first), "the old backend {first} still runs");
}

#[test]
fn the_dev_container_of_a_frontend_only_plugin_starts_grafana_at_once() {
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", false);
    let compose = fs::read_to_string(root.join(".config/docker-compose-base.yaml")).unwrap();
    assert!(!compose.contains("PLUGIN_EXECUTABLE"), "{compose}");
    let mut entrypoint = Entrypoint::start(&root, &scratch.path().join("plugins"), None);
    entrypoint.wait_for_line("development mode", Duration::from_secs(10));
    let started = entrypoint.wait_for_standin(1, Duration::from_secs(10));
    assert_eq!(started, ["started"]);
    assert!(
        !entrypoint.seen.iter().any(|line| line.contains("waiting")),
        "{:?}",
        entrypoint.seen
    );
}

/// `dev`, stopped with Ctrl-C when dropped, so a failed assertion leaves no backend running.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            interrupt(&mut self.0);
        }
    }
}

/// `(pid, address)` from dev's "backend answering on ADDRESS (pid PID)" line.
fn answering(line: &str) -> (u32, String) {
    let after = |marker: &str| line.split(marker).nth(1).unwrap_or_default().to_owned();
    let address = after("answering on ");
    let address = address.split_whitespace().next().unwrap().to_owned();
    let pid = after("(pid ");
    (pid.split(')').next().unwrap().parse().unwrap(), address)
}

#[test]
fn gdb_stops_in_the_query_handler_of_the_backend_dev_started_and_reads_the_ref_id() {
    require_tool("gdb", "apt-get install gdb");
    let rust_gdb = require_tool("rust-gdb", "rustup (it ships with every Rust toolchain)");
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "gdbloop", "acme");
    // scripts/test keeps only line tables (CARGO_PROFILE_DEV_DEBUG); reading a local variable
    // needs full debug info, for the plugin's own crate at least.
    fs::create_dir_all(root.join(".cargo")).unwrap();
    fs::write(
        root.join(".cargo/config.toml"),
        "[profile.dev.package.acme-gdbloop-datasource]\ndebug = \"full\"\n",
    )
    .unwrap();
    let (dev, lines) = spawn_dev(&scratch, &root, "dev --local --no-frontend");
    let mut dev = Stopped(dev);
    let ready = lines.wait_for("CheckHealth OK", Duration::from_secs(900));
    let (pid, address) = answering(&ready);
    // Read while dev watches, as an editor and gdb do: reading must not restart the backend
    // the debugger is attached to.
    let source = fs::read_to_string(root.join("pkg/query.rs")).unwrap();
    let line = 1 + source
        .lines()
        .position(|l| l.contains("let frame = build_frame("))
        .expect("the query handler builds a frame");

    let mut gdb = Command::new(rust_gdb)
        .args(["--batch", "-p", &pid.to_string()])
        .args(["-ex", &format!("break query.rs:{line}"), "-ex", "continue"])
        .args(["-ex", "print ref_id", "-ex", "detach"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running rust-gdb");
    let (sender, gdb_lines) = mpsc::channel();
    let stdout = gdb.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let mut said = Vec::new();
    // Once the breakpoint is set, gdb continues the process, which then takes the request (a
    // connection made meanwhile waits in the listen backlog).
    while !said
        .iter()
        .any(|l: &String| l.starts_with("Breakpoint 1 at"))
    {
        let line = gdb_lines
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("gdb set no breakpoint:\n{}", said.join("\n")));
        said.push(line);
    }

    // Answered only once gdb has let the process go again.
    let response = query_data(&address, "acme-gdbloop-datasource", "GDB7");
    let status = gdb.wait().unwrap();
    said.extend(gdb_lines.try_iter());
    let mut errors = String::new();
    gdb.stderr
        .take()
        .unwrap()
        .read_to_string(&mut errors)
        .unwrap();
    let said = said.join("\n");
    assert!(status.success(), "gdb failed:\n{said}\n{errors}");
    assert!(
        said.contains("Breakpoint 1, gpx_gdbloop::query::run_query"),
        "gdb did not stop in run_query:\n{said}\n{errors}"
    );
    assert!(
        said.contains("$1 = \"GDB7\""),
        "gdb did not read ref_id:\n{said}\n{errors}"
    );
    assert!(response.responses["GDB7"].error.is_empty(), "{response:?}");
    // gdb read pkg/query.rs to show the line it stopped at; dev took that for nothing.
    let meanwhile = lines.during(Duration::from_secs(2));
    assert!(
        !meanwhile
            .iter()
            .any(|l| l.contains("changed:") || l.contains("[build]")),
        "dev rebuilt while gdb read the sources:\n{}",
        meanwhile.join("\n")
    );
    assert_eq!(interrupt(&mut dev.0), Some(130));
}

/// The compose service of a backend plugin lets a debugger in (ptrace, gdbserver's port) and
/// names the executable the entrypoint waits for, and VS Code gets CodeLLDB configurations; a
/// frontend-only plugin gets none of it.
#[test]
fn the_compose_service_allows_debugging_the_backend_only() {
    let compose = require_tool(
        "docker-compose",
        "apt-get install docker-compose (scripts/test does)",
    );
    for backend in [true, false] {
        let scratch = Scratch::new();
        let root = scratch.generate("datasource", backend);
        let output = Command::new(&compose)
            .arg("config")
            .current_dir(&root)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let resolved: serde_norway::Value =
            serde_norway::from_slice(&output.stdout).expect("docker-compose config prints YAML");
        let grafana = &resolved["services"]["grafana"];
        let ptrace = grafana["cap_add"]
            .as_sequence()
            .is_some_and(|caps| caps.iter().any(|cap| cap.as_str() == Some("SYS_PTRACE")));
        let seccomp = grafana["security_opt"].as_sequence().is_some_and(|opts| {
            opts.iter()
                .any(|o| o.as_str() == Some("seccomp:unconfined"))
        });
        let gdbserver = grafana["ports"]
            .as_sequence()
            .unwrap()
            .iter()
            .any(|port| port["published"].as_u64() == Some(2345));
        let executable = grafana["environment"]["PLUGIN_EXECUTABLE"].as_str();
        assert_eq!((ptrace, seccomp, gdbserver), (backend, backend, backend));
        assert_eq!(executable, backend.then_some("gpx_weather"));
        let launch = fs::read_to_string(root.join(".vscode/launch.json"));
        assert_eq!(launch.is_ok(), backend);
        if let Ok(launch) = launch {
            let launch: Value = serde_json::from_str(&launch).expect("launch.json is JSON");
            let attach = &launch["configurations"][0];
            assert_eq!(attach["type"], "lldb", "CodeLLDB: {attach}");
            assert_eq!(attach["request"], "attach");
            let program = attach["program"].as_str().unwrap();
            assert!(program.ends_with("/target/debug/gpx_weather"), "{program}");
        }
    }
}
