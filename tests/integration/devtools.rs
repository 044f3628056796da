//! What a developer sees of a running backend: a handler's debug line reaches Grafana as an hclog
//! JSON line.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use grafana_plugin_sdk::pluginv2;
use serde_json::{json, Map, Value};

use crate::support::{require_tool, shared_cargo_target, stderr_of, Scratch};

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
