//! What a project is generated from: the user's answers to `new`, recorded for `update`.

use std::path::PathBuf;

use crate::plugin::PluginId;

/// Everything a project is generated from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    pub id: PluginId,
    pub backend: bool,
    pub description: String,
    pub author: String,
    /// Where the plugin goes, as the user named it (or the id, relative to the current directory).
    pub dir: PathBuf,
}
