//! Answers → the complete list of files to write, with their bytes. Pure: no disk access. `new`
//! plans from what the user answers, `update` from the answers a project recorded.

use anyhow::Result;
use serde_json::{json, Value};

use super::answers::Answers;
use super::record::Record;
use super::render::{self, Layer};
use super::{Plan, PlannedFile};
use crate::plugin::GRAFANA_VERSION;

/// The project's files, ending with the record of the answers and of what was generated.
pub fn plan(answers: &Answers) -> Result<Plan> {
    let mut files = render::render(&layers(answers)?, &context(answers))?;
    files.push(Record::of(answers, &files).to_file());
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

/// The file with path `path` in `files`.
pub fn find<'a>(files: &'a [PlannedFile], path: &str) -> Option<&'a PlannedFile> {
    files.iter().find(|file| file.path == path)
}
