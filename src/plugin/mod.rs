//! The domain every command shares: what kinds of plugin exist and how they are named.

mod id;
mod kind;

pub use id::{NameError, PluginId, PluginName};
pub use kind::{BackendLayer, PluginKind};
