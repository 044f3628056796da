//! Counters served to Grafana in the Prometheus text format (CollectMetrics). Grafana asks for
//! them because `src/plugin.json` sets `"metrics": true`, and exposes them at
//! `/api/plugins/<plugin id>/metrics`.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// A monotonically increasing count.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The plugin's counters, shared by all its services.
#[derive(Debug, Default)]
pub struct Metrics {
    pub health_checks: Counter,
    pub resource_requests: Counter,
}

impl Metrics {
    /// Renders the counters in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        counter_family(
            &mut out,
            "plugin_health_checks_total",
            "Health checks run.",
            &[("", self.health_checks.get())],
        );
        counter_family(
            &mut out,
            "plugin_resource_requests_total",
            "Resource requests handled.",
            &[("", self.resource_requests.get())],
        );
        out
    }
}

/// Appends one counter metric: its help and type lines, then one line per label set.
fn counter_family(out: &mut String, name: &str, help: &str, series: &[(&str, u64)]) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} counter");
    for (labels, value) in series {
        let _ = writeln!(out, "{name}{labels} {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let metrics = Metrics::default();
        metrics.resource_requests.inc();
        metrics.resource_requests.inc();
        metrics.health_checks.inc();
        let text = metrics.render();
        assert!(
            text.contains("# TYPE plugin_resource_requests_total counter\n"),
            "{text}"
        );
        assert!(
            text.contains("plugin_resource_requests_total 2\n"),
            "{text}"
        );
        assert!(text.contains("plugin_health_checks_total 1\n"), "{text}");
    }
}
