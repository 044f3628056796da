//! `add backend` on plugins without one, checked file by file without building anything: on
//! plugins `new` made, the result is what `new --backend` writes; on others, only what the
//! backend needs is added and the user's files keep their bytes.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

use crate::support::{assert_same_tree, json_of, tree, Expect, Scratch};

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn a_frontend_plugin_made_by_new_becomes_what_new_backend_writes() {
    for kind in ["datasource", "app", "scenesapp"] {
        let scratch = Scratch::new();
        let frontend = scratch.generate(kind, false);
        scratch.run_in(&frontend, "add backend").succeeds().stdout(
            contains("Added a Rust backend to acme-weather-")
                .and(contains("+ Cargo.toml"))
                .and(contains("Left for you to change").not()),
        );
        let reference = Scratch::new();
        let backend = reference.generate(kind, true);
        assert_eq!(
            tree(&frontend).keys().collect::<Vec<_>>(),
            tree(&backend).keys().collect::<Vec<_>>(),
            "{kind}"
        );
        for (path, bytes) in tree(&backend) {
            assert!(
                tree(&frontend)[&path] == bytes,
                "{kind}: {path} differs from new --backend's"
            );
        }
    }
}

#[test]
fn files_the_user_changed_are_kept_and_listed() {
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", false);
    let mine = "// my own data source\n";
    fs::write(root.join("src/datasource.ts"), mine).unwrap();
    fs::write(root.join("README.md"), "# Mine\n").unwrap();
    let added = scratch.run_in(&root, "add backend --json").succeeds();
    let report = json_of(added.get_output());
    assert_eq!(
        fs::read_to_string(root.join("src/datasource.ts")).unwrap(),
        mine
    );
    let manual = report["manual"].as_array().unwrap();
    assert_eq!(manual.len(), 1, "{report:#}");
    assert_eq!(manual[0]["path"], "src/datasource.ts");
    assert!(
        manual[0]["change"].as_str().unwrap().contains(
            "`create-grafana-plugin new --type datasource --backend --name weather --org acme`"
        ),
        "{report:#}"
    );
    // A README of the user's own gets the backend's section appended, once.
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.starts_with("# Mine\n\n## Backend (Rust)\n"),
        "{readme}"
    );
    assert!(readme.contains("does not accept a plugin with a Rust backend"));
    assert!(strings(&report["changed"]).contains(&"src/datasource.test.ts"));
    let record: Value =
        serde_json::from_str(&fs::read_to_string(root.join(".config/.cgprc.json")).unwrap())
            .unwrap();
    assert_eq!(record["answers"]["backend"], true);
}

#[test]
fn dry_run_reports_what_the_run_does_and_writes_nothing() {
    let scratch = Scratch::new();
    let root = scratch.generate("app", false);
    let before = tree(&root);
    let dry = scratch
        .run_in(&root, "add backend --dry-run --json")
        .succeeds();
    let dry = json_of(dry.get_output());
    assert_same_tree(&tree(&root), &before);
    assert_eq!(dry["dry_run"], true);
    scratch
        .run_in(&root, "add backend --dry-run")
        .succeeds()
        .stdout(contains("Would add a Rust backend").and(contains("Next steps").not()));
    assert_same_tree(&tree(&root), &before);

    let real = scratch.run_in(&root, "add backend --json").succeeds();
    let real = json_of(real.get_output());
    for key in [
        "id",
        "kind",
        "type",
        "executable",
        "files",
        "changed",
        "manual",
    ] {
        assert_eq!(dry[key], real[key], "{key}");
    }
    assert_eq!(real["id"], "acme-weather-app");
    assert_eq!(real["kind"], "app");
    assert_eq!(real["backend"], true);
    assert_eq!(real["executable"], "gpx_weather");
    assert_eq!(real["made_by_this_tool"], true);
    assert!(strings(&real["files"]).contains(&"pkg/main.rs"));
    assert_eq!(
        strings(&real["next_steps"]),
        [
            "create-grafana-plugin build --target linux",
            "create-grafana-plugin check",
            "docker compose up"
        ]
    );
}

/// A data source made by hand: tabs, CRLF, a README and a provisioning file of its own.
fn hand_made(root: &Path) {
    fs::create_dir_all(root.join("src")).unwrap();
    fs::create_dir_all(root.join("provisioning/datasources")).unwrap();
    fs::write(
        root.join("src/plugin.json"),
        "{\r\n\t\"type\": \"datasource\",\r\n\t\"name\": \"Weather\",\r\n\t\"id\": \"acme-weather-datasource\",\r\n\t\"info\": {\"version\": \"1.0.0\"}\r\n}\r\n",
    )
    .unwrap();
    fs::write(root.join("README.md"), "# Weather").unwrap();
    fs::create_dir_all(root.join(".github/workflows")).unwrap();
    fs::write(root.join(".github/workflows/ci.yml"), "name: CI\n").unwrap();
    fs::write(
        root.join("provisioning/datasources/datasources.yml"),
        "apiVersion: 1\n",
    )
    .unwrap();
}

