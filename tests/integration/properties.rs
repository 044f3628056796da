//! Properties over arbitrary input: names either make a valid plugin id or a clear error, and
//! free text survives every file format it is rendered into.

use std::path::PathBuf;

use create_grafana_plugin::{plan, Answers, PlannedFile, PluginId, PluginKind, PluginName};
use proptest::prelude::*;
use regex::Regex;

fn id_pattern() -> Regex {
    Regex::new(r"^[0-9a-z]+\-([0-9a-z]+\-)?(app|panel|datasource)$").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_name_and_org_give_a_valid_id_or_a_helpful_error(name in "\\PC{0,12}|[a-z0-9]{1,12}", org in "\\PC{0,12}|[a-z0-9]{1,12}") {
        match (PluginName::name(&name), PluginName::org(&org)) {
            (Ok(name), Ok(org)) => {
                for kind in PluginKind::ALL {
                    let id = PluginId { org: org.clone(), name: name.clone(), kind }.to_string();
                    prop_assert!(id_pattern().is_match(&id), "{id}");
                }
            }
            (Err(error), _) | (_, Err(error)) => {
                let text = error.to_string();
                prop_assert!(text.contains("help:"), "{text}");
                if let Some(suggestion) = error.suggestion() {
                    prop_assert!(PluginName::name(&suggestion).is_ok() || PluginName::org(&suggestion).is_ok(), "{suggestion}");
                }
            }
        }
    }
}

fn answers(description: &str, author: &str) -> Answers {
    Answers {
        id: PluginId {
            org: PluginName::org("acme").unwrap(),
            name: PluginName::name("weather").unwrap(),
            kind: PluginKind::Datasource,
        },
        backend: true,
        description: description.to_owned(),
        author: author.to_owned(),
        dir: PathBuf::from("acme-weather-datasource"),
    }
}

fn file<'a>(files: &'a [PlannedFile], path: &str) -> &'a str {
    let found = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    std::str::from_utf8(&found.contents).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn free_text_is_held_unchanged_by_every_parser(
        description in "(\\PC|[\"\\\\{}\\n\\t'`$#:])*",
        author in "(\\PC|[\"\\\\{}\\n'])*",
    ) {
        let planned = plan(&answers(&description, &author)).unwrap();
        let files = &planned.files;
        let plugin: serde_json::Value = serde_json::from_str(file(files, "src/plugin.json")).unwrap();
        prop_assert_eq!(plugin["info"]["description"].as_str(), Some(description.as_str()));
        prop_assert_eq!(plugin["info"]["author"]["name"].as_str(), Some(author.as_str()));
        let package: serde_json::Value = serde_json::from_str(file(files, "package.json")).unwrap();
        prop_assert_eq!(package["description"].as_str(), Some(description.as_str()));
        prop_assert_eq!(package["author"].as_str(), Some(author.as_str()));
        let manifest: toml::Table = file(files, "Cargo.toml").parse().unwrap();
        prop_assert_eq!(manifest["package"]["description"].as_str(), Some(description.as_str()));
        let record: serde_json::Value = serde_json::from_str(file(files, ".config/.cgprc.json")).unwrap();
        prop_assert_eq!(record["answers"]["description"].as_str(), Some(description.as_str()));
        for yaml in files.iter().filter(|f| f.path.ends_with(".yml") || f.path.ends_with(".yaml")) {
            let text = std::str::from_utf8(&yaml.contents).unwrap();
            prop_assert!(serde_norway::from_str::<serde_json::Value>(text).is_ok(), "{}", yaml.path);
        }
    }
}

/// The generated data source backend, built once (debug, shared target) for the property below.
fn datasource_backend() -> &'static (crate::support::Scratch, PathBuf, PathBuf) {
    static BUILT: std::sync::OnceLock<(crate::support::Scratch, PathBuf, PathBuf)> =
        std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let scratch = crate::support::Scratch::new();
        let root = scratch.generate_as("datasource", true, "fuzzed", "acme");
        let target = crate::support::shared_cargo_target();
        let status = std::process::Command::new("cargo")
            .args(["build", "--quiet"])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .unwrap();
        assert!(status.success(), "the generated backend did not build");
        (scratch, root, target.join("debug/gpx_fuzzed"))
    })
}

/// Any JSON at all: what a broken frontend, an old dashboard or a hand-edited provisioning file
/// may send.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::from),
    ];
    let keys = prop_oneof![
        Just("queryText".to_owned()),
        Just("constant".to_owned()),
        Just("path".to_owned()),
        Just("refId".to_owned()),
        "[a-zA-Z]{1,8}",
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..4).prop_map(|map| json!(map)),
        ]
    })
}

/// Any JSON object, with anything at `key` when the value drawn is not one: Grafana sends query
/// models and jsonData as objects (and `check` refuses anything else), whatever is inside.
fn any_object(key: &'static str) -> impl Strategy<Value = serde_json::Value> {
    any_json().prop_map(move |value| match value {
        object @ serde_json::Value::Object(_) => object,
        other => serde_json::json!({ key: other }),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the query model and jsonData, the backend neither crashes nor drops the query:
    /// it answers with frames or with an error for that refId.
    #[test]
    fn the_backend_answers_any_query_with_data_or_an_error(query in any_object("queryText"), json_data in any_object("path")) {
        let (scratch, root, exe) = datasource_backend();
        let output = scratch
            .run_in(root, "check --json --timeout 20 --secure apiKey=k --exe")
            .arg(exe)
            .args(["--query", &query.to_string(), "--json-data", &json_data.to_string()])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout)
            .map_err(|e| TestCaseError::fail(format!("no report ({e}): {}", String::from_utf8_lossy(&output.stderr))))?;
        let step = |name: &str| report["steps"].as_array().unwrap().iter().find(|s| s["step"] == name).cloned();
        prop_assert_eq!(&step("handshake").unwrap()["status"], "passed");
        let answer = step("QueryData").unwrap();
        let detail = answer["detail"].as_str().unwrap();
        let answered = (answer["status"] == "passed" && detail.contains("frame(s)"))
            || detail.starts_with("refId A: ");
        prop_assert!(answered, "query {} with jsonData {}: {}", query, json_data, detail);
        let said = report.to_string();
        prop_assert!(!said.contains("panicked"), "the plugin panicked: {}", said);
        // It still answers afterwards: the process survived the query.
        prop_assert!(step("CollectMetrics").is_some_and(|s| s["status"] == "passed"), "{}", said);
    }
}
