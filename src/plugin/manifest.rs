//! `src/plugin.json`: the facts other commands need from it, with errors that name the file.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::bad_input;

pub const MANIFEST_PATH: &str = "src/plugin.json";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub id: String,
    pub plugin_type: String,
    pub backend: bool,
    /// The first part of the backend executable's file name, when there is a backend.
    pub executable: Option<String>,
}

#[derive(Deserialize)]
struct Raw {
    id: Option<String>,
    #[serde(rename = "type")]
    plugin_type: Option<String>,
    #[serde(default)]
    backend: bool,
    executable: Option<String>,
}

impl Manifest {
    pub fn read(root: &Path) -> Result<Self> {
        let path = root.join(MANIFEST_PATH);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text, &path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let raw: Raw = serde_json::from_str(text).map_err(|error| {
            bad_input!("{} is not valid JSON: {error}\n  help: fix the syntax at the line and column shown", path.display())
        })?;
        let missing = |field: &str| {
            bad_input!(
                "{} has no \"{field}\"\n  help: add it; see Grafana's plugin.json reference",
                path.display()
            )
        };
        Ok(Self {
            id: raw.id.ok_or_else(|| missing("id"))?,
            plugin_type: raw.plugin_type.ok_or_else(|| missing("type"))?,
            backend: raw.backend,
            executable: raw.executable.filter(|e| !e.is_empty()),
        })
    }

    /// The executable name, or an error explaining that the plugin has no backend to run.
    pub fn require_executable(&self, root: &Path) -> Result<&str> {
        if self.plugin_type == "panel" {
            // Advice to add "backend": true would be wrong: Grafana never starts one for a panel.
            return Err(bad_input!(
                "{} is a panel, and panels have no backend: Grafana runs backends only for apps \
                 and data sources\n  help: there is no backend to run here; for one, create an \
                 app or a data source, e.g. `create-grafana-plugin new --type datasource --backend`",
                self.id
            ));
        }
        self.executable.as_deref().ok_or_else(|| {
            bad_input!(
                "{} has no \"executable\", so Grafana would start no backend for {}\n  help: a \
                 backend plugin sets \"backend\": true and \"executable\": \"gpx_<name>\"",
                root.join(MANIFEST_PATH).display(),
                self.id
            )
        })
    }
}

/// The plugin around `start`: the nearest directory, going up, that holds `src/plugin.json`,
/// the way cargo finds its `Cargo.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    if !start.is_dir() {
        return Err(bad_input!(
            "{} is not a directory\n  help: give the plugin's directory, or any directory inside \
             it",
            start.display()
        ));
    }
    let absolute =
        std::path::absolute(start).with_context(|| format!("resolving {}", start.display()))?;
    let start = without_dots(&absolute);
    start
        .ancestors()
        .find(|dir| dir.join(MANIFEST_PATH).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            bad_input!(
                "{} is not inside a Grafana plugin: no {MANIFEST_PATH} here or in any parent \
                 directory\n  help: run this in a plugin directory, or create one with \
                 `create-grafana-plugin new`",
                start.display()
            )
        })
}

/// `path` with `.` and `..` resolved as a shell's `cd` does, so that going up from `src/..`
/// starts at the plugin, not inside it (`Path::ancestors` only drops the last component).
fn without_dots(path: &Path) -> PathBuf {
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_resolved_before_going_up() {
        assert_eq!(
            without_dots(Path::new("/work/acme-wx-app/src/./../..")),
            Path::new("/work")
        );
        assert_eq!(without_dots(Path::new("/..")), Path::new("/"));
    }

    fn parse(text: &str) -> Result<Manifest> {
        Manifest::parse(text, Path::new("src/plugin.json"))
    }

    #[test]
    fn reads_the_backend_facts() {
        let m = parse(
            r#"{"id":"acme-w-datasource","type":"datasource","backend":true,"executable":"gpx_w"}"#,
        )
        .unwrap();
        assert_eq!(m.executable.as_deref(), Some("gpx_w"));
        assert!(m.backend);
        let m = parse(r#"{"id":"acme-w-app","type":"app"}"#).unwrap();
        assert_eq!(m.executable, None);
        assert!(m
            .require_executable(Path::new("."))
            .unwrap_err()
            .to_string()
            .contains("no \"executable\""));
    }

    #[test]
    fn a_panel_is_never_told_to_add_a_backend() {
        let m = parse(r#"{"id":"acme-w-panel","type":"panel"}"#).unwrap();
        let error = m
            .require_executable(Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("acme-w-panel is a panel, and panels have no backend"),
            "{error}"
        );
        assert!(error.contains("only for apps and data sources"), "{error}");
        assert!(!error.contains("\"backend\": true"), "{error}");
    }

    #[test]
    fn broken_files_are_explained() {
        assert!(parse("{")
            .unwrap_err()
            .to_string()
            .contains("not valid JSON"));
        assert!(parse(r#"{"type":"app"}"#)
            .unwrap_err()
            .to_string()
            .contains("no \"id\""));
    }

    #[test]
    fn the_root_is_found_from_below() {
        let temp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(temp.path().join("src/components")).unwrap();
        std::fs::write(temp.path().join(MANIFEST_PATH), "{}").unwrap();
        let found = find_root(&temp.path().join("src/components")).unwrap();
        assert_eq!(found, std::path::absolute(temp.path()).unwrap());
        let outside = tempfile::tempdir().unwrap();
        assert!(find_root(outside.path())
            .unwrap_err()
            .to_string()
            .contains("not inside a Grafana plugin"));
    }
}
