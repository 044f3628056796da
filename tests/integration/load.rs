//! A generated backend on the wire, driven the way Grafana drives it: the helpers start one and
//! speak its gRPC protocol with requests written here, for the protocol tests in `check.rs`; the
//! ignored test is the load benchmark `scripts/bench-backend` runs (it prints figures).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use grafana_plugin_sdk::pluginv2::{
    self, data_client::DataClient, diagnostics_client::DiagnosticsClient,
};
use tonic::transport::{Channel, Endpoint};

use crate::support::{require_tool, shared_cargo_target, stderr_of, stdout_of, Scratch};

/// A generated backend, built with cargo and started as Grafana starts it; killed on drop.
pub struct Backend {
    child: Child,
    pub address: String,
}

impl Backend {
    /// Builds the plugin at `root` (debug, or release) and starts its executable `gpx_<name>`.
    pub fn start(root: &Path, name: &str, release: bool) -> Self {
        require_tool("cargo", "https://rustup.rs (rustup installs cargo)");
        let mut args = vec!["build", "--quiet", "--locked"];
        if release {
            args.push("--release");
        }
        let target = shared_cargo_target();
        let output = Command::new("cargo")
            .args(&args)
            .current_dir(root)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .output()
            .expect("running cargo build");
        assert!(
            output.status.success(),
            "cargo {args:?} failed:\n{}\n{}",
            stdout_of(&output),
            stderr_of(&output)
        );
        let profile = if release { "release" } else { "debug" };
        let exe = target.join(profile).join(format!("gpx_{name}"));
        let mut child = Command::new(&exe)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", exe.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("reading the handshake");
        // 1|2|tcp|127.0.0.1:PORT|grpc
        let address = line.trim().split('|').nth(3).unwrap_or_default().to_owned();
        assert!(address.contains(':'), "not a handshake: {line:?}");
        Self { child, address }
    }

