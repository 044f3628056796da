//! `new` from the command line: every variant, every refusal, and the promises about the disk.

use std::fs;

use predicates::prelude::*;
use regex::Regex;
use serde_json::Value;

use crate::support::{stderr_of, stdout_of, tree, words, Expect, Scratch, VARIANTS};

fn read_json(path: &std::path::Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// plugin.json must satisfy the reference (seed 002) for every variant.
#[test]
fn every_variant_has_a_valid_plugin_json() {
    let id_pattern = Regex::new(r"^[0-9a-z]+\-([0-9a-z]+\-)?(app|panel|datasource)$").unwrap();
    let version_pattern =
        Regex::new(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)|(%VERSION%)$").unwrap();
    let updated_pattern = Regex::new(r"^(\d{4}-\d{2}-\d{2}|%TODAY%)$").unwrap();
    let dependency_pattern =
        Regex::new(r"^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x\*]+)?(\.[0-9x\*]+)?").unwrap();
    for &(kind, backend) in VARIANTS {
        let scratch = Scratch::new();
        let root = scratch.generate(kind, backend);
        let json = read_json(&root.join("src/plugin.json"));
        let id = json["id"].as_str().unwrap();
        let plugin_type = json["type"].as_str().unwrap();
        assert!(id_pattern.is_match(id), "{kind}: id {id}");
        assert!(id.ends_with(plugin_type), "{kind}: {id} vs {plugin_type}");
        assert!(["app", "datasource", "panel"].contains(&plugin_type));
        assert_eq!(json["name"], "Weather");
        assert!(version_pattern.is_match(json["info"]["version"].as_str().unwrap()));
        assert!(updated_pattern.is_match(json["info"]["updated"].as_str().unwrap()));
        let dependency = json["dependencies"]["grafanaDependency"]
            .as_str()
            .expect("grafanaDependency is required");
        assert!(dependency_pattern.is_match(dependency), "{dependency}");
        assert_eq!(json["info"]["author"]["name"], "Acme");
        match backend {
            true => {
                assert_eq!(json["backend"], true, "{kind}");
                assert_eq!(json["executable"], "gpx_weather", "{kind}");
            }
            false => {
                assert!(
                    json.get("executable").is_none(),
                    "{kind}: executable without backend"
                );
                assert_ne!(json.get("backend"), Some(&Value::Bool(true)), "{kind}");
            }
        }
    }
}

/// A Scenes app named `scenes` lists the word once among its keywords. (Names equal to a plugin
/// type, such as `app`, are refused.)
#[test]
fn keywords_name_each_word_once() {
    for (name, keywords) in [
        ("scenes", vec!["app", "scenes"]),
        ("weather", vec!["app", "scenes", "weather"]),
    ] {
        let scratch = Scratch::new();
        let root = scratch.generate_as("scenesapp", false, name, "acme");
        let json = read_json(&root.join("src/plugin.json"));
        assert_eq!(
            json["info"]["keywords"],
            serde_json::json!(keywords),
            "{name}"
        );
    }
}

#[test]
fn every_variant_has_the_files_grafana_tooling_expects() {
    for &(kind, backend) in VARIANTS {
        let scratch = Scratch::new();
        let root = scratch.generate(kind, backend);
        for path in [
            "package.json",
            ".gitignore",
            ".nvmrc",
            "README.md",
            "CHANGELOG.md",
            "LICENSE",
            "docker-compose.yaml",
            "src/plugin.json",
            "src/img/logo.svg",
            ".config/.cgprc.json",
            ".github/workflows/ci.yml",
            "tsconfig.json",
            "jest.config.js",
            "eslint.config.mjs",
            ".config/webpack/webpack.config.ts",
            "playwright.config.ts",
        ] {
            assert!(
                root.join(path).is_file(),
                "{kind} (backend {backend}) lacks {path}"
            );
        }
        let module = ["src/module.ts", "src/module.tsx"]
            .iter()
            .any(|m| root.join(m).is_file());
        assert!(module, "{kind}: no src/module.ts(x)");
        assert!(
            root.join("provisioning").is_dir(),
            "{kind}: no provisioning/"
        );
        assert_eq!(
            root.join("Cargo.toml").is_file(),
            backend,
            "{kind}: Cargo.toml iff backend"
        );
        assert_eq!(
            root.join("pkg/main.rs").is_file(),
            backend,
            "{kind}: pkg/main.rs iff backend"
        );
        let package = read_json(&root.join("package.json"));
        for script in [
            "build",
            "dev",
            "test",
            "test:ci",
            "typecheck",
            "lint",
            "lint:fix",
            "e2e",
            "server",
            "sign",
        ] {
            assert!(
                package["scripts"][script].is_string(),
                "{kind}: npm script {script} missing"
            );
        }
        let text: String = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.file_name() == "package.json")
            .map(|e| fs::read_to_string(e.path()).unwrap())
            .collect();
        assert!(
            !text.contains("git+") && !text.contains("github.com/") && !text.contains(".tgz"),
            "{kind}: package.json must use the npm registry only"
        );
    }
}

