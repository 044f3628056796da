//! Plugins inside the plugin (`nestedmetadata`, `includesnested`): only an app may hold them,
//! and its plugin.json must list each one in `includes` with the same type.

use serde_json::Value;

use super::{Findings, Package, Rule};

const UNREADABLE: Rule = Rule::error("nestedmetadata", "invalid-metadata");
const NOT_DECLARED: Rule = Rule::error("includesnested", "nested-plugins-not-declared");
const NO_TYPE: Rule = Rule::error("includesnested", "nested-plugin-missing-type");
const MISMATCH: Rule = Rule::error("includesnested", "nested-plugin-type-missmatch");
const NOT_APP: Rule = Rule::error("includesnested", "nested-plugin-id-in-non-app");

pub fn nested_metadata(package: &Package, out: &mut Findings) {
    let parsed: Vec<&str> = package.manifests().map(|(p, _)| p).collect();
    for (path, _) in package.named(|n| n == "plugin.json") {
        if path != "plugin.json" && !parsed.contains(&path) {
            out.add(&UNREADABLE, format!("{path} is not a valid JSON object"));
        }
    }
}

pub fn includes_nested(package: &Package, out: &mut Findings) {
    let Some(main) = package.main_manifest() else {
        return;
    };
    let nested: Vec<_> = package
        .manifests()
        .filter(|(p, _)| *p != "plugin.json")
        .collect();
    if nested.is_empty() {
        return;
    }
    let kind = main.text("/type");
    if kind != "app" {
        return out.add(
            &NOT_APP,
            format!(
                "{} holds nested plugins ({}), which only app plugins may",
                main.text("/id"),
                nested
                    .iter()
                    .map(|(p, _)| *p)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let includes = main
        .0
        .get("includes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (path, manifest) in nested {
        let declared = includes
            .iter()
            .find(|i| i.get("path").and_then(Value::as_str) == Some(path));
        let Some(include) = declared else {
            out.add(
                &NOT_DECLARED,
                format!("{path} is a nested plugin that plugin.json does not list in `includes` (with its path and type)"),
            );
            continue;
        };
        let declared_type = include
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if declared_type.is_empty() {
            out.add(
                &NO_TYPE,
                format!("plugin.json includes {path} without a type"),
            );
        } else if declared_type != manifest.text("/type") {
            out.add(
                &MISMATCH,
                format!(
                    "plugin.json includes {path} as a {declared_type}, but {path} says it is a {}",
                    manifest.text("/type")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const APP: &[u8] = br#"{"type":"app","id":"acme-weather-app","includes":[{"type":"datasource","path":"datasource/plugin.json"}]}"#;
    const NESTED: &[u8] = br#"{"type":"datasource","id":"acme-weather-datasource"}"#;

    fn nested_found(main: &[u8], nested: &[u8], path: &str) -> Vec<String> {
        let p = package(
            "acme-weather-app",
            &[("plugin.json", main, 0o644), (path, nested, 0o644)],
        );
        found(&p)
            .into_iter()
            .filter(|f| f.contains("nested"))
            .collect()
    }

    #[test]
    fn declared_nested_plugins_pass() {
        assert_eq!(
            nested_found(APP, NESTED, "datasource/plugin.json"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn undeclared_mistyped_or_unreadable_ones_do_not() {
        assert_eq!(
            nested_found(APP, NESTED, "other/plugin.json"),
            ["includesnested/nested-plugins-not-declared"]
        );
        let panel = br#"{"type":"panel","id":"acme-weather-panel"}"#;
        assert_eq!(
            nested_found(APP, panel, "datasource/plugin.json"),
            ["includesnested/nested-plugin-type-missmatch"]
        );
        assert_eq!(
            nested_found(APP, b"{", "datasource/plugin.json"),
            ["nestedmetadata/invalid-metadata"]
        );
        let ds = br#"{"type":"datasource","id":"acme-weather-datasource"}"#;
        assert_eq!(
            nested_found(ds, NESTED, "datasource/plugin.json"),
            ["includesnested/nested-plugin-id-in-non-app"]
        );
    }
}
