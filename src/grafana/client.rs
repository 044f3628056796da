//! The gRPC calls Grafana makes to a backend, with the clients the Rust SDK generates from
//! Grafana's protocol (package `pluginv2`), tonic-health's client, and go-plugin's controller.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};
use grafana_plugin_sdk::arrow2::io::ipc::read as ipc;
use grafana_plugin_sdk::pluginv2::{
    check_health_response::HealthStatus, data_client::DataClient,
    diagnostics_client::DiagnosticsClient, resource_client::ResourceClient, AppInstanceSettings,
    CallResourceRequest, CheckHealthRequest, CollectMetricsRequest, DataQuery,
    DataSourceInstanceSettings, PluginContext, QueryDataRequest, TimeRange, User,
};
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::{
    health_check_response::ServingStatus, health_client::HealthClient, HealthCheckRequest,
};

use super::settings::Settings;

/// Who Grafana says is asking; a local admin, as in the generated dev environment.
fn user() -> User {
    User {
        login: "admin".into(),
        name: "admin".into(),
        email: "admin@localhost".into(),
        role: "Admin".into(),
    }
}

/// What identifies the plugin instance in every request.
#[derive(Clone)]
pub struct Instance {
    pub plugin_id: String,
    pub plugin_type: String,
    pub settings: Settings,
}

impl Instance {
    fn context(&self) -> Result<PluginContext> {
        let json_data =
            serde_json::to_vec(&self.settings.json_data).context("encoding jsonData")?;
        let secure: HashMap<String, String> = self.settings.secure.clone().into_iter().collect();
        let mut context = PluginContext {
            org_id: 1,
            plugin_id: self.plugin_id.clone(),
            user: Some(user()),
            ..Default::default()
        };
        match self.plugin_type.as_str() {
            "app" => {
                context.app_instance_settings = Some(AppInstanceSettings {
                    json_data,
                    decrypted_secure_json_data: secure,
                    last_updated_ms: 0,
                })
            }
            _ => {
                context.data_source_instance_settings = Some(DataSourceInstanceSettings {
                    id: 1,
                    uid: "check".into(),
                    name: self.plugin_id.clone(),
                    json_data,
                    decrypted_secure_json_data: secure,
                    ..Default::default()
                })
            }
        }
        Ok(context)
    }
}

pub async fn connect(address: &str, timeout: Duration) -> Result<Channel> {
    Endpoint::from_shared(format!("http://{address}"))
        .with_context(|| format!("the handshake address {address:?} is not usable"))?
        .connect_timeout(timeout)
        .timeout(timeout)
        .tcp_nodelay(true)
        .connect()
        .await
        .map_err(|error| anyhow!("connecting to {address}: {error}; the plugin announced this address but does not accept gRPC connections on it"))
}

/// `grpc.health.v1.Health/Check` for the whole server.
pub async fn grpc_health(channel: Channel) -> Result<String> {
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .map_err(|status| anyhow!("grpc.health.v1 Check failed: {}", status.message()))?
        .into_inner();
    match ServingStatus::try_from(response.status) {
        Ok(ServingStatus::Serving) => Ok("SERVING".into()),
        Ok(other) => bail!("the gRPC server reports {}", other.as_str_name()),
        Err(_) => bail!("the gRPC server reports unknown status {}", response.status),
    }
}

/// `pluginv2.Diagnostics/CheckHealth`: Ok(message) only for status OK.
pub async fn check_health(channel: Channel, instance: &Instance) -> Result<String> {
    let response = DiagnosticsClient::new(channel)
        .check_health(CheckHealthRequest {
            plugin_context: Some(instance.context()?),
            headers: HashMap::new(),
        })
        .await
        .map_err(|status| {
            anyhow!(
                "CheckHealth call failed: {} ({:?})",
                status.message(),
                status.code()
            )
        })?
        .into_inner();
    let status = HealthStatus::try_from(response.status).unwrap_or(HealthStatus::Unknown);
    match status {
        HealthStatus::Ok => Ok(response.message),
        other => bail!("health {}: {}", other.as_str_name(), response.message),
    }
}

