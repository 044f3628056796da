//! The instance settings a check sends, as Grafana would: from the flags, or else from the
//! plugin's own `provisioning/` files, so what the user provisioned is what gets checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::bad_input;

/// `--json-data`: the JSON object itself, or the file to read it from when the build starts.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonData {
    Inline(Value),
    /// Read (and checked) when the command resolves its plan, before anything is built.
    File(PathBuf),
}

impl JsonData {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.strip_prefix('@') {
            Some("") => {
                Err("@ needs a file name after it\n  help: e.g. --json-data @settings.json".into())
            }
            Some(path) => Ok(Self::File(PathBuf::from(path))),
            None => json_object(text, "--json-data '{\"path\":\"/api\"}'").map(Self::Inline),
        }
    }
}

/// One `--secure KEY=VALUE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecureSetting {
    pub key: String,
    pub value: String,
}

impl SecureSetting {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok(Self {
                key: key.to_owned(),
                value: value.to_owned(),
            }),
            _ => Err("not KEY=VALUE\n  help: e.g. --secure apiKey=secret".into()),
        }
    }
}

/// Grafana's jsonData and query models are JSON objects; `example` shows one in the help line.
pub fn json_object(text: &str, example: &str) -> Result<Value, String> {
    let help = format!("  help: give a JSON object, quoted for the shell, e.g. {example}");
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(other) => Err(format!(
            "a JSON object {{…}} is needed, not {}\n{help}",
            json_kind(&other)
        )),
        Err(error) => Err(format!("not valid JSON: {error}\n{help}")),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub json_data: Value,
    /// Decrypted secure settings; sent to the plugin, never printed.
    pub secure: BTreeMap<String, String>,
    /// Where the settings came from, for the report.
    pub source: String,
}

impl Settings {
    fn empty(source: &str) -> Self {
        Self {
            json_data: Value::Object(Default::default()),
            secure: BTreeMap::new(),
            source: source.to_owned(),
        }
    }
}

pub fn resolve(
    plugin: Option<(&Path, &str)>,
    json_data: Option<&JsonData>,
    secure: &[SecureSetting],
) -> Result<Settings> {
    if json_data.is_some() || !secure.is_empty() {
        return from_flags(json_data, secure);
    }
    match plugin {
        Some((root, id)) => from_provisioning(root, id),
        None => Ok(Settings::empty("none (no plugin directory)")),
    }
}

fn from_flags(json_data: Option<&JsonData>, secure: &[SecureSetting]) -> Result<Settings> {
    let json_data = match json_data {
        None => Value::Object(Default::default()),
        Some(JsonData::Inline(value)) => value.clone(),
        Some(JsonData::File(path)) => read_json_data(path)?,
    };
    let secure = secure
        .iter()
        .map(|s| (s.key.clone(), s.value.clone()))
        .collect();
    Ok(Settings {
        json_data,
        secure,
        source: "flags".to_owned(),
    })
}

/// `--json-data @FILE`: a file the user named, so every way it can be wrong is bad input.
fn read_json_data(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        bad_input!(
            "--json-data @{}: cannot read it: {error}\n  help: name a readable JSON file, or give \
             the JSON itself: --json-data '{{\"path\":\"/api\"}}'",
            path.display()
        )
    })?;
    json_object(&text, "{\"path\":\"/api\"}")
        .map_err(|reason| bad_input!("--json-data @{}: {reason}", path.display()))
}

/// Looks through `provisioning/datasources` and `provisioning/plugins` for an entry of this plugin.
fn from_provisioning(root: &Path, id: &str) -> Result<Settings> {
    for (folder, list) in [("datasources", "datasources"), ("plugins", "apps")] {
        let dir = root.join("provisioning").join(folder);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let doc: Value = serde_norway::from_str(&text)
                .map_err(|e| bad_input!("{} is not valid YAML: {e}", file.display()))?;
            let Some(entry) = doc[list]
                .as_array()
                .and_then(|items| items.iter().find(|item| item["type"] == id))
            else {
                continue;
            };
            let relative = file
                .strip_prefix(root)
                .unwrap_or(&file)
                .display()
                .to_string();
            return Ok(settings_of(entry, relative));
        }
    }
    Ok(Settings::empty(
        "none (no provisioning entry for this plugin)",
    ))
}

fn settings_of(entry: &Value, source: String) -> Settings {
    let json_data = match &entry["jsonData"] {
        Value::Null => Value::Object(Default::default()),
        other => other.clone(),
    };
    let secure = entry["secureJsonData"]
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| {
                    let text = v
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string());
                    (k.clone(), text)
                })
                .collect()
        })
        .unwrap_or_default();
    Settings {
        json_data,
        secure,
        source,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn flags_win_over_provisioning() {
        let secure = [SecureSetting {
            key: "apiKey".into(),
            value: "a=b".into(),
        }];
        let inline = JsonData::Inline(json!({"path": "/x"}));
        let s = resolve(None, Some(&inline), &secure).unwrap();
        assert_eq!(s.json_data, json!({"path": "/x"}));
        assert_eq!(s.secure["apiKey"], "a=b");
        assert_eq!(s.source, "flags");
    }

    #[test]
    fn json_data_files_are_read_and_every_fault_is_bad_input() {
        let temp = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let path = temp.path().join(name);
            std::fs::write(&path, text).unwrap();
            JsonData::File(path)
        };
        let good = file("good.json", r#"{"path":"/api"}"#);
        let s = resolve(None, Some(&good), &[]).unwrap();
        assert_eq!(s.json_data, json!({"path": "/api"}));
        for (json_data, says) in [
            (
                JsonData::File(temp.path().join("missing.json")),
                "cannot read it",
            ),
            (JsonData::File(temp.path().to_owned()), "cannot read it"),
            (file("broken.json", "{"), "not valid JSON"),
            (file("list.json", "[]"), "not an array"),
        ] {
            let error = resolve(None, Some(&json_data), &[]).unwrap_err();
            assert_eq!(
                crate::error::exit_code(&error),
                crate::error::EXIT_BAD_INPUT
            );
            let message = error.to_string();
            assert!(message.contains(says), "{message}");
            assert!(message.contains("\n  help: "), "{message}");
        }
    }

    #[test]
    fn provisioning_entries_of_this_plugin_are_used() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("provisioning/datasources");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("datasources.yml"),
            "apiVersion: 1\ndatasources:\n  - name: other\n    type: other-datasource\n  - name: w\n    type: acme-w-datasource\n    jsonData:\n      path: /api\n    secureJsonData:\n      apiKey: 1234\n",
        )
        .unwrap();
        let s = resolve(Some((temp.path(), "acme-w-datasource")), None, &[]).unwrap();
        assert_eq!(s.json_data, json!({"path": "/api"}));
        assert_eq!(s.secure["apiKey"], "1234");
        assert_eq!(s.source, "provisioning/datasources/datasources.yml");
        let none = resolve(Some((temp.path(), "acme-x-app")), None, &[]).unwrap();
        assert!(none.source.starts_with("none"));
    }
}
