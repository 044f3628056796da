//! What `new` and `add backend` report first about the plugin they wrote, in text and in the
//! `--json` object both open with.

use std::path::Path;

use serde::Serialize;

use super::{PluginId, PluginKind};

#[derive(Serialize)]
pub struct Summary {
    pub id: String,
    pub directory: String,
    pub kind: PluginKind,
    #[serde(rename = "type")]
    pub plugin_type: &'static str,
    pub backend: bool,
    /// Only a plugin with a backend has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executable: Option<String>,
}

impl Summary {
    pub fn new(id: &PluginId, directory: &Path, backend: bool) -> Self {
        Self {
            id: id.to_string(),
            directory: directory.display().to_string(),
            kind: id.kind,
            plugin_type: id.kind.plugin_type(),
            backend,
            executable: backend.then(|| id.executable()),
        }
    }
}
