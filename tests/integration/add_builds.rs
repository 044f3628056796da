//! `add backend`, then `build --target linux` and `check`, as for a freshly generated backend:
//! on a data source and an app `new` made without one, and on a data source made by
//! `@grafana/create-plugin` 7.1.7 (from npm, the version scripts/bench compares with).

use std::path::{Path, PathBuf};
use std::process::Command;

use predicates::str::contains;

use crate::support::{
    actionlint, json_of, require_tool, shared_cargo_target, shellcheck_run_blocks, succeeded,
    Expect, Scratch,
};

const CREATE_PLUGIN: &str = "@grafana/create-plugin@7.1.7";

/// The same steps a user takes after adding the backend.
fn builds_and_checks(scratch: &Scratch, root: &Path, name: &str) {
    scratch.run_in(root, "add backend").succeeds();
    let exe = format!("dist/gpx_{name}_linux_amd64");
    scratch
        .run_in(root, "build --target linux")
        .env("CARGO_TARGET_DIR", shared_cargo_target())
        .succeeds()
        .stdout(contains(exe.as_str()));
    assert!(root.join(&exe).is_file());
    let check = scratch
        .run_in(root, "check --json --timeout 60 --resource ping")
        .env("CARGO_TARGET_DIR", shared_cargo_target())
        .succeeds();
    let report = json_of(check.get_output());
    assert_eq!(report["passed"], true, "{report:#}");
}

#[test]
fn a_data_source_and_an_app_made_by_new_build_and_pass_check_after_add_backend() {
    for kind in ["datasource", "app"] {
        let scratch = Scratch::new();
        // Names of their own, so executables never share a path in the shared target.
        let name = format!("{kind}added");
        let root = scratch.generate_as(kind, false, &name, "acme");
        builds_and_checks(&scratch, &root, &name);
    }
}

/// create-plugin from npm, in a folder of its own; returns the path of its command.
fn install_create_plugin(scratch: &Scratch) -> PathBuf {
    let npm = require_tool(
        "npm",
        "scripts/test (it puts Node.js >= 22 into target/tools/node)",
    );
    let prefix = scratch.path().join("create-plugin");
    succeeded(
        Command::new(npm)
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .arg("--prefix")
            .arg(&prefix)
            .arg(CREATE_PLUGIN),
    );
    prefix.join("node_modules/.bin/create-plugin")
}

#[test]
fn a_data_source_made_by_create_plugin_builds_and_passes_check_after_add_backend() {
    let scratch = Scratch::new();
    let create_plugin = install_create_plugin(&scratch);
    succeeded(
        Command::new(&create_plugin)
            .current_dir(scratch.path())
            .args([
                "--plugin-type=datasource",
                "--plugin-name=cpadded",
                "--org-name=acme",
                "--no-backend",
            ])
            .stdin(std::process::Stdio::null()),
    );
    let root = scratch.path().join("acme-cpadded-datasource");
    let before = std::fs::read_to_string(root.join("src/plugin.json")).unwrap();
    builds_and_checks(&scratch, &root, "cpadded");
    // Exactly create-plugin's own backend layout of plugin.json: two lines before "info".
    let after = std::fs::read_to_string(root.join("src/plugin.json")).unwrap();
    assert_eq!(
        after,
        before.replace(
            "  \"metrics\": true,\n",
            "  \"metrics\": true,\n  \"backend\": true,\n  \"executable\": \"gpx_cpadded\",\n"
        )
    );
    assert!(std::fs::read_to_string(root.join("README.md"))
        .unwrap()
        .contains("## Backend (Rust)"));
    // The backend's own workflow passes actionlint (with shellcheck on its run: blocks), alone,
    // so that findings in create-plugin's workflows do not count.
    let alone = scratch.path().join("backend-workflow");
    std::fs::create_dir_all(alone.join(".github/workflows")).unwrap();
    let workflow = root.join(".github/workflows/backend.yml");
    std::fs::copy(&workflow, alone.join(".github/workflows/backend.yml")).unwrap();
    actionlint(&alone);
    let (blocks, findings) =
        shellcheck_run_blocks("backend.yml", &crate::support::read_workflow(&workflow));
    assert!(blocks > 0 && findings.is_empty(), "{findings:#?}");
}
