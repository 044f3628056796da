//! The domain every command shares: what kinds of plugin exist, how they are named, and what a
//! plugin's `src/plugin.json` says, and where its build goes (`dist/`).

mod dist;
mod fields;
mod id;
mod kind;
mod manifest;
mod summary;

pub use dist::{is_backend_file, DIST};
pub use fields::snake_case;
pub use id::{NameError, PluginId, PluginName};
pub use kind::PluginKind;
pub use manifest::{find_root, Manifest, MANIFEST_PATH};
pub use summary::Summary;

/// The Grafana release a generated project runs in development (its compose image) and that
/// `check` and `dev --local` announce to a backend in `GF_VERSION`.
pub const GRAFANA_VERSION: &str = "12.4.0";
