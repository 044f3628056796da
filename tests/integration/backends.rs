//! Every generated backend is real Rust: it compiles, passes its own tests and clippy.
//! All variants share one CARGO_TARGET_DIR so grafana-plugin-sdk is compiled once per run.

use std::process::Command;

use crate::support::{require_tool, shared_cargo_target, stderr_of, stdout_of, Scratch, VARIANTS};

fn cargo(root: &std::path::Path, args: &[&str]) {
    let output = Command::new("cargo")
        .args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", shared_cargo_target())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("running cargo {args:?}: {e}"));
    assert!(
        output.status.success(),
        "cargo {args:?} failed in {}\n--- stdout\n{}\n--- stderr\n{}",
        root.display(),
        stdout_of(&output),
        stderr_of(&output)
    );
}

#[test]
fn every_generated_backend_builds_tests_and_passes_clippy() {
    require_tool("cargo", "https://rustup.rs (rustup installs cargo)");
    for &(kind, backend) in VARIANTS.iter().filter(|v| v.1) {
        let scratch = Scratch::new();
        let root = scratch.generate(kind, backend);
        cargo(&root, &["test", "--locked", "--quiet"]);
        cargo(
            &root,
            &[
                "clippy",
                "--locked",
                "--all-targets",
                "--quiet",
                "--",
                "-D",
                "warnings",
            ],
        );
        cargo(&root, &["fmt", "--check"]);
    }
}
