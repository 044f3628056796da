//! The plugin type and its diagnostics: the health check behind the "Save & test" button of
//! the data source settings page, and the metrics Grafana collects.

use std::{convert::Infallible, sync::Arc};

use grafana_plugin_sdk::{backend, prelude::*};

use crate::{
    logging,
    metrics::Metrics,
    settings::{Instance, SecureJsonData, Settings},
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
        Ok(check_health(
            request.plugin_context.instance_settings.as_ref(),
        ))
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

/// Validates the settings of a data source instance. A real data source would also make a
/// cheap call to its API here, to prove the URL and the key work.
fn check_health(instance: Option<&Instance>) -> backend::CheckHealthResponse {
    match Settings::from_instance(instance) {
        Ok(settings) if settings.json.path.is_empty() => backend::CheckHealthResponse::ok(
            "Data source is working (API key set, no path configured)".to_owned(),
        ),
        Ok(settings) => backend::CheckHealthResponse::ok(format!(
            "Data source is working (API key set, path {:?})",
            settings.json.path
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

    /// Builds a request the way the SDK does from what Grafana sends over gRPC.
    fn request(
        json_data: &str,
        secure: &[(&str, &str)],
    ) -> backend::CheckHealthRequest<Datasource> {
        let settings = pluginv2::DataSourceInstanceSettings {
            json_data: json_data.as_bytes().to_vec(),
            decrypted_secure_json_data: secure
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>(),
            ..Default::default()
        };
        pluginv2::CheckHealthRequest {
            plugin_context: Some(pluginv2::PluginContext {
                data_source_instance_settings: Some(settings),
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
            .check_health(request(json_data, secure))
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
    async fn error_when_api_key_is_missing() {
        let response = health(r#"{"path":"/v1"}"#, &[]).await;
        assert_eq!(response.status, HealthStatus::Error);
        assert!(
            response.message.contains("API key is missing"),
            "{}",
            response.message
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

    #[test]
    fn error_when_settings_are_absent() {
        let response = check_health(None);
        assert_eq!(response.status, HealthStatus::Error);
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
    }
}
