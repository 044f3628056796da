//! Properties over arbitrary input: names either make a valid plugin id or a clear error, and
//! free text survives every file format it is rendered into.

use std::path::PathBuf;

use create_grafana_plugin::new::{plan, Answers};
use create_grafana_plugin::plugin::{PluginId, PluginKind, PluginName};
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

fn file<'a>(files: &'a [create_grafana_plugin::new::PlannedFile], path: &str) -> &'a str {
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
