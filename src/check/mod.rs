//! `create-grafana-plugin check`: start a backend exactly as Grafana does and prove it answers.

mod report;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};

use crate::cli::CheckArgs;
use crate::interrupt;
use crate::plugin::{find_root, Manifest};
use crate::toolchain::cargo;

use crate::grafana::client::{self, Instance};
use crate::grafana::{launch, settings};
use report::{Needed, Report};

/// After a plugin acknowledges Shutdown, go-plugin (in Grafana) gives it this long to exit before
/// killing it.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Everything the check needs, resolved from the arguments before anything runs.
struct Plan {
    exe: PathBuf,
    instance: Instance,
    query: Option<serde_json::Value>,
    resource: Option<String>,
    timeout: Duration,
}

pub fn run(args: &CheckArgs) -> Result<()> {
    let plan = resolve(args)?;
    let report = interrupt::block_on(execute(&plan))??;
    if args.json {
        report.print_json()?
    } else {
        report.print_text()?
    }
    match report.first_failure() {
        None => Ok(()),
        Some(step) => Err(anyhow!(
            "check failed at {} (see the report on stdout)",
            step.step
        )),
    }
}

/// Settles every argument and setting first: nothing is built or started before the last of
/// them is known to be good.
fn resolve(args: &CheckArgs) -> Result<Plan> {
    let start = args.plugin.start();
    // With --exe the plugin directory is optional: a bare executable can be checked too.
    let root = match (&args.exe, find_root(&start)) {
        (_, Ok(root)) => Some(root),
        (Some(_), Err(_)) => None,
        (None, Err(error)) => return Err(error),
    };
    let manifest = root.as_deref().map(Manifest::read).transpose()?;
    let build = match (&args.exe, &root, &manifest) {
        (Some(_), _, _) => None,
        (None, Some(root), Some(manifest)) => Some((root, manifest.require_executable(root)?)),
        _ => unreachable!("a plugin root was found or --exe was given"),
    };
    let (plugin_id, plugin_type) = match &manifest {
        Some(m) => (m.id.clone(), m.plugin_type.clone()),
        None => (
            "unknown-plugin-datasource".to_owned(),
            "datasource".to_owned(),
        ),
    };
    let settings = settings::resolve(
        root.as_deref().map(|r| (r, plugin_id.as_str())),
        args.json_data.as_ref(),
        &args.secure,
    )?;
    let exe = match (&args.exe, build) {
        (Some(exe), _) => exe.clone(),
        (None, Some((root, bin))) => {
            eprintln!("Building {bin} for this machine…");
            cargo::build_host(root, bin, args.release)?
        }
        (None, None) => unreachable!("without --exe there is a backend to build"),
    };
    Ok(Plan {
        exe,
        instance: Instance {
            plugin_id,
            plugin_type,
            settings,
        },
        query: args.query.clone(),
        resource: args.resource.clone(),
        timeout: args.timeout,
    })
}

async fn execute(plan: &Plan) -> Result<Report> {
    let mut report = Report::new(
        plan.instance.plugin_id.clone(),
        plan.exe.display().to_string(),
        plan.instance.settings.source.clone(),
    );
    let started = Instant::now();
    let (mut running, stdout) = match launch::spawn(&plan.exe, launch::Output::default()) {
        Ok(spawned) => spawned,
        Err(error) => {
            let detail = Err(error.explain(&plan.exe));
            report.record("handshake", started.elapsed(), detail, Needed::Required);
            return Ok(report);
        }
    };
    // Everything that waits on the plugin races Ctrl-C; whichever way it ends, the process is
    // stopped and reaped below.
    let outcome = tokio::select! {
        acknowledged = handshake_and_calls(plan, &mut report, &mut running, stdout, started) => Ok(acknowledged),
        () = interrupt::pressed() => Err(crate::error::Interrupted),
    };
    if let Ok(true) = outcome {
        running.wait_exit(SHUTDOWN_GRACE).await;
    }
    let exit = running.stop().await;
    outcome.context("stopped the check; the plugin process was killed")?;
    // A failed handshake already shows the plugin's stderr; later failures show it here.
    let failed_later = report
        .first_failure()
        .is_some_and(|step| step.step != "handshake");
    if failed_later {
        let stderr = running.output().text();
        if !stderr.is_empty() {
            report.record(
                "plugin output",
                Duration::ZERO,
                Err(stderr),
                Needed::Advisory,
            );
        }
    }
    report.record(
        "exit",
        Duration::ZERO,
        Ok(exit.map_or("reaped".to_owned(), |s| s.to_string())),
        Needed::Advisory,
    );
    Ok(report)
}

