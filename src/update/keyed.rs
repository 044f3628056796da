//! Key-level three-way merges of `package.json` and `Cargo.toml`: the tool owns some keys of each
//! (its scripts and dependencies, the backend's build settings) and the user the rest. Each owned
//! key is merged on its own, by value, so a dependency the user adds next to one the tool bumps is
//! no conflict, and a conflict keeps the user's value and is listed instead of marked, which would
//! leave a file npm or cargo cannot read. The user's formatting is kept: values are edited in
//! place (`scaffold::json_edit`, `toml_edit`), the file is never re-serialised.

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::Value;
use toml_edit::{DocumentMut, Item, Table};

use crate::scaffold::json_edit;

/// The keys the tool owns in `package.json`, as paths; `*` is any key the tool writes there.
/// name, version, description, author, license and private are the user's after `new`.
const PACKAGE_JSON: &[&[&str]] = &[
    &["scripts", "*"],
    &["engines", "*"],
    &["dependencies", "*"],
    &["devDependencies", "*"],
    &["overrides", "*"],
    &["packageManager"],
];

/// The keys the tool owns in `Cargo.toml`. The package's name, version, description and authors
/// are the user's after `new`; the edition and toolchain settings follow the code in pkg/main.rs.
const CARGO_TOML: &[&[&str]] = &[
    &["package", "edition"],
    &["package", "rust-version"],
    &["package", "publish"],
    &["bin"],
    &["dependencies", "*"],
    &["dev-dependencies", "*"],
    &["build-dependencies", "*"],
    &["profile", "*", "*"],
];

/// An owned key both sides changed differently: the user's value is kept.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyConflict {
    /// Dotted path, e.g. `devDependencies.typescript`.
    pub key: String,
    /// `null`: no such key.
    pub yours: Option<Value>,
    pub tool: Option<Value>,
}

impl KeyConflict {
    /// `devDependencies.typescript (yours ^5.4, tool ^5.9)`.
    pub fn describe(&self) -> String {
        let show = |value: &Option<Value>| match value {
            None => "absent".to_owned(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        };
        format!(
            "{} (yours {}, tool {})",
            self.key,
            show(&self.yours),
            show(&self.tool)
        )
    }
}

pub struct KeyMerged {
    pub bytes: Vec<u8>,
    pub conflicts: Vec<KeyConflict>,
}

/// What to do to the user's value of one owned key.
#[derive(Debug, PartialEq)]
enum Take {
    /// The tool's value (`None`: remove the key).
    Theirs(Option<Value>),
    Conflict(KeyConflict),
}

/// Merges `path` key by key when it is one of the two manifests and all three sides parse;
/// `None` otherwise, for the text merge to take over.
pub fn merge(
    path: &str,
    ours: &[u8],
    base: Option<&[u8]>,
    theirs: &[u8],
) -> Result<Option<KeyMerged>> {
    let format = match path {
        "package.json" => Format::Json,
        "Cargo.toml" => Format::Toml,
        _ => return Ok(None),
    };
    let parse = |bytes: &[u8]| -> Option<(String, Value)> {
        let text = String::from_utf8(bytes.to_vec()).ok()?;
        let value = format.value(&text)?;
        Some((text, value))
    };
    let (Some((ours_text, ours_value)), Some((theirs_text, theirs_value))) =
        (parse(ours), parse(theirs))
    else {
        return Ok(None);
    };
    let base_value = match base.map(parse) {
        Some(None) => return Ok(None),
        Some(Some((_, value))) => Some(value),
        None => None,
    };
    let takes = decide(
        format.owned(),
        base_value.as_ref(),
        &ours_value,
        &theirs_value,
    );
    let mut expected = ours_value;
    let mut text = ours_text;
    let mut conflicts = Vec::new();
    for (key, take) in takes {
        match take {
            Take::Conflict(conflict) => conflicts.push(conflict),
            Take::Theirs(value) => {
                // A file the editor cannot place a key in (a `scripts` that is no object, a key
                // written twice) is merged as text instead.
                let Ok(edited) = format.edit(&text, &theirs_text, &key, value.is_some()) else {
                    return Ok(None);
                };
                text = edited;
                put(&mut expected, &key, value);
            }
        }
    }
    // The edit is text surgery: the result must mean exactly what the merge decided, or the text
    // merge takes over.
    if format.value(&text).as_ref() != Some(&expected) {
        return Ok(None);
    }
    Ok(Some(KeyMerged {
        bytes: text.into_bytes(),
        conflicts,
    }))
}

#[derive(Clone, Copy)]
enum Format {
    Json,
    Toml,
}

impl Format {
    fn owned(self) -> &'static [&'static [&'static str]] {
        match self {
            Format::Json => PACKAGE_JSON,
            Format::Toml => CARGO_TOML,
        }
    }

