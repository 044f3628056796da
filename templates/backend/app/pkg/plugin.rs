//! The plugin type and its diagnostics: the health check (`/api/plugins/<plugin id>/health`)
//! and the metrics Grafana collects.

use std::{convert::Infallible, sync::Arc};

use grafana_plugin_sdk::{backend, prelude::*};

use crate::{
    instance::{Instance, Instances},
    logging::{self, Context},
    metrics::Metrics,
    settings::{SecureJsonData, SettingsError},
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
    pub instances: Arc<Instances>,
}

impl App {
    /// The state kept for the request's organization, built from its settings on first use and
    /// again whenever they change.
    pub fn instance(&self, context: &Context) -> Result<Arc<Instance>, SettingsError> {
        self.instances
            .get(context, || self.metrics.instances_created.inc())
    }
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

/// Reports whether the instance could be built from the organization's settings. A real app
/// would also make a cheap call to its API here with the instance's client, to prove the URL
/// (and the key, if it has one) work.
fn check_health(instance: Result<Arc<Instance>, SettingsError>) -> backend::CheckHealthResponse {
    match instance {
        Ok(instance) => {
            let settings = &instance.settings;
            let key = match settings.api_key {
                Some(_) => "API key set",
                None => "no API key",
            };
            let url = match settings.json.api_url.as_str() {
                "" => "no API URL configured".to_owned(),
                url => format!("API URL {url:?}"),
            };
            backend::CheckHealthResponse::ok(format!("App is working ({key}, {url})"))
        }
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

    /// The settings Grafana sends for an app saved at `updated_ms`.
    fn settings(
        json_data: &str,
        secure: &[(&str, &str)],
        updated_ms: i64,
    ) -> pluginv2::AppInstanceSettings {
        pluginv2::AppInstanceSettings {
            json_data: json_data.as_bytes().to_vec(),
            decrypted_secure_json_data: secure
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>(),
            last_updated_ms: updated_ms,
        }
    }

    /// Builds a request the way the SDK does from what Grafana sends over gRPC.
    fn request(
        settings: Option<pluginv2::AppInstanceSettings>,
    ) -> backend::CheckHealthRequest<App> {
        pluginv2::CheckHealthRequest {
            plugin_context: Some(pluginv2::PluginContext {
                app_instance_settings: settings,
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
            .check_health(request(Some(settings(json_data, secure, 0))))
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
        assert!(
            response.message.contains("API key set"),
            "{}",
            response.message
        );
        assert!(!response.message.contains("secret"));
    }

    #[tokio::test]
    async fn ok_without_any_settings() {
        // Grafana sends an empty body for an app that was never configured; nothing is required.
        let response = health("", &[]).await;
        assert_eq!(response.status, HealthStatus::Ok, "{}", response.message);
        assert_eq!(
            response.message,
            "App is working (no API key, no API URL configured)"
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

    #[tokio::test]
    async fn error_when_settings_are_absent() {
        let response = App::default().check_health(request(None)).await.unwrap();
        assert_eq!(response.status, HealthStatus::Error);
        assert!(
            response.message.contains("no app settings"),
            "{}",
            response.message
        );
    }

    #[tokio::test]
    async fn the_instance_lives_until_the_settings_change() {
        let plugin = App::default();
        for updated_ms in [1_000, 1_000, 2_000, 2_000] {
            let response = plugin
                .check_health(request(Some(settings("", &[], updated_ms))))
                .await
                .unwrap();
            assert_eq!(response.status, HealthStatus::Ok);
        }
        assert_eq!(plugin.metrics.instances_created.get(), 2);
        assert_eq!(plugin.instances.len(), 1);
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
        assert!(text.contains("plugin_instances_created_total 0"), "{text}");
    }
}
