//! Generating a project: the template layers and their rendering into an in-memory tree of files
//! (pure), and the atomic writer that puts that tree on disk. Used by `new` (and by `package` for
//! its writability check).

pub mod apply;
pub mod plan;
pub mod render;
pub mod write;

use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedFile {
    /// Relative to the plugin root, with `/` separators.
    pub path: String,
    pub contents: Vec<u8>,
    pub executable: bool,
}

#[derive(Debug)]
pub struct Plan {
    pub root: PathBuf,
    pub files: Vec<PlannedFile>,
}