#[test]
fn backend_manifests_name_the_executable() {
    for &(kind, backend) in VARIANTS.iter().filter(|v| v.1) {
        let scratch = Scratch::new();
        let root = scratch.generate(kind, backend);
        let manifest: toml::Table = fs::read_to_string(root.join("Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let bins = manifest["bin"].as_array().unwrap();
        assert_eq!(bins[0]["name"].as_str(), Some("gpx_weather"));
        assert_eq!(bins[0]["path"].as_str(), Some("pkg/main.rs"));
        assert!(manifest["dependencies"]["grafana-plugin-sdk"]
            .to_string()
            .contains("0.5"));
        let release = &manifest["profile"]["release"];
        assert_eq!(release["lto"].as_bool(), Some(true), "{kind}");
        assert_eq!(release["codegen-units"].as_integer(), Some(1), "{kind}");
        assert_eq!(release["strip"].as_bool(), Some(true), "{kind}");
    }
}

#[test]
fn yaml_files_parse() {
    for &(kind, backend) in VARIANTS {
        let scratch = Scratch::new();
        let root = scratch.generate(kind, backend);
        for entry in walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yml" | "yaml")
            ) {
                let text = fs::read_to_string(path).unwrap();
                serde_norway::from_str::<serde_norway::Value>(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
        }
    }
}

#[test]
fn free_text_survives_every_parser() {
    let scratch = Scratch::new();
    let text = "A \"quoted\" \\ back\\slash {{braces}} 'single' ünïcödé";
    scratch
        .run("new --type datasource --backend --name weather --org acme --no-git")
        .args(["--description", text, "--author", text])
        .succeeds();
    let root = scratch.path().join("acme-weather-datasource");
    let plugin = read_json(&root.join("src/plugin.json"));
    assert_eq!(plugin["info"]["description"], text);
    assert_eq!(plugin["info"]["author"]["name"], text);
    let package = read_json(&root.join("package.json"));
    assert_eq!(package["description"], text);
    let manifest: toml::Table = fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(manifest["package"]["description"].as_str(), Some(text));
}

#[test]
fn same_answers_give_the_same_bytes() {
    let first = Scratch::new();
    let second = Scratch::new();
    first.generate("scenesapp", true);
    second.generate("scenesapp", true);
    let (a, b) = (first.tree(), second.tree());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two runs");
    }
}

#[test]
fn dry_run_writes_nothing_and_lists_the_files() {
    let scratch = Scratch::new();
    let output = scratch
        .run("new --type panel --name clock --org acme --dry-run")
        .succeeds()
        .get_output()
        .clone();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("src/plugin.json") && stdout.contains("Would create"),
        "{stdout}"
    );
    assert!(
        scratch.tree().is_empty(),
        "dry run wrote {:?}",
        scratch.tree().keys()
    );
}

#[test]
fn json_output_is_one_object_on_stdout() {
    let scratch = Scratch::new();
    let output = scratch
        .run("new --type app --backend --name weather --org acme --json --no-git")
        .succeeds()
        .get_output()
        .clone();
    let report: Value =
        serde_json::from_slice(&output.stdout).expect("stdout is exactly one JSON value");
    assert_eq!(report["id"], "acme-weather-app");
    assert_eq!(report["kind"], "app");
    assert_eq!(report["type"], "app");
    assert_eq!(report["backend"], true);
    assert_eq!(report["executable"], "gpx_weather");
    assert_eq!(report["directory"], "acme-weather-app");
    let files: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(files.contains(&"src/plugin.json") && files.contains(&"Cargo.toml"));
    let on_disk = tree(&scratch.path().join("acme-weather-app"));
    let on_disk_files: Vec<&String> = on_disk
        .iter()
        .filter(|(_, b)| b.as_slice() != b"<dir>")
        .map(|(p, _)| p)
        .collect();
    assert_eq!(files.len(), on_disk_files.len());
    let steps = report["next_steps"].as_array().unwrap();
    assert!(steps
        .iter()
        .any(|s| s == "create-grafana-plugin build --target linux"));
}

