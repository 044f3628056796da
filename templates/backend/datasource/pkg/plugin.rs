//! The plugin type and its diagnostics: the health check behind the "Save & test" button of
//! the data source settings page, and the metrics Grafana collects.

use std::{convert::Infallible, sync::Arc};

use grafana_plugin_sdk::{backend, prelude::*};

use crate::{
    instance::{Instance, Instances},
    logging::{self, Context},
    metrics::Metrics,
    settings::{SecureJsonData, SettingsError},
};

/// The data source backend.
///
/// Grafana runs one process per plugin, not per data source instance: every request carries
/// the settings of the instance it is for. Clones share their state, so one value can serve
/// every service.
#[derive(Clone, Debug, Default, GrafanaPlugin)]
#[grafana_plugin(plugin_type = "datasource", secure_json_data = "SecureJsonData")]
pub struct Datasource {
    pub metrics: Arc<Metrics>,
    pub instances: Arc<Instances>,
}

impl Datasource {
    /// The state kept for the request's data source, built from its settings on first use and
    /// again whenever they change.
    pub fn instance(&self, context: &Context) -> Result<Arc<Instance>, SettingsError> {
        self.instances
            .get(context, || self.metrics.instances_created.inc())
    }
}

#[backend::async_trait]
impl backend::DiagnosticsService for Datasource {
    type CheckHealthError = Infallible;

    async fn check_health(
        &self,
        request: backend::CheckHealthRequest<Self>,
    ) -> Result<backend::CheckHealthResponse, Self::CheckHealthError> {
        logging::request("checkHealth", &request.plugin_context, None);
        self.metrics.health_checks.inc();
        Ok(check_health(self.instance(&request.plugin_context)))
    }

    type CollectMetricsError = Infallible;

    async fn collect_metrics(
        &self,
        request: backend::CollectMetricsRequest<Self>,
    ) -> Result<backend::CollectMetricsResponse, Self::CollectMetricsError> {
        logging::request("collectMetrics", &request.plugin_context, None);
        let text = self.metrics.render();
        Ok(backend::CollectMetricsResponse::new(Some(
            backend::MetricsPayload::prometheus(text.into_bytes()),
        )))
    }
}

/// Reports whether the instance could be built from its settings. A real data source would
/// also make a cheap call to its API here with the instance's client, to prove the URL and the
/// key work.
fn check_health(instance: Result<Arc<Instance>, SettingsError>) -> backend::CheckHealthResponse {
    match instance {
        Ok(instance) if instance.settings.json.path.is_empty() => backend::CheckHealthResponse::ok(
            "Data source is working (API key set, no path configured)".to_owned(),
        ),
        Ok(instance) => backend::CheckHealthResponse::ok(format!(
            "Data source is working (API key set, path {:?})",
            instance.settings.json.path
        )),
        Err(err) => {
            tracing::info!(error = %err, "health check failed");
            backend::CheckHealthResponse::error(err.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use backend::{DiagnosticsService, HealthStatus};
    use grafana_plugin_sdk::pluginv2;

    use super::*;

    /// The settings Grafana sends for a data source saved at `updated_ms`.
    fn settings(
        json_data: &str,
        secure: &[(&str, &str)],
        updated_ms: i64,
    ) -> pluginv2::DataSourceInstanceSettings {
        pluginv2::DataSourceInstanceSettings {
            uid: "uid".to_owned(),
            json_data: json_data.as_bytes().to_vec(),
            decrypted_secure_json_data: secure
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>(),
            last_updated_ms: updated_ms,
            ..Default::default()
        }
    }

    /// Builds a request the way the SDK does from what Grafana sends over gRPC.
    fn request(
        settings: Option<pluginv2::DataSourceInstanceSettings>,
    ) -> backend::CheckHealthRequest<Datasource> {
        pluginv2::CheckHealthRequest {
            plugin_context: Some(pluginv2::PluginContext {
                data_source_instance_settings: settings,
                ..Default::default()
            }),
            ..Default::default()
        }
        .try_into()
        .expect("the SDK accepts the request")
    }

    async fn health(json_data: &str, secure: &[(&str, &str)]) -> backend::CheckHealthResponse {
        let plugin = Datasource::default();
        let response = plugin
            .check_health(request(Some(settings(json_data, secure, 0))))
            .await
            .unwrap();
        assert_eq!(plugin.metrics.health_checks.get(), 1);
        response
    }

    #[tokio::test]
    async fn ok_when_api_key_is_set() {
        let response = health(r#"{"path":"/v1"}"#, &[("apiKey", "secret")]).await;
        assert_eq!(response.status, HealthStatus::Ok);
        assert!(
            response.message.contains(r#"path "/v1""#),
            "{}",
            response.message
        );
        assert!(!response.message.contains("secret"));
    }

    #[tokio::test]
    async fn ok_with_empty_json_data() {
        // Grafana sends an empty body for a data source that was never edited.
        let response = health("", &[("apiKey", "secret")]).await;
        assert_eq!(response.status, HealthStatus::Ok);
        assert!(response.message.contains("no path"), "{}", response.message);
    }

    #[tokio::test]
    async fn error_names_the_missing_setting_as_the_settings_page_labels_it() {
        let response = health(r#"{"path":"/v1"}"#, &[]).await;
        assert_eq!(response.status, HealthStatus::Error);
        assert_eq!(
            response.message,
            "API Key is required: set it in the data source settings"
        );
    }

    #[tokio::test]
    async fn error_when_json_data_is_malformed() {
        let response = health(r#"{"path":["not","a","string"]}"#, &[("apiKey", "secret")]).await;
        assert_eq!(response.status, HealthStatus::Error);
        assert!(
            response.message.starts_with("invalid jsonData: "),
            "{}",
            response.message
        );
    }

    #[tokio::test]
    async fn error_when_settings_are_absent() {
        let response = Datasource::default()
            .check_health(request(None))
            .await
            .unwrap();
        assert_eq!(response.status, HealthStatus::Error);
        assert!(
            response.message.contains("no data source settings"),
            "{}",
            response.message
        );
    }

    #[tokio::test]
    async fn the_instance_lives_until_the_settings_change() {
        let plugin = Datasource::default();
        let saved_at = |updated_ms| request(Some(settings("", &[("apiKey", "k")], updated_ms)));
        for updated_ms in [1_000, 1_000, 2_000, 2_000] {
            let response = plugin.check_health(saved_at(updated_ms)).await.unwrap();
            assert_eq!(response.status, HealthStatus::Ok);
        }
        assert_eq!(plugin.metrics.instances_created.get(), 2);
        assert_eq!(plugin.instances.len(), 1);
    }

    #[tokio::test]
    async fn metrics_are_prometheus_text() {
        let plugin = Datasource::default();
        plugin.metrics.queries_ok.inc();
        let request = pluginv2::CollectMetricsRequest {
            plugin_context: Some(Default::default()),
        }
        .try_into()
        .unwrap();
        let response = plugin.collect_metrics(request).await.unwrap();
        let text = String::from_utf8(response.metrics.unwrap().prometheus).unwrap();
        assert!(
            text.contains("plugin_data_queries_total{outcome=\"ok\"} 1"),
            "{text}"
        );
        assert!(text.contains("plugin_instances_created_total 0"), "{text}");
    }
}