    /// The document's meaning, compared across sides and after editing.
    fn value(self, text: &str) -> Option<Value> {
        match self {
            Format::Json => serde_json::from_str(text).ok(),
            Format::Toml => serde_json::to_value(toml::from_str::<toml::Value>(text).ok()?).ok(),
        }
    }

    /// `text` with the key at `path` set to its value in `theirs` (`present`) or removed.
    fn edit(self, text: &str, theirs: &str, path: &[String], present: bool) -> Result<String> {
        match (self, present) {
            (Format::Json, true) => set_json(text, theirs, path),
            (Format::Json, false) => Ok(json_edit::remove(text, path)),
            (Format::Toml, _) => edit_toml(text, theirs, path),
        }
    }
}

/// The tool's value goes after the key that precedes it in the tool's file, as the tool orders
/// its keys; a value is written as JSON writes it (the tool's are strings).
fn set_json(text: &str, theirs: &str, path: &[String]) -> Result<String> {
    let (key, parent) = path.split_last().expect("owned paths are never empty");
    let order = json_edit::keys_at(theirs, parent);
    let before = order
        .iter()
        .position(|k| k == key)
        .and_then(|at| at.checked_sub(1))
        .map(|at| order[at].as_str());
    let value: Value = serde_json::from_str(theirs)?;
    let literal = serde_json::to_string(get(&value, path).expect("the tool's file has the key"))?;
    json_edit::set(text, path, &literal, before)
}

/// `text` with the item at `path` as in `theirs`, or removed when `theirs` lacks it. A replaced
/// value keeps the user's spacing and comment around it; new tables are created implicit, so
/// `[profile.release]` needs no `[profile]`.
fn edit_toml(text: &str, theirs: &str, path: &[String]) -> Result<String> {
    let mut ours: DocumentMut = text.parse()?;
    let theirs: DocumentMut = theirs.parse()?;
    let (key, parent) = path.split_last().expect("owned paths are never empty");
    let theirs_item = path
        .iter()
        .try_fold(theirs.as_item(), |item, key| item.get(key.as_str()));
    let mut table = ours.as_table_mut() as &mut dyn toml_edit::TableLike;
    for key in parent {
        let item = table.entry(key).or_insert_with(|| {
            let mut created = Table::new();
            created.set_implicit(true);
            Item::Table(created)
        });
        table = item
            .as_table_like_mut()
            .with_context(|| format!("{key} is not a table"))?;
    }
    match (theirs_item.cloned(), table.get_mut(key)) {
        (None, _) => {
            table.remove(key);
        }
        (Some(Item::Value(mut value)), Some(Item::Value(old))) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        (Some(item), Some(old)) => *old = item,
        (Some(item), None) => {
            table.insert(key, item);
        }
    }
    Ok(ours.to_string())
}

/// Every owned key of base or theirs, each with what to do to the user's value; keys the tool
/// never wrote are not listed, so the user's own stay as they are.
fn decide(
    owned: &[&[&str]],
    base: Option<&Value>,
    ours: &Value,
    theirs: &Value,
) -> Vec<(Vec<String>, Take)> {
    let mut keys: Vec<Vec<String>> = Vec::new();
    for pattern in owned {
        for side in [Some(theirs), base].into_iter().flatten() {
            for key in expand(pattern, side) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
    }
    keys.into_iter()
        .filter_map(|key| {
            let b = base.map(|base| get(base, &key));
            let (o, t) = (get(ours, &key), get(theirs, &key));
            take(b, o, t, &key).map(|take| (key, take))
        })
        .collect()
}

/// The three-way rule for one key: `base` is `None` when the file has no base at all, and
/// `Some(None)` when the base lacks the key.
fn take(
    base: Option<Option<&Value>>,
    ours: Option<&Value>,
    theirs: Option<&Value>,
    key: &[String],
) -> Option<Take> {
    let conflict = || {
        Take::Conflict(KeyConflict {
            key: key.join("."),
            yours: ours.cloned(),
            tool: theirs.cloned(),
        })
    };
    match base {
        _ if ours == theirs => None,
        Some(base) if ours == base => Some(Take::Theirs(theirs.cloned())),
        Some(base) if theirs == base => None,
        Some(_) => Some(conflict()),
        // Without a base only a key the user lacks is safe to add.
        None if ours.is_none() => Some(Take::Theirs(theirs.cloned())),
        None => Some(conflict()),
    }
}

/// The concrete paths in `value` matching `pattern`.
fn expand(pattern: &[&str], value: &Value) -> Vec<Vec<String>> {
    let Some((first, rest)) = pattern.split_first() else {
        return vec![Vec::new()];
    };
    let Some(object) = value.as_object() else {
        return Vec::new();
    };
    let keys: Vec<&String> = match *first {
        "*" => object.keys().collect(),
        key => object.keys().filter(|k| *k == key).collect(),
    };
    keys.into_iter()
        .flat_map(|key| {
            expand(rest, &object[key]).into_iter().map(move |mut tail| {
                tail.insert(0, key.clone());
                tail
            })
        })
        .collect()
}

fn get<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

/// `value` with the key at `path` set (creating objects on the way) or removed.
fn put(value: &mut Value, path: &[String], new: Option<Value>) {
    let (key, parent) = path.split_last().expect("owned paths are never empty");
    let mut object = value;
    for key in parent {
        let Some(map) = object.as_object_mut() else {
            return;
        };
        object = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    if let Some(map) = object.as_object_mut() {
        match new {
            Some(new) => map.insert(key.clone(), new),
            None => map.remove(key),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(ours: &str, base: Option<&str>, theirs: &str) -> (String, Vec<String>) {
        let path = match ours.trim_start().starts_with('{') {
            true => "package.json",
            false => "Cargo.toml",
        };
        let merged = merge(
            path,
            ours.as_bytes(),
            base.map(str::as_bytes),
            theirs.as_bytes(),
        )
        .unwrap()
        .expect("all three parse");
        let conflicts = merged.conflicts.iter().map(KeyConflict::describe).collect();
        (String::from_utf8(merged.bytes).unwrap(), conflicts)
    }

    /// The merged text, which must have no conflict.
    fn clean(ours: &str, base: &str, theirs: &str) -> String {
        let (text, conflicts) = merged(ours, Some(base), theirs);
        assert!(conflicts.is_empty(), "{conflicts:?}");
        text
    }

    /// The conflicts, which leave the user's text as it was.
    fn clashes(ours: &str, base: Option<&str>, theirs: &str) -> Vec<String> {
        let (text, conflicts) = merged(ours, base, theirs);
        assert_eq!(text, ours);
        conflicts
    }

    /// (from, to) pairs of text.
    type Edits<'a> = &'a [(&'a str, &'a str)];

    /// `text` with each (from, to) replaced; every `from` must be there.
    fn edited(text: &str, edits: Edits) -> String {
        edits.iter().fold(text.to_owned(), |text, (from, to)| {
            assert!(text.contains(from), "no {from:?} in {text:?}");
            text.replacen(from, to, 1)
        })
    }

    fn key(path: &str) -> Vec<String> {
        path.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn each_key_follows_the_three_way_rule() {
        let (a, b) = (json!("a"), json!("b"));
        let k = key("scripts.x");
        let theirs = |v: &Value| Some(Take::Theirs(Some(v.clone())));
        // Untouched by the user: the tool's change is taken (a removal too).
        assert_eq!(take(Some(Some(&a)), Some(&a), Some(&b), &k), theirs(&b));
        assert_eq!(
            take(Some(Some(&a)), Some(&a), None, &k),
            Some(Take::Theirs(None))
        );
        // Unchanged by the tool, or the same change on both sides: the user's stays.
        assert_eq!(take(Some(Some(&a)), Some(&b), Some(&a), &k), None);
        assert_eq!(take(Some(Some(&a)), Some(&b), Some(&b), &k), None);
        assert_eq!(take(Some(None), None, Some(&b), &k), theirs(&b));
        // Both changed it differently: listed, the user's stays.
        let Some(Take::Conflict(conflict)) = take(Some(Some(&a)), Some(&b), None, &k) else {
            panic!("no conflict");
        };
        assert_eq!(conflict.describe(), "scripts.x (yours b, tool absent)");
        // No base: only a key the user lacks is added.
        assert_eq!(take(None, None, Some(&a), &k), theirs(&a));
        assert!(matches!(
            take(None, Some(&b), Some(&a), &k),
            Some(Take::Conflict(_))
        ));
    }

    #[test]
    fn only_the_keys_the_tool_writes_are_owned() {
        let base = json!({"name": "p", "scripts": {"a": "1"}, "devDependencies": {"x": "1"}});
        let theirs = json!({"name": "q", "scripts": {"b": "2"}, "packageManager": "npm@10"});
        let ours = json!({"name": "mine", "scripts": {"a": "1", "mine": "3"}});
        let keys: Vec<String> = decide(PACKAGE_JSON, Some(&base), &ours, &theirs)
            .into_iter()
            .map(|(key, _)| key.join("."))
            .collect();
        assert_eq!(keys, ["scripts.b", "scripts.a", "packageManager"]);
    }

    const PACKAGE: &str = "{\n  \"name\": \"mine\",\n  \"scripts\": {\n    \"build\": \"webpack\",\n    \"old\": \"x\"\n  },\n  \"devDependencies\": {\n    \"@swc/core\": \"^1.10.0\",\n    \"typescript\": \"5.4.0\"\n  }\n}\n";

    /// Each format: the tool's changes to the keys it owns land; the user's own keys, spacing and
    /// comments stay; a key the tool dropped and the user never touched goes.
    #[test]
    fn each_format_gets_the_tools_changes_and_keeps_the_users_keys_spacing_and_comments() {
        #[rustfmt::skip]
        let cases: [(&str, Edits, Edits, &str); 2] = [
            (PACKAGE, &[
                ("\"build\": \"webpack\"", "\"build\":   \"webpack\""),
                ("\"@swc/core\"", "\"my-dep\": \"1.0.0\",\n    \"@swc/core\""),
            ], &[
                ("^1.10.0", "^1.15.0"),
                (",\n    \"old\": \"x\"", ""),
                ("\"typescript\"", "\"new-tool\": \"^2.0.0\",\n    \"typescript\""),
                ("\"mine\"", "\"tool-name\""),
            ], "{\n  \"name\": \"mine\",\n  \"scripts\": {\n    \"build\":   \"webpack\"\n  },\n  \"devDependencies\": {\n    \"my-dep\": \"1.0.0\",\n    \"@swc/core\": \"^1.15.0\",\n    \"new-tool\": \"^2.0.0\",\n    \"typescript\": \"5.4.0\"\n  }\n}\n"),
            (CARGO, &[
                ("name = \"a\"", "name = \"mine\""),
                ("[profile.release]", "anyhow = \"1\"\n\n[profile.release]"),
            ], &[
                ("\"0.5\"", "\"0.6\""),
                ("strip = true\n", "strip = true\nlto = true\n"),
                ("serde = { version = \"1\", features = [\"derive\"] }\n", ""),
            ], "[package]\nname = \"mine\"\nedition = \"2021\"\n\n[dependencies]\n# the SDK\ngrafana-plugin-sdk = \"0.6\"  # pinned\n\nanyhow = \"1\"\n\n[profile.release]\nstrip = true\nlto = true\n"),
        ];
        for (base, ours, theirs, expected) in cases {
            assert_eq!(
                clean(&edited(base, ours), base, &edited(base, theirs)),
                expected
            );
        }
    }

    #[test]
    fn a_value_both_changed_is_listed_and_the_users_kept() {
        let ours = PACKAGE.replace("5.4.0", "5.4.5");
        let theirs = PACKAGE.replace("5.4.0", "5.9.2");
        assert_eq!(
            clashes(&ours, Some(PACKAGE), &theirs),
            ["devDependencies.typescript (yours 5.4.5, tool 5.9.2)"]
        );
        assert_eq!(clashes(&ours, None, &theirs).len(), 1);
    }

    const CARGO: &str = "[package]\nname = \"a\"\nedition = \"2021\"\n\n[dependencies]\n# the SDK\ngrafana-plugin-sdk = \"0.5\"  # pinned\nserde = { version = \"1\", features = [\"derive\"] }\n\n[profile.release]\nstrip = true\n";

    #[test]
    fn a_cargo_dependency_both_changed_is_listed() {
        let ours = CARGO.replace("\"0.5\"", "{ version = \"0.5\", default-features = false }");
        let theirs = CARGO.replace("\"0.5\"", "\"0.6\"");
        assert_eq!(
            clashes(&ours, Some(CARGO), &theirs),
            ["dependencies.grafana-plugin-sdk (yours {\"default-features\":false,\"version\":\"0.5\"}, tool 0.6)"]
        );
    }

    #[test]
    fn other_files_and_unparsable_or_odd_sides_are_left_to_the_text_merge() {
        let text_merge = |path: &str, ours: &str, theirs: &str| {
            merge(path, ours.as_bytes(), None, theirs.as_bytes())
                .unwrap()
                .is_none()
        };
        assert!(text_merge("tsconfig.json", "{}", "{}"));
        assert!(text_merge("package.json", "{\n<<<<<<< yours", "{}"));
        let theirs = r#"{"scripts": {"a": "1"}}"#;
        assert!(text_merge("package.json", r#"{"scripts": "none"}"#, theirs));
        // serde_json reads the last of two equal keys, the editor would change the first.
        let twice = r#"{"scripts": {}, "scripts": {}}"#;
        assert!(text_merge("package.json", twice, theirs));
    }
}