/// Reads the handshake, then makes the calls; returns whether Shutdown was acknowledged.
async fn handshake_and_calls(
    plan: &Plan,
    report: &mut Report,
    running: &mut launch::Running,
    stdout: tokio::process::ChildStdout,
    started: Instant,
) -> bool {
    match running.handshake(stdout, plan.timeout).await {
        Ok(handshake) => {
            let detail = format!("{:?} {}", handshake.network, handshake.address).to_lowercase();
            report.record("handshake", started.elapsed(), Ok(detail), Needed::Required);
            calls(plan, &handshake.address, report, running).await
        }
        Err(error) => {
            let detail = Err(error.explain(&plan.exe));
            report.record("handshake", started.elapsed(), detail, Needed::Required);
            false
        }
    }
}

/// The calls Grafana makes, in its order; each is bounded by the timeout. Returns whether the
/// plugin acknowledged Shutdown (and so should exit by itself).
async fn calls(plan: &Plan, address: &str, report: &mut Report, running: &launch::Running) -> bool {
    let started = Instant::now();
    let channel = match client::connect(address, plan.timeout).await {
        Ok(channel) => {
            report.record(
                "connect",
                started.elapsed(),
                Ok(format!("gRPC over {address}")),
                Needed::Required,
            );
            channel
        }
        Err(error) => {
            report.record(
                "connect",
                started.elapsed(),
                Err(format!("{error:#}")),
                Needed::Required,
            );
            return false;
        }
    };
    let instance = &plan.instance;
    step(
        report,
        "grpc health",
        Needed::Advisory,
        plan.timeout,
        client::grpc_health(channel.clone()),
    )
    .await;
    step(
        report,
        "CheckHealth",
        Needed::Required,
        plan.timeout,
        client::check_health(channel.clone(), instance),
    )
    .await;
    if let Some(query) = &plan.query {
        step(
            report,
            "QueryData",
            Needed::Required,
            plan.timeout,
            client::query_data(channel.clone(), instance, query),
        )
        .await;
    }
    if let Some(path) = &plan.resource {
        step(
            report,
            "CallResource",
            Needed::Required,
            plan.timeout,
            client::call_resource(channel.clone(), instance, path),
        )
        .await;
    }
    step(
        report,
        "CollectMetrics",
        Needed::Advisory,
        plan.timeout,
        client::collect_metrics(channel.clone(), instance),
    )
    .await;
    // Measured after serving every call, before Shutdown: what the plugin holds while idle.
    if let Some(kib) = running.rss_kib() {
        let detail = format!("resident memory {:.1} MiB", kib as f64 / 1024.0);
        report.record("memory", Duration::ZERO, Ok(detail), Needed::Advisory);
    }
    let started = Instant::now();
    let result = match tokio::time::timeout(plan.timeout, client::shutdown(channel)).await {
        Ok(Ok(())) => Ok("plugin acknowledged".to_owned()),
        Ok(Err(status)) if status.code() == tonic::Code::Unimplemented => {
            // grafana-plugin-sdk (Rust) serves no go-plugin controller; Grafana copes, so this
            // is how such plugins are, not something to fix.
            let detail = "plugin.GRPCController is not served (grafana-plugin-sdk for Rust has \
                          none); Grafana then ends the process at once, as go-plugin does for \
                          every plugin without it";
            report.note("Shutdown", started.elapsed(), detail.to_owned());
            return false;
        }
        Ok(Err(status)) => Err(format!("Shutdown failed: {}", status.message())),
        Err(_) => Err("Shutdown did not answer in time".to_owned()),
    };
    let acknowledged = result.is_ok();
    report.record("Shutdown", started.elapsed(), result, Needed::Advisory);
    acknowledged
}

async fn step<F>(
    report: &mut Report,
    name: &'static str,
    needed: Needed,
    timeout: Duration,
    call: F,
) where
    F: std::future::Future<Output = Result<String>>,
{
    let started = Instant::now();
    let result = match tokio::time::timeout(timeout, call).await {
        Ok(Ok(detail)) => Ok(detail),
        Ok(Err(error)) => Err(format!("{error:#}")),
        Err(_) => Err(format!("no answer within {:.1} s", timeout.as_secs_f64())),
    };
    report.record(name, started.elapsed(), result, needed);
}
