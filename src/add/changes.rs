//! Which files `add backend` adds, which it changes, and which it leaves for the user to change.
//! Reads the plugin's files to compare, writes nothing.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use super::inspect::Plugin;
use super::plugin_json;
use crate::bad_input;
use crate::plugin::MANIFEST_PATH;
use crate::scaffold::managed::is_managed;
use crate::scaffold::plan::{plan, render_layers};
use crate::scaffold::record::{blob_id, Record, RECORD_PATH};
use crate::scaffold::Answers;
use crate::scaffold::PlannedFile;

const README: &str = "README.md";
/// The backend's CI, for a plugin whose workflows `new` did not write.
const WORKFLOW: &str = ".github/workflows/backend.yml";
/// The heading of the section appended to a README `new` did not write.
const SECTION_HEADING: &str = "## Backend (Rust)";

#[derive(Default)]
pub struct Changes {
    pub added: Vec<PlannedFile>,
    pub changed: Vec<PlannedFile>,
    pub manual: Vec<Manual>,
}

/// A file the backend needs changed that was left as the user has it.
#[derive(Serialize)]
pub struct Manual {
    pub path: String,
    pub change: String,
}

pub fn changes(plugin: &Plugin) -> Result<Changes> {
    let mut changes = Changes::default();
    let with = plan(&Answers {
        backend: true,
        ..plugin.answers.clone()
    })?;
    let without: HashMap<String, Vec<u8>> = plan(&plugin.answers)?
        .files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect();
    let readme_with = with.files.iter().find(|f| f.path == README).cloned();
    for file in with.files {
        let before = without.get(&file.path);
        match file.path.as_str() {
            MANIFEST_PATH | RECORD_PATH | README => {}
            _ if plugin.made_here => {
                if before != Some(&file.contents) {
                    changes.bring_to_backend(plugin, file, before)?
                }
            }
            _ => changes.add_if_missing(plugin, file, before.is_some())?,
        }
    }
    changes.changed.push(manifest(plugin)?);
    if plugin.made_here {
        let record = changes.record(plugin)?;
        changes.changed.push(record);
    }
    let extra = render_layers(&plugin.answers, &["backend/_shared", "add/backend"])?;
    changes.readme(plugin, without.get(README), readme_with, &extra)?;
    if !plugin.made_here {
        changes.workflow(plugin, &extra)?;
        changes.foreign_notes(plugin)?;
    }
    changes.added.sort_by(|a, b| a.path.cmp(&b.path));
    changes.changed.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changes)
}

impl Changes {
    /// `.config/.cgprc.json` with `"backend": true` among the answers, and the blob id of every
    /// owned file written here: what the tool wrote is the base of the next `update`'s merge. A
    /// file left for the user to change keeps the id of what `new` wrote, so `update` can merge
    /// the backend's version into it later.
    fn record(&self, plugin: &Plugin) -> Result<PlannedFile> {
        let mut record = Record::read(&plugin.root)?;
        record.answers.backend = true;
        for file in self.added.iter().chain(&self.changed) {
            if is_managed(&file.path) {
                record
                    .files
                    .insert(file.path.clone(), blob_id(&file.contents));
            }
        }
        Ok(record.to_file())
    }

    /// A file of a plugin `new` made: replaced when it is as `new` wrote it without a backend.
    fn bring_to_backend(
        &mut self,
        plugin: &Plugin,
        file: PlannedFile,
        before: Option<&Vec<u8>>,
    ) -> Result<()> {
        let on_disk = read(&plugin.root, &file.path)?;
        match (&on_disk, before) {
            (Some(bytes), _) if *bytes == file.contents => {}
            (None, None) => self.added.push(file),
            (Some(bytes), Some(before)) if bytes == before => self.changed.push(file),
            _ => {
                let answers = &plugin.answers;
                let change = format!(
                    "{} since `new` wrote it, so it was left as it is; its version with the \
                     backend is what `create-grafana-plugin new --type {} --backend --name {} \
                     --org {}` writes",
                    if on_disk.is_some() {
                        "changed"
                    } else {
                        "removed"
                    },
                    answers.id.kind,
                    answers.id.name.as_str(),
                    answers.id.org.as_str(),
                );
                self.manual.push(Manual {
                    path: file.path,
                    change,
                });
            }
        }
        Ok(())
    }

    /// A plugin made elsewhere: only the backend's own files, and settings for it where there
    /// are none; nothing of the user's is overwritten.
    fn add_if_missing(&mut self, plugin: &Plugin, file: PlannedFile, shared: bool) -> Result<()> {
        let provisioning = file.path.starts_with("provisioning/");
        if shared && !provisioning {
            return Ok(());
        }
        match read(&plugin.root, &file.path)? {
            None => self.added.push(file),
            Some(bytes) if bytes == file.contents => {}
            Some(bytes) if provisioning => self.note_missing_settings(plugin, &file.path, &bytes),
            Some(_) => self.manual.push(Manual {
                path: file.path,
                change: "exists, so it was left as it is; the backend's version was not written"
                    .to_owned(),
            }),
        }
        Ok(())
    }

