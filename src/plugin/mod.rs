//! The domain every command shares: what kinds of plugin exist, how they are named, and what a
//! plugin's `src/plugin.json` says.

mod id;
mod kind;
mod manifest;

pub use id::{NameError, PluginId, PluginName};
pub use kind::{BackendLayer, PluginKind};
pub use manifest::{find_root, Manifest, MANIFEST_PATH};
