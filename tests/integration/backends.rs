//! Every generated backend is real Rust: it compiles, passes its own tests and clippy.
//! All variants share one CARGO_TARGET_DIR so grafana-plugin-sdk is compiled once per run.

use std::process::Command;

use crate::support::{require_tool, shared_cargo_target, stdout_of, succeeded, Scratch, VARIANTS};

fn cargo(root: &std::path::Path, args: &[&str]) -> String {
    let output = succeeded(
        Command::new("cargo")
            .args(args)
            .current_dir(root)
            .env("CARGO_TARGET_DIR", shared_cargo_target())
            .env_remove("RUSTFLAGS"),
    );
    stdout_of(&output)
}

/// The names of the packages `cargo tree` lists, one per line with `--prefix none`
/// (`name v1.2.3 (...)`).
fn package_names(tree: &str) -> std::collections::BTreeSet<String> {
    tree.lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Our own Cargo.toml adds no second version of a crate: every direct dependency is compiled
/// once. The SDK's own duplicates (its dependencies disagree among themselves) are not ours to fix.
fn assert_no_direct_dependency_is_duplicated(kind: &str, root: &std::path::Path) {
    let tree = [
        "tree",
        "--locked",
        "--offline",
        "-e",
        "normal",
        "--prefix",
        "none",
    ];
    let direct = package_names(&cargo(root, &[&tree[..], &["--depth", "1"]].concat()));
    let duplicated = package_names(&cargo(
        root,
        &[&tree[..], &["--duplicates", "--depth", "0"]].concat(),
    ));
    let ours: Vec<_> = direct.intersection(&duplicated).collect();
    assert!(
        ours.is_empty(),
        "{kind}: our direct dependencies {ours:?} come in two versions (`cargo tree -d`)"
    );
}

#[test]
fn every_generated_backend_builds_tests_and_passes_clippy() {
    require_tool("cargo", "https://rustup.rs (rustup installs cargo)");
    // Organisations chosen so the plugin's own lockfile entry sorts first, last and in between.
    let orgs = ["aaa", "zulu", "mid"];
    for (&(kind, backend), org) in VARIANTS.iter().filter(|v| v.1).zip(orgs) {
        let scratch = Scratch::new();
        let root = scratch.generate_as(kind, backend, &format!("{kind}lock"), org);
        let lock = std::fs::read(root.join("Cargo.lock")).unwrap();
        cargo(&root, &["test", "--locked", "--quiet"]);
        // After the test build, every crate is in cargo's cache: `cargo tree` runs offline.
        assert_no_direct_dependency_is_duplicated(kind, &root);
        let clippy = [
            "clippy",
            "--locked",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ];
        cargo(&root, &clippy);
        cargo(&root, &["fmt", "--check"]);
        // Without --locked, cargo rewrites a lockfile that is stale or out of order; it must not.
        cargo(&root, &["build", "--quiet"]);
        let after = std::fs::read(root.join("Cargo.lock")).unwrap();
        assert!(
            after == lock,
            "{kind}: cargo rewrote the generated Cargo.lock"
        );
    }
}