#[test]
fn a_plugin_made_elsewhere_gains_the_backend_files_and_keeps_its_own() {
    let scratch = Scratch::new();
    let root = scratch.path().join("weather");
    hand_made(&root);
    let before = tree(&root);
    // From the folder above, naming the plugin's: the directory argument.
    let added = scratch.run("add backend weather --json").succeeds();
    let report = json_of(added.get_output());
    let after = tree(&root);

    let plugin_json = String::from_utf8(after["src/plugin.json"].clone()).unwrap();
    assert_eq!(
        plugin_json,
        "{\r\n\t\"type\": \"datasource\",\r\n\t\"name\": \"Weather\",\r\n\t\"id\": \"acme-weather-datasource\",\r\n\t\"backend\": true,\r\n\t\"executable\": \"gpx_weather\",\r\n\t\"info\": {\"version\": \"1.0.0\"}\r\n}\r\n"
    );
    let readme = String::from_utf8(after["README.md"].clone()).unwrap();
    assert!(
        readme.starts_with("# Weather\n\n## Backend (Rust)\n"),
        "{readme}"
    );
    assert!(readme.contains("create-grafana-plugin build --target linux"));
    assert_eq!(
        after["provisioning/datasources/datasources.yml"],
        before["provisioning/datasources/datasources.yml"]
    );

    // The backend's own files are new --backend's for the same id, except Cargo.toml's
    // description, which comes from plugin.json, and the workflow (below).
    let reference = Scratch::new();
    let generated = tree(&reference.generate("datasource", true));
    let added: BTreeMap<&String, &Vec<u8>> = after
        .iter()
        .filter(|(path, _)| !before.contains_key(*path))
        .collect();
    for (path, bytes) in &added {
        if !["Cargo.toml", ".github/workflows/backend.yml"].contains(&path.as_str()) {
            assert!(
                generated.get(*path) == Some(*bytes) || *bytes == b"<dir>",
                "{path} differs from new --backend's"
            );
        }
    }
    // The backend's checks run in a workflow of their own, the job new's ci.yml has.
    let workflow = crate::support::read_workflow(&root.join(".github/workflows/backend.yml"));
    let ci = crate::support::read_workflow(
        &reference
            .path()
            .join("acme-weather-datasource/.github/workflows/ci.yml"),
    );
    assert_eq!(workflow["jobs"]["backend"], ci["jobs"]["backend"]);
    assert_eq!(workflow["jobs"].as_object().unwrap().len(), 1);
    assert_eq!(
        after[".github/workflows/ci.yml"],
        before[".github/workflows/ci.yml"]
    );
    let files = strings(&report["files"]);
    for path in [
        ".github/workflows/backend.yml",
        "Cargo.toml",
        "Cargo.lock",
        "rust-toolchain.toml",
        "pkg/main.rs",
        "pkg/query.rs",
        ".vscode/launch.json",
    ] {
        assert!(files.contains(&path), "{path} not added: {files:?}");
    }
    assert_eq!(
        strings(&report["changed"]),
        ["README.md", "src/plugin.json"]
    );
    assert_eq!(report["made_by_this_tool"], false);
    let manual: Vec<&str> = report["manual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        manual,
        [
            "provisioning/datasources/datasources.yml",
            "src/datasource.ts",
            ".github/workflows/",
            ".gitignore"
        ],
        "{report:#}"
    );
    assert!(report["manual"][0]["change"]
        .as_str()
        .unwrap()
        .contains("reads path and apiKey"));
}

#[test]
fn a_record_of_another_id_is_not_taken_for_this_plugin() {
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", false);
    let manifest = root.join("src/plugin.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace("acme-weather-datasource", "acme-rain-datasource"),
    )
    .unwrap();
    let before = tree(&root);
    let added = scratch.run_in(&root, "add backend --json").succeeds();
    let report = json_of(added.get_output());
    // Handled as a plugin made elsewhere: nothing of new's is replaced, the backend is named
    // after the id plugin.json has now.
    assert_eq!(report["made_by_this_tool"], false);
    assert_eq!(report["executable"], "gpx_rain");
    assert_eq!(
        strings(&report["changed"]),
        ["README.md", "src/plugin.json"]
    );
    let after = tree(&root);
    assert_eq!(after[".config/.cgprc.json"], before[".config/.cgprc.json"]);
    assert_eq!(after["src/datasource.ts"], before["src/datasource.ts"]);
    let cargo = String::from_utf8(after["Cargo.toml"].clone()).unwrap();
    assert!(cargo.contains("name = \"gpx_rain\""), "{cargo}");
}

/// Ctrl-C between two files: exit 130 and every file as it was, on a data source `new` made.
#[test]
fn ctrl_c_halfway_leaves_every_file_as_it_was() {
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", false);
    let before = tree(&root);
    assert_eq!(scratch.interrupt_halfway(&root, "add backend"), Some(130));
    assert_same_tree(&tree(&root), &before);
}

/// `create-grafana-plugin add backend --json | head -c 10`: a reader that stops early closes the
/// pipe. The backend is added all the same, and the exit status is the command's own.
#[test]
fn a_reader_that_closes_stdout_early_gets_no_error() {
    for line in ["add backend --json", "add backend"] {
        let scratch = Scratch::new();
        let root = scratch.generate("datasource", false);
        // Closed before the report is written, so its first write to stdout fails.
        scratch.succeeds_with_stdout_closed(&root, line);
        assert!(root.join("Cargo.toml").is_file(), "{line}");
    }
}
