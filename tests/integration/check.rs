//! `check` against real generated backends, and against fake executables that misbehave in
//! every way a broken plugin can.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{shared_cargo_target, words, Expect, Scratch, VARIANTS};

fn script(scratch: &Scratch, name: &str, body: &str) -> PathBuf {
    let path = scratch.path().join(name);
    fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    make_executable(&path);
    path
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// `check --json --timeout 60` with `flags` (a command line's rest) in `root`.
fn check_json(scratch: &Scratch, root: &Path, flags: &str) -> (Value, std::process::Output) {
    let output = scratch
        .run_in(root, &format!("check --json --timeout 60 {flags}"))
        .env("CARGO_TARGET_DIR", shared_cargo_target())
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a JSON report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output)
}

fn step<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {report:#}"))
}

#[test]
fn every_generated_backend_passes_check_with_a_query_and_a_resource_call() {
    for &(kind, backend) in VARIANTS.iter().filter(|v| v.1) {
        let scratch = Scratch::new();
        // Distinct names, so the variants' executables never share a path in the shared target.
        let root = scratch.generate_as(kind, backend, &format!("{kind}check"), "acme");
        let mut flags = "--resource 'ping?x=1'".to_owned();
        if kind == "datasource" {
            flags += r#" --query '{"queryText":"hello","constant":2.5}'"#;
        }
        let (report, output) = check_json(&scratch, &root, &flags);
        assert!(
            output.status.success(),
            "{kind}: {report:#}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(report["passed"], true);
        assert_eq!(step(&report, "handshake")["status"], "passed");
        // Settings came from the generated provisioning file, as Grafana would pass them, and
        // the backend found the provisioned jsonData under the name the frontend saves it as.
        let health = step(&report, "CheckHealth");
        assert_eq!(health["status"], "passed");
        let provisioned = match kind {
            "datasource" => "/v1/weather",
            _ => "https://api.example.com",
        };
        assert!(
            health["detail"].as_str().unwrap().contains(provisioned),
            "{health}"
        );
        assert!(
            report["settings"]
                .as_str()
                .unwrap()
                .starts_with("provisioning/"),
            "{report:#}"
        );
        let resource = step(&report, "CallResource")["detail"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            resource.contains("200") && resource.contains("\"message\":\"ok\""),
            "{resource}"
        );
        if kind == "datasource" {
            let query = step(&report, "QueryData")["detail"]
                .as_str()
                .unwrap()
                .to_owned();
            assert!(query.contains("1 frame(s)"), "{query}");
        }
        assert!(step(&report, "handshake")["ms"].as_f64().unwrap() > 0.0);
        // The Rust SDK serves no go-plugin controller: how such plugins are, not a fault.
        let shutdown = step(&report, "Shutdown");
        assert_eq!(shutdown["status"], "info", "{shutdown}");
        assert!(
            shutdown["detail"]
                .as_str()
                .unwrap()
                .contains("grafana-plugin-sdk for Rust has none"),
            "{shutdown}"
        );
        let warnings: Vec<&Value> = report["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["status"] == "warning")
            .collect();
        assert!(warnings.is_empty(), "{kind}: {warnings:#?}");
    }
}

#[test]
fn a_failing_health_check_fails_the_check_with_its_message() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "unhealthy", "acme");
    // Settings without the API key the generated backend requires.
    let (report, output) = check_json(&scratch, &root, r#"--json-data '{"path":"/api"}'"#);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(report["passed"], false);
    let health = step(&report, "CheckHealth");
    assert_eq!(health["status"], "failed");
    assert!(
        health["detail"].as_str().unwrap().contains("ERROR"),
        "{health}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("check failed at CheckHealth"));
}

#[test]
fn misbehaving_executables_each_get_their_own_message() {
    let scratch = Scratch::new();
    let silent = script(&scratch, "silent", "echo $$ > silent.pid\nexec sleep 30");
    let garbage = script(
        &scratch,
        "garbage",
        "echo 'Listening on port 8080'\nexec sleep 30",
    );
    let crash = script(
        &scratch,
        "crash",
        "echo 'panicked: config file missing' >&2\nexit 3",
    );
    let old = script(
        &scratch,
        "old",
        "echo '1|1|tcp|127.0.0.1:4000|grpc'\nexec sleep 30",
    );
    let refused = script(
        &scratch,
        "refused",
        "echo '1|2|tcp|127.0.0.1:1|grpc'\nexec sleep 30",
    );
    let plain = scratch.path().join("plain");
    fs::write(&plain, "#!/bin/sh\n").unwrap();
    let cases: &[(&Path, &str)] = &[
        (&silent, "no handshake line in time"),
        (
            &garbage,
            "\"Listening on port 8080\" is not a valid handshake",
        ),
        (
            &crash,
            "exited (exit status: 3) before printing its handshake; its stderr:",
        ),
        (&crash, "panicked: config file missing"),
        (&old, "plugin protocol version 1 is not supported"),
        (&refused, "connecting to 127.0.0.1:1"),
        (&plain, "is not executable"),
        (Path::new("/nonexistent/gpx_x"), "does not exist"),
    ];
    for (exe, message) in cases {
        scratch
            .run("check --timeout 1 --exe")
            .arg(exe)
            .assert()
            .code(1)
            .stdout(predicate::str::contains(*message))
            .stderr(predicate::str::contains("check failed"));
    }
    // The silent plugin was killed and reaped, not left running.
    let pid = fs::read_to_string(scratch.path().join("silent.pid")).unwrap();
    let proc_status =
        fs::read_to_string(format!("/proc/{}/status", pid.trim())).unwrap_or_default();
    assert!(
        proc_status.is_empty() || proc_status.contains("State:\tZ"),
        "plugin {pid} still runs:\n{proc_status}"
    );
}

#[test]
fn check_outside_a_plugin_explains_what_it_needs() {
    let scratch = Scratch::new();
    scratch.run("check").fails(2, "not inside a Grafana plugin");
}

#[test]
fn a_panel_is_told_it_cannot_have_a_backend_not_to_add_one() {
    let scratch = Scratch::new();
    let root = scratch.generate("panel", false);
    for line in ["check", "dev --local --no-frontend"] {
        let output = scratch.run_in(&root, line).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{line}: {stderr}");
        assert!(
            stderr.contains(
                "acme-weather-panel is a panel, and panels have no backend: Grafana \
                             runs backends only for apps and data sources"
            ),
            "{line}: {stderr}"
        );
        assert!(!stderr.contains("\"backend\": true"), "{line}: {stderr}");
    }
}

#[test]
fn a_malformed_query_fails_that_query_not_the_plugin() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "badquery", "acme");
    let (report, output) = check_json(&scratch, &root, r#"--query '{"constant":"six"}'"#);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    let query = step(&report, "QueryData");
    assert_eq!(query["status"], "failed");
    assert!(
        query["detail"].as_str().unwrap().starts_with("refId A:"),
        "{query}"
    );
    // The plugin kept serving: the calls after the bad query still answered.
    assert_eq!(
        step(&report, "CollectMetrics")["status"],
        "passed",
        "{report:#}"
    );
}

#[test]
fn secure_settings_never_reach_the_logs() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "secret", "acme");
    let secret = "Sup3rS3cretValue";
    // Malformed jsonData makes the health check fail, so the report includes the plugin's logs,
    // which RUST_LOG=trace makes as verbose as they get.
    let output = scratch
        .run_in(
            &root,
            r#"check --json --timeout 60 --json-data '{"path":["x"]}' --secure"#,
        )
        .arg(format!("apiKey={secret}"))
        .env("CARGO_TARGET_DIR", shared_cargo_target())
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let logs = step(&report, "plugin output")["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        logs.lines().count() > 3,
        "expected trace logs, got:\n{logs}"
    );
    assert!(!logs.contains(secret), "the secret was logged:\n{logs}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains(secret));
}