#[test]
fn explicit_directory_is_used() {
    let scratch = Scratch::new();
    scratch
        .run("new my-plugin --type panel --name clock --org acme --no-git")
        .succeeds();
    assert!(scratch.path().join("my-plugin/src/plugin.json").is_file());
}

#[test]
fn create_plugin_flag_spellings_work() {
    let scratch = Scratch::new();
    scratch
        .run("new --plugin-type=datasource --plugin-name=weather --org-name=acme --no-backend --no-git")
        .succeeds();
    assert!(scratch
        .path()
        .join("acme-weather-datasource/src/plugin.json")
        .is_file());
}

#[test]
fn git_init_runs_unless_disabled_or_inside_a_work_tree() {
    crate::support::require_tool("git", "apt-get install -y git");
    let scratch = Scratch::new();
    scratch
        .run("new --type panel --name a --org acme")
        .succeeds();
    assert!(scratch.path().join("acme-a-panel/.git").is_dir());
    scratch
        .run("new --type panel --name b --org acme --no-git")
        .succeeds();
    assert!(!scratch.path().join("acme-b-panel/.git").exists());
    // Inside the first plugin's repository, a nested plugin is not made a repository of its own.
    scratch
        .run_in(
            &scratch.path().join("acme-a-panel"),
            "new --type panel --name c --org acme",
        )
        .succeeds();
    assert!(!scratch
        .path()
        .join("acme-a-panel/acme-c-panel/.git")
        .exists());
}

#[test]
fn force_adds_missing_files_and_never_overwrites() {
    let scratch = Scratch::new();
    let root = scratch.path().join("plugin");
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(root.join("README.md"), "my own readme").unwrap();
    fs::write(root.join("src/plugin.json"), "{\"mine\": true}").unwrap();
    let output = scratch
        .run("new plugin --type panel --name clock --org acme --force --json --no-git")
        .succeeds()
        .get_output()
        .clone();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["README.md", "src/plugin.json"]);
    assert_eq!(
        fs::read_to_string(root.join("README.md")).unwrap(),
        "my own readme"
    );
    assert_eq!(
        fs::read_to_string(root.join("src/plugin.json")).unwrap(),
        "{\"mine\": true}"
    );
    assert!(root.join("package.json").is_file());
}

#[test]
fn the_report_sums_up_and_lists_the_files_only_with_verbose() {
    let scratch = Scratch::new();
    let new = |line: &str| {
        let output = scratch.run(line).output().unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        stdout_of(&output)
    };
    let summary = new("new --type panel --name clock --org acme --no-git plugin-a");
    assert!(
        !summary.contains("src/plugin.json") && summary.contains("--verbose lists them"),
        "{summary}"
    );
    assert!(summary.contains("Next steps:"), "{summary}");
    assert!(scratch.path().join("plugin-a/src/plugin.json").is_file());
    let listed = new("new --type panel --name clock --org acme --no-git --verbose plugin-b");
    assert!(
        listed.contains("+ src/plugin.json") && listed.contains("+ package.json"),
        "{listed}"
    );
    assert!(!listed.contains("--verbose lists them"), "{listed}");
}

