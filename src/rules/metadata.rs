//! plugin.json at the top of the plugin: present (`metadata`), shaped as Grafana's schema says
//! (`metadatavalid`), a semver version (`version`), a valid Grafana range
//! (`grafanadependency`) and an id that ends with the type (`typesuffix`).
//!
//! The schema checks are those of Grafana's plugin.schema.json that can fail a generated or
//! hand-edited plugin.json: required fields, the id pattern, the type list, the version, date
//! and range patterns, and field types. Unknown fields are not reported, since the schema gains
//! fields with every Grafana release.

use serde_json::Value;

use super::package::Manifest;
use super::semver;
use super::{Findings, Package, Rule};

const MISSING: Rule = Rule::error("metadata", "missing-metadata");
/// Not a validator rule: the schema accepts `%TODAY%`, but Grafana would show it as the date.
const PLACEHOLDER: Rule = Rule::warning("metadata", "unfilled-placeholder");
const INVALID: Rule = Rule::error("metadatavalid", "invalid-metadata");
const VERSION: Rule = Rule::error("version", "wrong-plugin-version");
const DEPENDENCY: Rule = Rule::error("grafanadependency", "invalid-grafana-dependency");
const SUFFIX: Rule = Rule::error("typesuffix", "plugin-type-suffix");

const TYPES: &[&str] = &[
    "app",
    "datasource",
    "panel",
    "renderer",
    "secretsmanager",
    "transformer",
];
const ID_TYPES: &[&str] = &[
    "app",
    "panel",
    "datasource",
    "secretsmanager",
    "transformer",
];

pub fn metadata(package: &Package, out: &mut Findings) {
    if !package.exists("plugin.json") {
        out.add(
            &MISSING,
            "no plugin.json at the top of the plugin; Grafana needs it to load the plugin",
        );
        return;
    }
    let Some(manifest) = package.main_manifest() else {
        return;
    };
    for (pointer, placeholder) in [("/info/version", "%VERSION%"), ("/info/updated", "%TODAY%")] {
        if manifest.text(pointer).contains(placeholder) {
            out.add(
                &PLACEHOLDER,
                format!(
                    "plugin.json: {} is still `{placeholder}`; build the plugin (`npm run build` \
                     or `create-grafana-plugin build`) so it is filled in",
                    &pointer[1..].replace('/', ".")
                ),
            );
        }
    }
}

pub fn schema(package: &Package, out: &mut Findings) {
    let Some(bytes) = package.bytes("plugin.json") else {
        return;
    };
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(error) => {
            return out.add(&INVALID, format!("plugin.json is not valid JSON: {error}"));
        }
    };
    if !value.is_object() {
        return out.add(&INVALID, "plugin.json: the top level must be an object");
    }
    for problem in schema_problems(&Manifest(&value)) {
        out.add(&INVALID, format!("plugin.json: {problem}"));
    }
}

fn schema_problems(m: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    let mut require = |pointer: &str, expected: &str, present: fn(&Value) -> bool| match m
        .0
        .pointer(pointer)
    {
        None => problems.push(format!("{} is required", dotted(pointer))),
        Some(v) if !present(v) => problems.push(format!("{} must be {expected}", dotted(pointer))),
        Some(_) => {}
    };
    for pointer in [
        "/type",
        "/name",
        "/id",
        "/info/version",
        "/info/updated",
        "/info/logos/small",
        "/info/logos/large",
        "/dependencies/grafanaDependency",
    ] {
        require(pointer, "a string", Value::is_string);
    }
    require("/info/keywords", "a list of at least one keyword", |v| {
        v.as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string))
    });
    for flag in [
        "backend",
        "alerting",
        "annotations",
        "metrics",
        "logs",
        "streaming",
        "tracing",
    ] {
        if m.0.get(flag).is_some_and(|v| !v.is_boolean()) {
            problems.push(format!("{flag} must be true or false"));
        }
    }
    if m.0.get("executable").is_some_and(|v| !v.is_string()) {
        problems.push("executable must be a string".into());
    }
    if let Some(id) = m.str("/id") {
        if !id_matches(id) {
            problems.push(format!(
                "id `{id}` must be `<org>-<name>-<type>` or `<name>-<type>` in lowercase letters \
                 and digits, ending with app, panel, datasource, secretsmanager or transformer"
            ));
        }
    }
    if let Some(kind) = m.str("/type") {
        if !TYPES.contains(&kind) {
            problems.push(format!("type `{kind}` must be one of {}", TYPES.join(", ")));
        }
    }
    if let Some(version) = m.str("/info/version") {
        if !semver::schema_version(version) {
            problems.push(format!(
                "info.version `{version}` must be a version like 1.0.0"
            ));
        }
    }
    if let Some(updated) = m.str("/info/updated") {
        if !is_date(updated) && updated != "%TODAY%" {
            problems.push(format!(
                "info.updated `{updated}` must be a date like 2026-01-31"
            ));
        }
    }
    if let Some(range) = m.str("/dependencies/grafanaDependency") {
        if !semver::schema_range(range) {
            problems.push(format!(
                "dependencies.grafanaDependency `{range}` must be a range like >=12.0.0 (one \
                 comparison, optionally a space and an upper bound)"
            ));
        }
    }
    problems
}