/// `pluginv2.Data/QueryData` with one query, refId `A`, over the last hour.
pub async fn query_data(
    channel: Channel,
    instance: &Instance,
    query: &serde_json::Value,
) -> Result<String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    let hour = 3_600_000;
    let request = QueryDataRequest {
        plugin_context: Some(instance.context()?),
        headers: HashMap::new(),
        queries: vec![DataQuery {
            ref_id: "A".into(),
            max_data_points: 100,
            interval_ms: hour / 100,
            time_range: Some(TimeRange {
                from_epoch_ms: now - hour,
                to_epoch_ms: now,
            }),
            json: serde_json::to_vec(query).context("encoding the query")?,
            query_type: String::new(),
        }],
    };
    let response = DataClient::new(channel)
        .query_data(request)
        .await
        .map_err(|status| {
            anyhow!(
                "QueryData call failed: {} ({:?})",
                status.message(),
                status.code()
            )
        })?
        .into_inner();
    let Some(answer) = response.responses.get("A") else {
        bail!(
            "the response has no entry for refId A (refIds: {:?})",
            response.responses.keys().collect::<Vec<_>>()
        );
    };
    if !answer.error.is_empty() {
        bail!("refId A: {}", answer.error);
    }
    let frames: Vec<String> = answer
        .frames
        .iter()
        .map(|f| describe_frame(f))
        .collect::<Result<_>>()?;
    Ok(format!(
        "refId A: {} frame(s): {}",
        frames.len(),
        frames.join("; ")
    ))
}

/// Frames travel as Arrow IPC files; decode enough to show their shape.
fn describe_frame(bytes: &[u8]) -> Result<String> {
    let mut cursor = std::io::Cursor::new(bytes);
    let metadata =
        ipc::read_file_metadata(&mut cursor).context("a frame is not a valid Arrow IPC file")?;
    let fields: Vec<String> = metadata
        .schema
        .fields
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let name = metadata
        .schema
        .metadata
        .get("name")
        .cloned()
        .unwrap_or_default();
    let rows: usize = ipc::FileReader::new(cursor, metadata, None, None)
        .map(|chunk| chunk.map(|c| c.len()))
        .sum::<Result<usize, _>>()
        .context("reading a frame's rows")?;
    Ok(format!(
        "{name:?} with fields [{}], {rows} row(s)",
        fields.join(", ")
    ))
}

/// `pluginv2.Resource/CallResource`: Grafana passes the sub-path after `/resources/`, without a
/// leading slash, as both `path` and `url`.
pub async fn call_resource(channel: Channel, instance: &Instance, path: &str) -> Result<String> {
    let path = path.trim_start_matches('/');
    let mut stream = ResourceClient::new(channel)
        .call_resource(CallResourceRequest {
            plugin_context: Some(instance.context()?),
            path: path.split('?').next().unwrap_or_default().to_owned(),
            method: "GET".into(),
            url: path.to_owned(),
            headers: HashMap::new(),
            body: Default::default(),
        })
        .await
        .map_err(|status| {
            anyhow!(
                "CallResource call failed: {} ({:?})",
                status.message(),
                status.code()
            )
        })?
        .into_inner();
    let mut code = None;
    let mut body = Vec::new();
    while let Some(part) = stream
        .message()
        .await
        .context("reading the resource response")?
    {
        code.get_or_insert(part.code);
        body.extend_from_slice(&part.body);
    }
    let code = code.ok_or_else(|| anyhow!("the plugin sent no response for /{path}"))?;
    let text = String::from_utf8_lossy(&body);
    let shown: String = text.chars().take(200).collect();
    if (200..300).contains(&code) {
        Ok(format!("GET /{path} → {code} {shown}"))
    } else {
        bail!("GET /{path} → {code} {shown}")
    }
}

/// `pluginv2.Diagnostics/CollectMetrics`: Prometheus text exposition.
pub async fn collect_metrics(channel: Channel, instance: &Instance) -> Result<String> {
    let response = DiagnosticsClient::new(channel)
        .collect_metrics(CollectMetricsRequest {
            plugin_context: Some(instance.context()?),
        })
        .await
        .map_err(|status| {
            anyhow!(
                "CollectMetrics call failed: {} ({:?})",
                status.message(),
                status.code()
            )
        })?
        .into_inner();
    let bytes = response.metrics.map(|m| m.prometheus).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let samples = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count();
    Ok(format!(
        "{} bytes of Prometheus text, {samples} sample(s)",
        bytes.len()
    ))
}

/// go-plugin's `plugin.GRPCController/Shutdown`, which Grafana calls before killing a plugin.
/// Declared by hand: it is one method taking and returning `plugin.Empty`.
pub async fn shutdown(channel: Channel) -> Result<(), tonic::Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
    let path = http::uri::PathAndQuery::from_static("/plugin.GRPCController/Shutdown");
    let codec: tonic::codec::ProstCodec<(), ()> = tonic::codec::ProstCodec::default();
    grpc.unary(tonic::Request::new(()), path, codec)
        .await
        .map(drop)
}