#[test]
fn ctrl_c_stops_the_check_and_reaps_the_plugin() {
    let scratch = Scratch::new();
    let silent = script(&scratch, "silent", "echo $$ > silent.pid\nexec sleep 60");
    let mut child = scratch
        .std_cmd()
        .args(words("check --timeout 60 --exe"))
        .arg(&silent)
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid_file = scratch.path().join("silent.pid");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !pid_file.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    // SIGINT to `check` alone, as if only it got the terminal's Ctrl-C.
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}");
    let pid = fs::read_to_string(&pid_file).unwrap();
    let proc_status =
        fs::read_to_string(format!("/proc/{}/status", pid.trim())).unwrap_or_default();
    assert!(
        proc_status.is_empty() || proc_status.contains("State:\tZ"),
        "plugin {pid} still runs:\n{proc_status}"
    );
}

/// What `check` cannot show with one call of each kind, each on the wire to every backend
/// variant: an instance lives as long as its settings version (counted by its
/// `plugin_instances_created_total`), an app needs no API key to be healthy, CollectMetrics
/// includes a Go plugin's process metrics, and a user without a basic role (`None`) is answered.
#[test]
fn every_generated_backend_keeps_instances_reports_process_metrics_and_answers_role_none() {
    use crate::load::{context, health, metrics, query, runtime, sample, Backend};

    for &(kind, backend) in VARIANTS.iter().filter(|v| v.1) {
        let scratch = Scratch::new();
        let name = format!("{kind}wire");
        let root = scratch.generate_as(kind, backend, &name, "acme");
        let plugin_type = if kind == "datasource" {
            "datasource"
        } else {
            "app"
        };
        let plugin_id = format!("acme-{name}-{plugin_type}");
        // Apps need no key; data sources are given the key they require.
        let secure: &[(&str, &str)] = match plugin_type {
            "datasource" => &[("apiKey", "k")],
            _ => &[],
        };
        let saved_at =
            |updated_ms, role| context(&plugin_id, plugin_type, secure, updated_ms, role);
        let running = Backend::start(&root, &name, false);
        runtime().block_on(async {
            let channel = running.connect().await;
            let created = |text: &str| sample(text, "plugin_instances_created_total");
            for _ in 0..2 {
                let (status, message) = health(channel.clone(), saved_at(1_000, "Admin")).await;
                assert_eq!(status, 1, "{kind}: health {status}: {message}");
            }
            let text = metrics(channel.clone(), saved_at(1_000, "Admin")).await;
            assert_eq!(created(&text), 1.0, "{kind}: one instance for one version");
            assert!(
                sample(&text, "process_resident_memory_bytes") > 1e6,
                "{text}"
            );
            assert!(sample(&text, "process_open_fds") > 0.0, "{text}");
            assert!(
                sample(&text, "process_start_time_seconds") > 1.6e9,
                "{text}"
            );

            // A user without a basic role, with settings saved later: answered, by a new instance.
            let (status, message) = health(channel.clone(), saved_at(2_000, "None")).await;
            assert_eq!(
                status, 1,
                "{kind}: health for role None {status}: {message}"
            );
            if plugin_type == "datasource" {
                let answer = query(channel.clone(), saved_at(2_000, "None")).await;
                assert!(answer.error.is_empty(), "{kind}: {}", answer.error);
                assert_eq!(answer.frames.len(), 1);
            }
            let text = metrics(channel.clone(), saved_at(2_000, "None")).await;
            assert_eq!(
                created(&text),
                2.0,
                "{kind}: a new instance for the new version"
            );
        });
    }
}

#[test]
fn an_app_without_settings_is_healthy_and_a_data_source_names_the_missing_field() {
    use crate::load::{context, health, runtime, Backend};

    let scratch = Scratch::new();
    let app = scratch.generate_as("app", true, "nokeyapp", "acme");
    let ds = scratch.generate_as("datasource", true, "nokeyds", "acme");
    let cases = [
        (
            app,
            "nokeyapp",
            "app",
            1,
            "App is working (no API key, no API URL configured)",
        ),
        (
            ds,
            "nokeyds",
            "datasource",
            2,
            "API Key is required: set it in the data source settings",
        ),
    ];
    for (root, name, plugin_type, expected, message) in cases {
        let running = Backend::start(&root, name, false);
        let plugin_id = format!("acme-{name}-{plugin_type}");
        let got = runtime().block_on(async {
            let channel = running.connect().await;
            health(channel, context(&plugin_id, plugin_type, &[], 0, "Admin")).await
        });
        assert_eq!(got, (expected, message.to_owned()), "{plugin_type}");
    }
}
