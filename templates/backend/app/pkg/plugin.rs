//! The plugin type and its diagnostics: the health check (`/api/plugins/<plugin id>/health`)
//! and the metrics Grafana collects.

use std::{convert::Infallible, sync::Arc};

use grafana_plugin_sdk::{backend, prelude::*};

use crate::{
    logging,
    metrics::Metrics,
    settings::{Instance, SecureJsonData, Settings},
};

/// The app backend.
///
/// Grafana runs one process per plugin, shared by every organization the app is enabled in:
/// every request carries the settings of the organization it comes from. Clones share their
/// state, so one value can serve every service.
#[derive(Clone, Debug, Default, GrafanaPlugin)]
#[grafana_plugin(plugin_type = "app", secure_json_data = "SecureJsonData")]
pub struct App {
    pub metrics: Arc<Metrics>,
}

#[backend::async_trait]
impl backend::DiagnosticsService for App {
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

/// Validates the app's settings. A real app would also make a cheap call to its API here, to
/// prove the URL and the key work.
fn check_health(instance: Option<&Instance>) -> backend::CheckHealthResponse {
    match Settings::from_instance(instance) {
        Ok(settings) if settings.json.api_url.is_empty() => backend::CheckHealthResponse::ok(
            "App is working (API key set, no API URL configured)".to_owned(),
        ),
        Ok(settings) => backend::CheckHealthResponse::ok(format!(
            "App is working (API key set, API URL {:?})",
            settings.json.api_url
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
    fn request(json_data: &str, secure: &[(&str, &str)]) -> backend::CheckHealthRequest<App> {
        let settings = pluginv2::AppInstanceSettings {
            json_data: json_data.as_bytes().to_vec(),
            decrypted_secure_json_data: secure
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>(),
            ..Default::default()
        };
        pluginv2::CheckHealthRequest {
            plugin_context: Some(pluginv2::PluginContext {
                app_instance_settings: Some(settings),
                ..Default::default()
            }),
            ..Default::default()
        }
        .try_into()
        .expect("the SDK accepts the request")
    }

    async fn health(json_data: &str, secure: &[(&str, &str)]) -> backend::CheckHealthResponse {
        let plugin = App::default();
        let response = plugin
            .check_health(request(json_data, secure))
            .await
            .unwrap();
        assert_eq!(plugin.metrics.health_checks.get(), 1);
        response
    }

    #[tokio::test]
    async fn ok_when_api_key_is_set() {
        let response = health(r#"{"apiUrl":"https://x.test"}"#, &[("apiKey", "secret")]).await;
        assert_eq!(response.status, HealthStatus::Ok);
        assert!(
            response.message.contains(r#"API URL "https://x.test""#),
            "{}",
            response.message
        );
        assert!(!response.message.contains("secret"));
    }

    #[tokio::test]
    async fn ok_with_empty_json_data() {
        // Grafana sends an empty body for an app that was never configured.
        let response = health("", &[("apiKey", "secret")]).await;
        assert_eq!(response.status, HealthStatus::Ok);
        assert!(
            response.message.contains("no API URL"),
            "{}",
            response.message
        );
    }

    #[tokio::test]
    async fn error_when_api_key_is_missing() {
        let response = health(r#"{"apiUrl":"https://x.test"}"#, &[]).await;
        assert_eq!(response.status, HealthStatus::Error);
        assert!(
            response.message.contains("API key is missing"),
            "{}",
            response.message
        );
    }

    #[tokio::test]
    async fn error_when_json_data_is_malformed() {
        let response = health(
            r#"{"apiUrl":["not","a","string"]}"#,
            &[("apiKey", "secret")],
        )
        .await;
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
        let plugin = App::default();
        plugin.metrics.resource_requests.inc();
        let request = pluginv2::CollectMetricsRequest {
            plugin_context: Some(Default::default()),
        }
        .try_into()
        .unwrap();
        let response = plugin.collect_metrics(request).await.unwrap();
        let text = String::from_utf8(response.metrics.unwrap().prometheus).unwrap();
        assert!(text.contains("plugin_resource_requests_total 1"), "{text}");
    }
}
