//! Generating a project: the template layers and their rendering into an in-memory tree of files
//! (pure), the record of what was generated and which files the tool owns, and the atomic writer
//! that puts that tree on disk. Used by `new` and `update` (and by `package` for its writability
//! check).

pub mod answers;
pub mod json_edit;
pub mod managed;
pub mod plan;
pub mod record;
pub mod render;
pub mod replace;
pub mod write;

use std::path::PathBuf;

pub use answers::Answers;
pub use plan::plan;

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
