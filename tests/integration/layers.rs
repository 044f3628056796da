//! scripts/check-layers keeps the module floors README.md describes: no command refers to
//! another, arrows point down, no import cycles. It runs on src/ here, and on a small made-up
//! tree that breaks every rule in every way the script claims to see.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{require_tool, stderr_of, stdout_of, Scratch};

fn check_layers(src: &Path) -> Output {
    let python = require_tool("python3", "apt-get install python3");
    Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check-layers"))
        .arg(src)
        .output()
        .expect("run scripts/check-layers")
}

#[test]
fn src_keeps_its_layers() {
    let output = check_layers(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        output.status.success(),
        "scripts/check-layers:\n{}{}",
        stdout_of(&output),
        stderr_of(&output)
    );
    assert!(
        stdout_of(&output).contains("no cycles"),
        "{}",
        stdout_of(&output)
    );
}

/// Files of a tree that breaks the rules; each broken line says which rule in a comment.
const BROKEN: &[(&str, &str)] = &[
    ("lib.rs", "pub mod build;\npub mod dev;\npub mod new;\npub mod package;\npub mod error;\npub mod plugin;\npub mod grafana;\n"),
    ("build/mod.rs", "pub const DIST: &str = \"dist\";\n"),
    ("check/mod.rs", "pub mod client;\n"),
    ("check/client.rs", "pub fn call() {}\n"),
    (
        "dev/mod.rs",
        // A plain `use` of another command.
        "mod backend;\nuse crate::build::DIST;\n// crate::new::ignored() in a comment\nconst S: &str = \"crate::package::ignored\";\n",
    ),
    // `super::super` climbing out of `dev` into `check`.
    ("dev/backend.rs", "use super::super::check::client;\n"),
    (
        "package/mod.rs",
        // A fully qualified path inline, in a grouped expression.
        "fn f(p: &std::path::Path) { let _ = (1, crate::new::writable(p)); }\n",
    ),
    ("new/mod.rs", "mod write;\npub(crate) use write::writable;\n"),
    ("new/write.rs", "pub fn writable(_: &std::path::Path) {}\n"),
    // A cycle seen only through a re-export, with a macro in between.
    (
        "error.rs",
        "#[macro_export]\nmacro_rules! bad_input { () => { $crate::error::Bad }; }\npub struct Bad;\nfn f(e: &crate::plugin::NameError) {}\n",
    ),
    ("plugin/mod.rs", "mod id;\nmod manifest;\npub use id::NameError;\n"),
    ("plugin/id.rs", "pub struct NameError;\n"),
    ("plugin/manifest.rs", "use crate::{bad_input, plugin::NameError as _};\n"),
    // The domain reaching up into a shared layer, from inside a test module.
    ("target.rs", "#[cfg(test)]\nmod tests {\n    use crate::grafana::launch;\n}\n"),
    ("grafana/mod.rs", "pub fn launch() {}\n"),
];

#[test]
fn a_tree_that_breaks_the_layers_fails_with_every_break_named() {
    let scratch = Scratch::new();
    let src = scratch.path().join("src");
    for (path, text) in BROKEN {
        let path = src.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let output = check_layers(&src);
    let stdout = stdout_of(&output);
    assert!(!output.status.success(), "passed:\n{stdout}");
    for expected in [
        "src/dev/mod.rs:2: command `dev` refers to command `build` (build)",
        "src/dev/backend.rs:1: command `dev` refers to command `check` (check::client)",
        "src/package/mod.rs:1: command `package` refers to command `new` (new::write)",
        "import cycle among error, plugin:",
        "error -> plugin (src/error.rs:4)",
        "plugin -> error (src/plugin/manifest.rs:1)",
        "src/target.rs:3: `target` (domain/infrastructure) refers up to `grafana` (a shared layer)",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(
        !stdout.contains("ignored"),
        "comments and strings count:\n{stdout}"
    );
    assert!(
        stderr_of(&output).contains("5 problem(s)"),
        "{}",
        stderr_of(&output)
    );
}