#[test]
fn force_says_which_kept_files_the_next_steps_use() {
    let scratch = Scratch::new();
    let root = scratch.path().join("plugin");
    fs::create_dir_all(&root).unwrap();
    fs::write(root.join("package.json"), "{\"name\": \"mine\"}").unwrap();
    fs::write(root.join("docker-compose.yaml"), "services: {}\n").unwrap();
    fs::write(root.join("README.md"), "my own readme").unwrap();
    let output = scratch
        .run("new plugin --type app --backend --name clock --org acme --force --no-git")
        .output()
        .unwrap();
    let stdout = stdout_of(&output);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let steps = stdout.split_once("Next steps:").expect("next steps").1;
    for note in [
        "Kept your package.json: `npm install` and `npm run dev` use it as it is.",
        "Kept your docker-compose.yaml: `docker compose up` runs it as it is.",
    ] {
        assert!(steps.contains(note), "{note:?} missing from {stdout}");
    }
    // A kept README changes none of the steps, so it is not worth a note.
    assert!(!steps.contains("README.md"), "{stdout}");
    assert!(stdout.contains("3 existing files kept"), "{stdout}");
}

#[test]
fn without_a_terminal_the_help_repeats_the_command_with_what_was_given() {
    let scratch = Scratch::new();
    scratch
        .run("new out --type datasource --backend --no-git")
        .fails(
            2,
            "help: create-grafana-plugin new out --type datasource --backend --name <NAME> --org \
             <ORG> --no-git",
        );
    assert!(scratch.tree().is_empty());
}

#[test]
fn an_empty_existing_directory_is_filled() {
    let scratch = Scratch::new();
    fs::create_dir(scratch.path().join("empty")).unwrap();
    scratch
        .run("new empty --type panel --name clock --org acme --no-git")
        .succeeds();
    assert!(scratch.path().join("empty/src/plugin.json").is_file());
}

#[test]
fn the_answers_are_recorded_for_later_updates() {
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", true);
    let record = read_json(&root.join(".config/.cgprc.json"));
    assert_eq!(record["createGrafanaPlugin"], env!("CARGO_PKG_VERSION"));
    assert_eq!(record["answers"]["type"], "datasource");
    assert_eq!(record["answers"]["backend"], true);
    assert_eq!(record["answers"]["name"], "weather");
    assert_eq!(record["answers"]["org"], "acme");
}

#[test]
fn help_lists_the_flags_under_headings() {
    let scratch = Scratch::new();
    scratch.run("new --help").succeeds().stdout(
        predicate::str::contains("Plugin:")
            .and(predicate::str::contains("Behaviour:"))
            .and(predicate::str::contains("--plugin-type")),
    );
}

/// Two `new` runs racing for one directory: exactly one wins, the other refuses, and the tree is
/// the winner's, byte for byte.
#[test]
fn concurrent_runs_for_one_directory_never_mix() {
    let reference = Scratch::new();
    let expected = crate::support::tree(&reference.generate_as("panel", false, "race", "acme"));
    for round in 0..8 {
        let scratch = Scratch::new();
        let spawn = || {
            scratch
                .std_cmd()
                .args(words(
                    "new --no-git --type panel --no-backend --name race --org acme",
                ))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let children = [spawn(), spawn()];
        let outputs: Vec<_> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let codes: Vec<Option<i32>> = outputs.iter().map(|o| o.status.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(sorted, [Some(0), Some(2)], "round {round}: {codes:?}");
        let loser = outputs.iter().find(|o| o.status.code() == Some(2)).unwrap();
        let said = String::from_utf8_lossy(&loser.stderr);
        assert!(
            said.contains("already exists") || said.contains("created by something else"),
            "round {round}: {said}"
        );
        let root = scratch.path().join("acme-race-panel");
        assert_eq!(
            crate::support::tree(&root),
            expected,
            "round {round}: mixed tree"
        );
        let entries = std::fs::read_dir(scratch.path()).unwrap().count();
        assert_eq!(entries, 1, "round {round}: staging left behind");
    }
}

/// `create-grafana-plugin new --json … | head -c 10`: a reader that stops early closes the pipe.
/// The plugin is made all the same, and `new` ends as it would have, without a panic.
#[test]
fn a_reader_that_closes_stdout_early_gets_no_panic() {
    for line in [
        "new --no-git --type panel --no-backend --name pipe --org acme --json",
        "new --no-git --type panel --no-backend --name pipe --org acme",
    ] {
        let scratch = Scratch::new();
        // Closed before `new` has written the plugin, so its first write to stdout fails.
        scratch.succeeds_with_stdout_closed(scratch.path(), line);
        assert!(scratch
            .path()
            .join("acme-pipe-panel/src/plugin.json")
            .is_file());
    }
}
