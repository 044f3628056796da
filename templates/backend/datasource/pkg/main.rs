//! The backend executable that Grafana starts for this data source.

mod metrics;
mod plugin;
mod query;
mod resource;
mod settings;

use grafana_plugin_sdk::backend;
use tracing_subscriber::{prelude::*, EnvFilter};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Binds 127.0.0.1 on a free port and prints the handshake line
    // `1|2|tcp|127.0.0.1:PORT|grpc` that Grafana reads from stdout.
    let listener = backend::initialize().await?;

    // The replies go out as several small HTTP/2 writes; with Nagle's algorithm on, the
    // kernel holds each later write until Grafana ACKs the first, and Grafana delays that
    // ACK by ~40 ms, so every call would take >40 ms. The SDK passes accepted sockets to
    // tonic directly (tonic's own `tcp_nodelay` never applies), so disable Nagle on the
    // listener: accepted sockets inherit the option. One-frame QueryData: ~43 ms -> <1 ms.
    socket2::SockRef::from(&listener).set_tcp_nodelay(true)?;

    init_logging();

    let plugin = plugin::Datasource::default();
    backend::Plugin::new()
        .data_service(plugin.clone())
        .diagnostics_service(plugin.clone())
        .resource_service(plugin)
        .start(listener)
        .await?;
    Ok(())
}

/// Sends `tracing` events to stderr in the JSON format Grafana expects. The level comes from
/// `RUST_LOG` (default `info`). The SDK's own spans stay capped at `info` whatever `RUST_LOG`
/// says: at `debug` they record the whole gRPC request, decrypted secure settings included.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info"))
        .add_directive("grafana_plugin_sdk=info".parse().expect("valid directive"));
    tracing_subscriber::registry()
        .with(backend::layer())
        .with(filter)
        .init();
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// The comment in `main` relies on this: sockets accepted from a listener with
    /// TCP_NODELAY set come out with TCP_NODELAY set.
    #[tokio::test]
    async fn accepted_sockets_inherit_nodelay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        socket2::SockRef::from(&listener)
            .set_tcp_nodelay(true)
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (client, accepted) =
            tokio::join!(tokio::net::TcpStream::connect(addr), listener.accept());
        let _client = client.unwrap();
        let (stream, _) = accepted.unwrap();
        assert!(stream.nodelay().unwrap());
    }
}