pub fn version(package: &Package, out: &mut Findings) {
    let Some(m) = package.main_manifest() else {
        return;
    };
    let version = m.text("/info/version");
    if !semver::is_version(version) {
        out.add(
            &VERSION,
            format!("plugin.json: info.version `{version}` is not a semantic version like 1.0.0"),
        );
    }
}

pub fn grafana_dependency(package: &Package, out: &mut Findings) {
    let Some(m) = package.main_manifest() else {
        return;
    };
    let range = m.text("/dependencies/grafanaDependency");
    if !semver::is_constraint(range) {
        out.add(
            &DEPENDENCY,
            format!(
                "plugin.json: dependencies.grafanaDependency `{range}` is missing or not a \
                 version range; set the oldest Grafana the plugin runs on, e.g. `>=12.3.0`"
            ),
        );
    }
}

pub fn type_suffix(package: &Package, out: &mut Findings) {
    let Some(m) = package.main_manifest() else {
        return;
    };
    let (id, kind) = (m.text("/id"), m.text("/type"));
    if !kind.is_empty() && id.rsplit('-').next() != Some(kind) {
        out.add(
            &SUFFIX,
            format!("plugin.json: id `{id}` must end with its type, `-{kind}`"),
        );
    }
}

/// `^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource|secretsmanager|transformer)$`.
fn id_matches(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    let word = |p: &&str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    (2..=3).contains(&parts.len())
        && parts[..parts.len() - 1].iter().all(word)
        && ID_TYPES.contains(&parts[parts.len() - 1])
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

fn dotted(pointer: &str) -> String {
    pointer[1..].replace('/', ".")
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn json_findings(edit: impl Fn(&mut serde_json::Value)) -> Vec<String> {
        let mut value: serde_json::Value = serde_json::from_str(PLUGIN_JSON).unwrap();
        edit(&mut value);
        let text = serde_json::to_vec(&value).unwrap();
        found(&with(clean(), |files| set(files, "plugin.json", &text)))
    }

    #[test]
    fn a_bad_id_breaks_the_schema() {
        let found = json_findings(|v| v["id"] = "Acme_Weather-datasource".into());
        assert!(
            found.contains(&"metadatavalid/invalid-metadata".to_owned()),
            "{found:?}"
        );
        assert!(super::id_matches("acme-weather-datasource"));
        assert!(super::id_matches("weather-app"));
        assert!(!super::id_matches("a-b-c-panel"));
        assert!(!super::id_matches("acme-weather-widget"));
    }

    #[test]
    fn placeholders_left_in_are_reported() {
        let found = json_findings(|v| {
            v["info"]["version"] = "%VERSION%".into();
            v["info"]["updated"] = "%TODAY%".into();
        });
        assert_eq!(
            found,
            [
                "metadata/unfilled-placeholder",
                "metadata/unfilled-placeholder",
                "version/wrong-plugin-version"
            ]
        );
    }

    #[test]
    fn the_grafana_range_is_required() {
        let found = json_findings(|v| v["dependencies"] = serde_json::json!({}));
        assert_eq!(
            found,
            [
                "metadatavalid/invalid-metadata",
                "grafanadependency/invalid-grafana-dependency"
            ]
        );
    }

    #[test]
    fn the_id_ends_with_the_type() {
        let found = json_findings(|v| v["type"] = "panel".into());
        assert_eq!(found, ["typesuffix/plugin-type-suffix"]);
    }

    #[test]
    fn types_and_missing_fields() {
        let found = json_findings(|v| {
            v["type"] = "widget".into();
            v.as_object_mut().unwrap().remove("name");
        });
        assert_eq!(
            found
                .iter()
                .filter(|f| *f == "metadatavalid/invalid-metadata")
                .count(),
            2,
            "{found:?}"
        );
    }

    #[test]
    fn broken_json_is_invalid_metadata() {
        let found = found(&with(clean(), |files| set(files, "plugin.json", b"{")));
        assert!(
            found.contains(&"metadatavalid/invalid-metadata".to_owned()),
            "{found:?}"
        );
    }
}
