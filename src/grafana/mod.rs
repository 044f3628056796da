//! Grafana's side of the plugin protocol: how Grafana starts a backend (environment, go-plugin
//! handshake), the gRPC calls it makes, and the instance settings it sends. Used by `check` and
//! `dev`.

pub mod client;
mod handshake;
pub mod launch;
mod log;
pub mod settings;
