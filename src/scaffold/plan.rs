//! Answers → the complete list of files to write, with their bytes. Pure: no disk access.
//! `new` plans a whole plugin; `add backend` compares plans with and without a backend.

use std::path::PathBuf;

use anyhow::Result;
use serde_json::{json, Value};

use super::render::{self, Layer};
use super::{Plan, PlannedFile};
use crate::plugin::{PluginId, GRAFANA_VERSION};

/// Everything `new` needs to know from the user, and what `.config/.cgprc.json` records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    pub id: PluginId,
    pub backend: bool,
    pub description: String,
    pub author: String,
    /// Where the plugin goes, as the user named it (or the id, relative to the current directory).
    pub dir: PathBuf,
}

/// Where the answers are recorded in the generated project, so a later run can re-render it.
pub const RECORD_PATH: &str = ".config/.cgprc.json";

pub fn plan(answers: &Answers) -> Result<Plan> {
    let mut files = render::render(&layers(answers)?, &context(answers))?;
    files.push(record(answers));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan {
        root: answers.dir.clone(),
        files,
    })
}

/// Layers rendered with the plugin's variables, e.g. `add/backend` (with `backend/_shared` for
/// its partial): text that goes into a plugin `new` did not make.
pub fn render_layers(answers: &Answers, paths: &[&str]) -> Result<Vec<PlannedFile>> {
    let layers: Result<Vec<Layer>> = paths.iter().map(|path| Layer::get(path)).collect();
    render::render(&layers?, &context(answers))
}

fn layers(answers: &Answers) -> Result<Vec<Layer>> {
    let kind = answers.id.kind;
    let mut layers = vec![Layer::get("base")?];
    for frontend in kind.frontend_layers() {
        layers.push(Layer::get(&format!("frontend/{frontend}"))?);
    }
    if answers.backend {
        for backend in kind.backend_layers() {
            layers.push(Layer::get(&format!("backend/{backend}"))?);
        }
    }
    Ok(layers)
}

/// The variables templates may use; templates/README.md documents each one.
fn context(answers: &Answers) -> Value {
    let id = &answers.id;
    json!({
        "id": id.to_string(),
        "name": id.name.as_str(),
        "org": id.org.as_str(),
        "kind": id.kind.as_str(),
        "plugin_type": id.kind.plugin_type(),
        "display_name": id.name.title(),
        "org_display": id.org.title(),
        "description": answers.description,
        "author": answers.author,
        "backend": answers.backend,
        "executable": id.executable(),
        "fields": id.kind.fields(),
        "tool_version": env!("CARGO_PKG_VERSION"),
        "grafana_version": GRAFANA_VERSION,
    })
}

fn record(answers: &Answers) -> PlannedFile {
    let record = json!({
        "createGrafanaPlugin": env!("CARGO_PKG_VERSION"),
        "answers": {
            "type": answers.id.kind.as_str(),
            "name": answers.id.name.as_str(),
            "org": answers.id.org.as_str(),
            "backend": answers.backend,
            "description": answers.description,
            "author": answers.author,
        }
    });
    let mut contents = serde_json::to_vec_pretty(&record).expect("a JSON value always serialises");
    contents.push(b'\n');
    PlannedFile {
        path: RECORD_PATH.to_owned(),
        contents,
        executable: false,
    }
}
