//! What plugin `add backend` is given: its `src/plugin.json`, who made it, and every reason to
//! refuse, found before anything is planned or written.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::bad_input;
use crate::plugin::{find_root, Manifest, PluginId, PluginKind, MANIFEST_PATH};
use crate::scaffold::record::Record;
use crate::scaffold::Answers;

pub struct Plugin {
    pub root: PathBuf,
    /// `src/plugin.json` as the user wrote it.
    pub manifest_text: String,
    /// What the plugin would have been generated with; `dir` is its root.
    pub answers: Answers,
    /// Made by this tool with these answers (its record matches plugin.json's id), so the files
    /// `new` wrote can be told apart from the user's changes.
    pub made_here: bool,
}

pub fn inspect(start: &Path) -> Result<Plugin> {
    let root = find_root(start)?;
    let path = root.join(MANIFEST_PATH);
    let manifest_text =
        fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let manifest = Manifest::parse(&manifest_text, &path)?;
    let kind = kind_of(&manifest)?;
    refuse_existing_backend(&root, &manifest)?;
    let id = PluginId::parse(&manifest.id, kind).map_err(|why| {
        bad_input!(
            "{}: the id \"{}\" does not follow this tool's rules: {why}\n  help: the backend's \
             executable (gpx_<name>) and Cargo package are named after it; a backend can be added \
             to a plugin whose id is <org>-<name>-<type>, each part lowercase letters and digits",
            path.display(),
            manifest.id
        )
    })?;
    let (answers, made_here) = match recorded(&root, &id) {
        Some(answers) => (answers, true),
        None => (answers_from_manifest(&manifest_text, id, &root), false),
    };
    Ok(Plugin {
        root,
        manifest_text,
        answers,
        made_here,
    })
}

fn kind_of(manifest: &Manifest) -> Result<PluginKind> {
    match manifest.plugin_type.as_str() {
        "app" => Ok(PluginKind::App),
        "datasource" => Ok(PluginKind::Datasource),
        "panel" => Err(bad_input!(
            "{} is a panel, and panels cannot have a backend: Grafana runs backends only for apps \
             and data sources\n  help: for a backend, create an app or a data source, e.g. \
             `create-grafana-plugin new --type datasource --backend`",
            manifest.id
        )),
        other => Err(bad_input!(
            "{MANIFEST_PATH} has \"type\": {other:?}, which Grafana does not know\n  help: an app \
             is \"app\", a data source \"datasource\""
        )),
    }
}

fn refuse_existing_backend(root: &Path, manifest: &Manifest) -> Result<()> {
    let id = &manifest.id;
    let go = root.join("go.mod");
    if go.is_file() {
        return Err(bad_input!(
            "{id} already has a Go backend: {} is there (with its sources in pkg/)\n  help: a \
             plugin has one backend; to replace it with a Rust one, remove go.mod, go.sum, \
             Magefile.go and pkg/ first",
            go.display()
        ));
    }
    let cargo = root.join("Cargo.toml");
    if cargo.is_file() {
        return Err(bad_input!(
            "{id} already has a Rust backend: {} is there\n  help: build it with \
             `create-grafana-plugin build`, check it with `create-grafana-plugin check`",
            cargo.display()
        ));
    }
    if manifest.backend {
        return Err(bad_input!(
            "{id} already has a backend: {} says \"backend\": true{}\n  help: a plugin has one \
             backend; if it has none, set \"backend\" to false (or remove it) and run this again",
            root.join(MANIFEST_PATH).display(),
            manifest
                .executable
                .as_ref()
                .map(|exe| format!(" and \"executable\": {exe:?}"))
                .unwrap_or_default()
        ));
    }
    Ok(())
}

/// The answers in `.config/.cgprc.json`, when they are this plugin's.
fn recorded(root: &Path, id: &PluginId) -> Option<Answers> {
    let record = Record::read(root).ok()?;
    (record.answers.id.to_string() == id.to_string()).then_some(Answers {
        backend: false,
        ..record.answers
    })
}

/// For a plugin made elsewhere: what plugin.json says, where the templates use it (Cargo.toml's
/// description).
fn answers_from_manifest(text: &str, id: PluginId, root: &Path) -> Answers {
    let manifest: Value = serde_json::from_str(text).unwrap_or_default();
    let info = &manifest["info"];
    let author = info["author"]["name"]
        .as_str()
        .map_or_else(|| id.org.title(), str::to_owned);
    Answers {
        description: info["description"].as_str().unwrap_or_default().to_owned(),
        author,
        backend: false,
        dir: root.to_owned(),
        id,
    }
}