    /// Resident memory of the backend process.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("reading the backend's /proc status");
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// One HTTP/2 connection to the backend, as Grafana keeps one per plugin.
    pub async fn connect(&self) -> Channel {
        Endpoint::from_shared(format!("http://{}", self.address))
            .unwrap()
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(60))
            .connect()
            .await
            .expect("connecting to the backend")
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What Grafana sends with every request: the user (with this basic role) and the settings of
/// the data source or app, saved at `updated_ms`.
pub fn context(
    plugin_id: &str,
    plugin_type: &str,
    secure: &[(&str, &str)],
    updated_ms: i64,
    role: &str,
) -> pluginv2::PluginContext {
    let secure: HashMap<String, String> = secure
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut context = pluginv2::PluginContext {
        org_id: 1,
        plugin_id: plugin_id.to_owned(),
        user: Some(pluginv2::User {
            login: "someone".into(),
            name: "Someone".into(),
            email: "someone@example.com".into(),
            role: role.into(),
        }),
        ..Default::default()
    };
    match plugin_type {
        "app" => {
            context.app_instance_settings = Some(pluginv2::AppInstanceSettings {
                json_data: b"{}".to_vec(),
                decrypted_secure_json_data: secure,
                last_updated_ms: updated_ms,
            })
        }
        _ => {
            context.data_source_instance_settings = Some(pluginv2::DataSourceInstanceSettings {
                id: 1,
                uid: "wire".into(),
                name: "wire".into(),
                json_data: b"{}".to_vec(),
                decrypted_secure_json_data: secure,
                last_updated_ms: updated_ms,
                ..Default::default()
            })
        }
    }
    context
}

/// QueryData with one query, refId `A`; its response for `A`.
pub async fn query(channel: Channel, context: pluginv2::PluginContext) -> pluginv2::DataResponse {
    let request = pluginv2::QueryDataRequest {
        plugin_context: Some(context),
        headers: HashMap::new(),
        queries: vec![pluginv2::DataQuery {
            ref_id: "A".into(),
            max_data_points: 100,
            interval_ms: 1000,
            time_range: Some(pluginv2::TimeRange {
                from_epoch_ms: 1_700_000_000_000,
                to_epoch_ms: 1_700_000_060_000,
            }),
            json: br#"{"queryText":"load","constant":1}"#.to_vec(),
            query_type: String::new(),
        }],
    };
    let mut response = DataClient::new(channel)
        .query_data(request)
        .await
        .unwrap_or_else(|status| panic!("QueryData failed: {status:?}"))
        .into_inner();
    response
        .responses
        .remove("A")
        .expect("a response for refId A")
}

/// CheckHealth; its status and message.
pub async fn health(channel: Channel, context: pluginv2::PluginContext) -> (i32, String) {
    let response = DiagnosticsClient::new(channel)
        .check_health(pluginv2::CheckHealthRequest {
            plugin_context: Some(context),
            headers: HashMap::new(),
        })
        .await
        .unwrap_or_else(|status| panic!("CheckHealth failed: {status:?}"))
        .into_inner();
    (response.status, response.message)
}

/// CollectMetrics; the Prometheus text.
pub async fn metrics(channel: Channel, context: pluginv2::PluginContext) -> String {
    let response = DiagnosticsClient::new(channel)
        .collect_metrics(pluginv2::CollectMetricsRequest {
            plugin_context: Some(context),
        })
        .await
        .unwrap_or_else(|status| panic!("CollectMetrics failed: {status:?}"))
        .into_inner();
    String::from_utf8(response.metrics.unwrap_or_default().prometheus).unwrap()
}

/// The value of an unlabelled sample in Prometheus text.
pub fn sample(text: &str, name: &str) -> f64 {
    let prefix = format!("{name} ");
    let line = text
        .lines()
        .find(|line| line.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no sample {name} in:\n{text}"));
    line[prefix.len()..].parse().unwrap()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

const CALLS: usize = 10_000;
const IN_FLIGHT: usize = 16;
const WARM_UP: usize = 1_000;

/// Grafana's load on one data source: QueryData calls, `IN_FLIGHT` at a time on one connection,
/// to a release build. Every call must be answered; resident memory after all of them must be
/// within 1 MiB of what it was after the first `WARM_UP` (no growth per request). Prints the
/// latency figures; `scripts/bench-backend` runs it.
#[test]
#[ignore = "a benchmark: scripts/bench-backend runs it"]
fn load_query_data_16_in_flight_on_one_connection() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "load", "acme");
    let backend = Backend::start(&root, "load", true);
    let context = context(
        "acme-load-datasource",
        "datasource",
        &[("apiKey", "k")],
        1_000,
        "Viewer",
    );
    let runtime = runtime();
    let (warm_rss, latencies) = runtime.block_on(async {
        let channel = backend.connect().await;
        let warm = run(&channel, &context, WARM_UP).await;
        let warm_rss = backend.rss_kib();
        let mut latencies = run(&channel, &context, CALLS - WARM_UP).await;
        latencies.extend(warm);
        (warm_rss, latencies)
    });
    let end_rss = backend.rss_kib();
    let mut sorted = latencies;
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    println!(
        "load: {} QueryData calls, {IN_FLIGHT} in flight on one connection, release backend: \
         median {:.3} ms, p99 {:.3} ms, max {:.3} ms; RSS after {WARM_UP} calls {:.1} MiB, \
         after all {:.1} MiB ({:+} KiB)",
        sorted.len(),
        at(0.5),
        at(0.99),
        at(1.0),
        warm_rss as f64 / 1024.0,
        end_rss as f64 / 1024.0,
        end_rss as i64 - warm_rss as i64
    );
    assert_eq!(sorted.len(), CALLS);
    assert!(
        end_rss <= warm_rss + 1024,
        "resident memory grew from {warm_rss} KiB to {end_rss} KiB"
    );
}

/// `calls` QueryData calls by `IN_FLIGHT` tasks sharing one channel; each call's latency.
/// Panics on the first call that is not answered with a frame.
async fn run(channel: &Channel, context: &pluginv2::PluginContext, calls: usize) -> Vec<Duration> {
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..IN_FLIGHT {
        let (channel, context) = (channel.clone(), context.clone());
        let share = calls / IN_FLIGHT + usize::from(worker < calls % IN_FLIGHT);
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(share);
            for _ in 0..share {
                let start = Instant::now();
                let answer = query(channel.clone(), context.clone()).await;
                latencies.push(start.elapsed());
                assert!(answer.error.is_empty(), "{}", answer.error);
                assert_eq!(answer.frames.len(), 1);
            }
            latencies
        });
    }
    let mut all = Vec::with_capacity(calls);
    while let Some(done) = tasks.join_next().await {
        all.extend(done.expect("a load task panicked"));
    }
    all
}