    /// The user's provisioning file is kept; `check` and Grafana give the backend its settings.
    fn note_missing_settings(&mut self, plugin: &Plugin, path: &str, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let Some(fields) = plugin.answers.id.kind.fields() else {
            return;
        };
        let names: Vec<&str> = [fields.json_data.name, fields.secure_json_data.name]
            .into_iter()
            .filter(|name| !text.contains(name))
            .collect();
        if !names.is_empty() {
            self.manual.push(Manual {
                path: path.to_owned(),
                change: format!(
                    "kept as it is; the backend reads {} from the settings, which it does not set",
                    names.join(" and ")
                ),
            });
        }
    }

    /// `new`'s README when the user never changed it, otherwise a section appended once.
    fn readme(
        &mut self,
        plugin: &Plugin,
        without: Option<&Vec<u8>>,
        with: Option<PlannedFile>,
        extra: &[PlannedFile],
    ) -> Result<()> {
        let on_disk = read(&plugin.root, README)?;
        if plugin.made_here && on_disk.as_ref() == without {
            self.changed.extend(with);
            return Ok(());
        }
        let mut text = on_disk.unwrap_or_default();
        if String::from_utf8_lossy(&text).contains(SECTION_HEADING) {
            return Ok(());
        }
        let section = extra.iter().find(|f| f.path == README);
        let section = section.context("templates/add/backend has no README.md")?;
        let existed = !text.is_empty();
        if existed && !text.ends_with(b"\n") {
            text.push(b'\n');
        }
        let start = if existed { 0 } else { 1 };
        text.extend_from_slice(&section.contents[start..]);
        let file = PlannedFile {
            path: README.to_owned(),
            contents: text,
            executable: false,
        };
        if existed {
            self.changed.push(file)
        } else {
            self.added.push(file)
        }
        Ok(())
    }

    /// A workflow of its own for the backend's checks, beside the plugin's GitHub workflows:
    /// editing theirs would risk breaking what they do.
    fn workflow(&mut self, plugin: &Plugin, extra: &[PlannedFile]) -> Result<()> {
        if !plugin.root.join(".github/workflows").is_dir() {
            return Ok(());
        }
        let file = extra.iter().find(|f| f.path == WORKFLOW);
        let file = file.context("templates/add/backend has no workflow")?;
        self.add_if_missing(plugin, file.clone(), false)
    }

    /// What a plugin made elsewhere needs that only its author can change.
    fn foreign_notes(&mut self, plugin: &Plugin) -> Result<()> {
        const DATASOURCE: &str = "src/datasource.ts";
        if plugin.answers.id.kind.plugin_type() == "datasource" {
            let text = read(&plugin.root, DATASOURCE)?.unwrap_or_default();
            if !String::from_utf8_lossy(&text).contains("DataSourceWithBackend") {
                self.manual.push(Manual {
                    path: DATASOURCE.to_owned(),
                    change: "queries and health checks reach the backend only when the data \
                             source class extends DataSourceWithBackend from @grafana/runtime \
                             (as `create-grafana-plugin new --backend` writes it)"
                        .to_owned(),
                });
            }
        }
        if plugin.root.join(".github/workflows").is_dir() {
            self.manual.push(Manual {
                path: ".github/workflows/".to_owned(),
                change: format!(
                    "{WORKFLOW} checks the backend; a release needs its executables in dist/: \
                     run `create-grafana-plugin build --target all --no-frontend` after the \
                     frontend build and before packaging (with Rust and cargo-zigbuild set up, \
                     as in the release.yml `create-grafana-plugin new --backend` writes)"
                ),
            });
        }
        let ignore = read(&plugin.root, ".gitignore")?.unwrap_or_default();
        if !String::from_utf8_lossy(&ignore)
            .lines()
            .any(|line| line.trim().trim_matches('/') == "target")
        {
            self.manual.push(Manual {
                path: ".gitignore".to_owned(),
                change: "add `target/`, where cargo puts the backend's build output".to_owned(),
            });
        }
        Ok(())
    }
}

fn manifest(plugin: &Plugin) -> Result<PlannedFile> {
    let executable = plugin.answers.id.executable();
    let text = plugin_json::set_backend(&plugin.manifest_text, &executable).map_err(|error| {
        bad_input!(
            "cannot set \"backend\" and \"executable\" in {}: {error}\n  help: add \"backend\": \
             true and \"executable\": \"{executable}\" by hand, then run this again",
            plugin.root.join(MANIFEST_PATH).display()
        )
    })?;
    Ok(PlannedFile {
        path: MANIFEST_PATH.to_owned(),
        contents: text.into_bytes(),
        executable: false,
    })
}

/// The file's bytes, `None` when there is no file.
fn read(root: &Path, relative: &str) -> Result<Option<Vec<u8>>> {
    let path = root.join(relative);
    match fs::read(&path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}
