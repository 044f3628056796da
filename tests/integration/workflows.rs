//! The GitHub workflows `new` generates: actionlint and shellcheck find nothing in any variant;
//! the release builds every platform with the tool pinned by `.config/.cgprc.json`, and its build
//! and package command lines work here; `rust-toolchain.toml` is the only toolchain they use; the
//! signing token reaches the signing step only; permissions are least privilege; the release
//! notes are the tagged version's section of CHANGELOG.md; frontend-only variants have no Rust.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use create_grafana_plugin::TARGETS;
use serde_json::Value;

use crate::support::{
    actionlint, read_workflow, require_tool, shared_cargo_target, shellcheck_run_blocks, stderr_of,
    stdout_of, workflow_files, Scratch, BIN, VARIANTS,
};

/// Every variant, each under its own id so that they can share one scratch directory.
fn generate_all(scratch: &Scratch) -> Vec<(PathBuf, bool)> {
    VARIANTS
        .iter()
        .map(|&(kind, backend)| {
            let name = if backend {
                "withbackend"
            } else {
                "frontendonly"
            };
            (scratch.generate_as(kind, backend, name, kind), backend)
        })
        .collect()
}

fn workflow(root: &Path, name: &str) -> Value {
    read_workflow(&root.join(".github/workflows").join(name))
}

/// (workflow file, job id, step) for every step of every workflow of a plugin.
fn steps(root: &Path) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for path in workflow_files(root) {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let parsed = read_workflow(&path);
        for (job_id, job) in parsed["jobs"].as_object().expect("jobs") {
            for step in job["steps"].as_array().expect("steps") {
                all.push((file.clone(), job_id.clone(), step.clone()));
            }
        }
    }
    all
}

fn run_of(step: &Value) -> &str {
    step["run"].as_str().unwrap_or_default()
}

/// The one step of `job` whose `run:` starts with `prefix`.
fn step_running<'a>(workflow: &'a Value, job: &str, prefix: &str) -> &'a Value {
    let matching: Vec<&Value> = workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("no job {job}"))
        .iter()
        .filter(|step| run_of(step).starts_with(prefix))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "job {job}: steps running `{prefix}…`: {matching:?}"
    );
    matching[0]
}

fn step_named<'a>(workflow: &'a Value, job: &str, name: &str) -> &'a Value {
    workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("no job {job}"))
        .iter()
        .find(|step| step["name"] == name)
        .unwrap_or_else(|| panic!("job {job} has no step named {name:?}"))
}

#[test]
fn actionlint_and_shellcheck_find_nothing_in_any_variants_workflows() {
    let scratch = Scratch::new();
    let mut findings = Vec::new();
    for (root, _) in generate_all(&scratch) {
        actionlint(&root);
        let mut checked = 0;
        for path in workflow_files(&root) {
            let file = format!(
                "{}/{}",
                root.file_name().unwrap().to_string_lossy(),
                path.file_name().unwrap().to_string_lossy()
            );
            let (blocks, found) = shellcheck_run_blocks(&file, &read_workflow(&path));
            checked += blocks;
            findings.extend(found);
        }
        assert!(checked > 0, "{}: no bash run: blocks", root.display());
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// The arguments of a `create-grafana-plugin …` command line in a `run:` block.
fn tool_args(run: &str) -> Vec<String> {
    let line = run.trim();
    assert!(
        !line.contains('\n') && !line.contains(['"', '\'', '$', '\\']),
        "expected one plain command line: {line:?}"
    );
    let mut words = line.split_whitespace();
    assert_eq!(words.next(), Some(BIN), "{line:?}");
    words.map(str::to_owned).collect()
}

#[test]
fn the_release_builds_the_six_platforms_of_build_target_all_with_the_recorded_tool_version() {
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", true);
    let release = workflow(&root, "release.yml");

    let build = tool_args(run_of(step_running(
        &release,
        "build",
        "create-grafana-plugin build",
    )));
    let targets: Vec<&str> = build
        .windows(2)
        .filter(|pair| pair[0] == "--target")
        .map(|pair| pair[1].as_str())
        .collect();
    let names: Vec<&str> = TARGETS.iter().map(|target| target.name).collect();
    assert!(
        targets == ["all"]
            || targets.iter().copied().collect::<BTreeSet<_>>() == names.iter().copied().collect(),
        "the release builds {targets:?}, not the six platforms {names:?}"
    );
    assert_eq!(names.len(), 6, "{names:?}");
    tool_args(run_of(step_running(
        &release,
        "build",
        "create-grafana-plugin package",
    )));

    // The tool comes at the version the project records, which is this binary's.
    let install = run_of(step_named(
        &release,
        "build",
        "Install create-grafana-plugin",
    ));
    assert!(
        install.contains("jq -r .createGrafanaPlugin .config/.cgprc.json")
            && install.contains("\"create-grafana-plugin@${version}\"")
            && install.contains("--locked"),
        "{install}"
    );
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(".config/.cgprc.json")).expect("read the record"),
    )
    .expect("the record is JSON");
    assert_eq!(record["createGrafanaPlugin"], env!("CARGO_PKG_VERSION"));
}

/// The release's build and package command lines, run here in a generated data source with the
/// binary under test. The release profile is made cheap through the environment (no LTO, no
/// optimisation); the binaries stay stripped, which package checks. npm stays out: the frontend's
/// module.js is a stand-in, which `build` keeps as it keeps whatever dist/ already holds.
#[test]
fn the_release_build_and_package_commands_work_here() {
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", true);
    let release = workflow(&root, "release.yml");
    let build = tool_args(run_of(step_running(
        &release,
        "build",
        "create-grafana-plugin build",
    )));
    let package = tool_args(run_of(step_running(
        &release,
        "build",
        "create-grafana-plugin package",
    )));
    std::fs::create_dir_all(root.join("dist")).unwrap();
    std::fs::write(root.join("dist/module.js"), "define([], function () {});").unwrap();

    let run = |args: &[String]| {
        let started = Instant::now();
        let output = scratch
            .std_cmd()
            .current_dir(&root)
            .args(args)
            // cargo test sets it, and it would override rust-toolchain.toml as CI does not.
            .env_remove("RUSTUP_TOOLCHAIN")
            .env("CARGO_TARGET_DIR", shared_cargo_target())
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .output()
            .expect("run the tool");
        assert!(
            output.status.success(),
            "{BIN} {}:\n{}{}",
            args.join(" "),
            stdout_of(&output),
            stderr_of(&output)
        );
        eprintln!("{BIN} {}: {:.0?}", args.join(" "), started.elapsed());
    };
    run(&build);
    run(&package);

    let id = "acme-weather-datasource";
    let artifacts = root.join("artifacts");
    let mut expected = vec![format!("{id}-1.0.0.zip")];
    for target in TARGETS {
        let suffix = format!("{}_{}", target.os.as_str(), target.arch);
        assert!(
            root.join("dist")
                .join(format!(
                    "gpx_weather_{suffix}{}",
                    if suffix.starts_with("windows") {
                        ".exe"
                    } else {
                        ""
                    }
                ))
                .is_file(),
            "dist/ lacks the {suffix} executable"
        );
        expected.push(format!("{id}-1.0.0.{suffix}.zip"));
    }
    let with_checksums = |zips: &[String]| -> BTreeSet<String> {
        zips.iter()
            .flat_map(|zip| [zip.clone(), format!("{zip}.sha1"), format!("{zip}.sha256")])
            .collect()
    };
    let listed = || -> BTreeSet<String> {
        std::fs::read_dir(&artifacts)
            .expect("read artifacts/")
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(listed(), with_checksums(&expected));

    // A signed release needs no step of its own: package writes only the archive with every
    // platform from a signed dist/ (tests/integration/package.rs).
    let removes = release["jobs"]["build"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .flat_map(|step| run_of(step).lines())
        .any(|line| line.trim_start().starts_with("rm ") && line.contains("artifacts"));
    assert!(!removes, "release.yml removes archives package wrote");
}

#[test]
fn rust_toolchain_toml_pins_what_the_workflows_use() {
    let scratch = Scratch::new();
    let root = scratch.generate("app", true);
    let text = std::fs::read_to_string(root.join("rust-toolchain.toml")).expect("read it");
    let toml: toml::Table = text.parse().expect("rust-toolchain.toml is TOML");
    let toolchain = &toml["toolchain"];
    let channel = toolchain["channel"].as_str().expect("a channel");
    assert!(
        channel.split('.').count() == 3 && channel.split('.').all(|n| n.parse::<u32>().is_ok()),
        "channel {channel:?} is not one specific stable release"
    );
    let list = |key: &str| -> BTreeSet<String> {
        toolchain[key]
            .as_array()
            .unwrap_or_else(|| panic!("no {key}"))
            .iter()
            .map(|value| value.as_str().unwrap().to_owned())
            .collect()
    };
    let triples: BTreeSet<String> = TARGETS
        .iter()
        .map(|target| target.triple.name.to_owned())
        .collect();
    assert_eq!(list("targets"), triples);
    assert_eq!(
        list("components"),
        BTreeSet::from(["clippy".to_owned(), "rustfmt".to_owned()])
    );

    // Every job that runs cargo installs the toolchain the file names, and nothing names another.
    let mut cargo_jobs = 0;
    for path in workflow_files(&root) {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for other in [
            "dtolnay/rust-toolchain",
            "actions-rs/toolchain",
            "rustup default",
            "--toolchain",
            "cargo +",
            "stable",
        ] {
            assert!(!text.contains(other), "{file} names a toolchain: {other}");
        }
        let parsed = read_workflow(&path);
        for (job_id, job) in parsed["jobs"].as_object().unwrap() {
            let runs: Vec<&str> = job["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(run_of)
                .collect();
            let Some(first_cargo) = runs
                .iter()
                .position(|run| run.contains("cargo ") || run.contains(&format!("{BIN} build")))
            else {
                continue;
            };
            cargo_jobs += 1;
            let setup = runs
                .iter()
                .position(|run| run.trim() == "rustup toolchain install");
            assert!(
                setup.is_some_and(|setup| setup < first_cargo),
                "{file}: job {job_id} runs cargo without `rustup toolchain install` first"
            );
        }
    }
    assert!(cargo_jobs >= 3, "only {cargo_jobs} jobs run cargo");
}

/// `build` checks the targets of the toolchain cargo will use in the plugin, the one
/// rust-toolchain.toml names, also when it runs from another folder.
#[test]
fn build_checks_the_targets_of_the_toolchain_the_plugin_pins() {
    let rustup = require_tool("rustup", "https://rustup.rs");
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", true);
    // Another installed toolchain, without the musl target that the default one has.
    let installed = Command::new(&rustup)
        .args(["toolchain", "list"])
        .output()
        .expect("run rustup");
    let pinned = stdout_of(&installed)
        .lines()
        .map(|line| line.split_whitespace().next().unwrap_or_default().to_owned())
        .find(|toolchain| {
            let targets = Command::new(&rustup)
                .args(["target", "list", "--installed", "--toolchain", toolchain])
                .output()
                .expect("run rustup");
            !stdout_of(&targets).contains("x86_64-unknown-linux-musl")
        })
        .expect("an installed toolchain without x86_64-unknown-linux-musl, e.g. 1.91.0 (scripts/test installs it for the msrv check)");
    let channel = pinned.trim_end_matches("-x86_64-unknown-linux-gnu");
    std::fs::write(
        root.join("rust-toolchain.toml"),
        format!("[toolchain]\nchannel = \"{channel}\"\n"),
    )
    .unwrap();
    let before = crate::support::tree(&root);

    let output = scratch
        .std_cmd()
        .args(["build", "--target", "linux"])
        .arg(&root)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("CARGO_TARGET_DIR", scratch.path().join("target"))
        .output()
        .expect("run the tool");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("rustup target add x86_64-unknown-linux-musl"),
        "{stderr}"
    );
    assert_eq!(
        crate::support::tree(&root),
        before,
        "build changed the plugin"
    );
}

#[test]
fn backend_ci_checks_formatting_lints_and_tests() {
    let scratch = Scratch::new();
    let root = scratch.generate("datasource", true);
    let ci = workflow(&root, "ci.yml");
    let runs: Vec<&str> = ci["jobs"]["backend"]["steps"]
        .as_array()
        .expect("ci.yml has a backend job")
        .iter()
        .map(run_of)
        .collect();
    for command in [
        "cargo fmt --check",
        "cargo clippy --locked --all-targets -- -D warnings",
        "cargo test --locked",
    ] {
        assert!(runs.contains(&command), "the backend job lacks {command}");
    }
    let build = tool_args(run_of(step_running(
        &ci,
        "package",
        "create-grafana-plugin build",
    )));
    assert!(
        build.windows(2).any(|pair| pair == ["--target", "all"]),
        "{build:?}"
    );
}

#[test]
fn frontend_only_variants_have_no_rust_steps() {
    let scratch = Scratch::new();
    for (root, backend) in generate_all(&scratch) {
        if backend {
            continue;
        }
        assert!(!root.join("rust-toolchain.toml").exists());
        for (file, job, step) in steps(&root) {
            let text = serde_json::to_string(&step).unwrap();
            // The update workflow's job is to install and run the tool, which cargo binstall does
            // with the runner's own cargo; it builds nothing of the plugin's.
            let forbidden: &[&str] = match file.as_str() {
                "cgp-update.yml" => &["rustup", "rust-cache", "zig"],
                _ => &["cargo", "rustup", "rust-cache", BIN, "zig"],
            };
            for rust in forbidden {
                assert!(
                    !text.contains(rust),
                    "{}: {file}, job {job}: {rust} in {text}",
                    root.display()
                );
            }
        }
    }
}

/// Where `needle` occurs among the string values of `value`, as paths like `jobs.build.env.X`.
fn paths_containing(value: &Value, needle: &str, path: &str, found: &mut Vec<String>) {
    match value {
        Value::String(text) if text.contains(needle) => found.push(path.to_owned()),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                paths_containing(item, needle, &format!("{path}[{index}]"), found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                paths_containing(item, needle, &format!("{path}.{key}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn only_the_signing_step_receives_the_token() {
    let scratch = Scratch::new();
    for (root, _) in generate_all(&scratch) {
        let mut found = Vec::new();
        for path in workflow_files(&root) {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            paths_containing(
                &read_workflow(&path),
                "secrets.GRAFANA_ACCESS_POLICY_TOKEN",
                &file,
                &mut found,
            );
        }
        let release = workflow(&root, "release.yml");
        let steps = release["jobs"]["build"]["steps"].as_array().unwrap();
        let sign = steps
            .iter()
            .position(|step| {
                run_of(step).contains("npm run sign -- --rootUrls \"$GRAFANA_ROOT_URLS\"")
            })
            .expect("a step signs with --rootUrls");
        assert_eq!(
            found,
            [format!(
                "release.yml.jobs.build.steps[{sign}].env.GRAFANA_ACCESS_POLICY_TOKEN"
            )],
            "{}",
            root.display()
        );
        assert_eq!(
            steps[sign]["if"], "vars.GRAFANA_ROOT_URLS != ''",
            "signing depends on the root URLs variable"
        );
        // Unsigned otherwise, and the job summary says so.
        let unsigned = steps
            .iter()
            .find(|step| step["if"] == "vars.GRAFANA_ROOT_URLS == ''")
            .expect("a step for unsigned releases");
        assert!(run_of(unsigned).contains("$GITHUB_STEP_SUMMARY"));
        assert!(run_of(unsigned).contains("unsigned"));
    }
}

#[test]
fn the_signer_is_pinned_in_package_json() {
    let scratch = Scratch::new();
    let root = scratch.generate("panel", false);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("package.json")).unwrap()).unwrap();
    let version = manifest["devDependencies"]["@grafana/sign-plugin"]
        .as_str()
        .expect("@grafana/sign-plugin in devDependencies");
    assert!(
        version.split('.').all(|n| n.parse::<u32>().is_ok()),
        "not an exact version: {version}"
    );
    // The installed one: npx would fetch whatever is latest.
    assert_eq!(manifest["scripts"]["sign"], "sign-plugin");
}

#[test]
fn every_job_asks_for_the_least_it_needs_and_actions_are_pinned_by_commit() {
    let scratch = Scratch::new();
    for (root, _) in generate_all(&scratch) {
        for path in workflow_files(&root) {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let parsed = read_workflow(&path);
            assert_eq!(parsed["permissions"], serde_json::json!({}), "{file}");
            for (job_id, job) in parsed["jobs"].as_object().unwrap() {
                let permissions = job["permissions"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{file}: job {job_id} declares no permissions"));
                for (scope, level) in permissions {
                    let allowed = match (scope.as_str(), level.as_str()) {
                        (_, Some("read")) => true,
                        ("id-token" | "attestations", Some("write")) => job_id == "attest",
                        // The update pushes its branch for the pull request it opens.
                        ("contents", Some("write")) if file == "cgp-update.yml" => true,
                        ("contents", Some("write")) => job_id == "publish",
                        ("pull-requests", Some("write")) => {
                            file == "bundle-stats.yml" || file == "cgp-update.yml"
                        }
                        _ => false,
                    };
                    assert!(allowed, "{file}: job {job_id} asks for {scope}: {level}");
                }
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().filter(|line| line.contains("uses:")) {
                let reference = line.split('@').nth(1).unwrap_or_default();
                let (sha, comment) = reference.split_once(" # ").unwrap_or((reference, ""));
                assert!(
                    sha.len() == 40
                        && sha.chars().all(|c| c.is_ascii_hexdigit())
                        && !comment.is_empty(),
                    "{file}: not pinned to a commit with its tag: {line}"
                );
            }
        }
    }
}

/// The step's script, run here with bash on the generated CHANGELOG.md (and one with two
/// versions), as GitHub would for the tag.
#[test]
fn release_notes_are_the_changelog_section_of_the_tagged_version() {
    let bash = require_tool("bash", "apt-get install bash");
    let scratch = Scratch::new();
    let root = scratch.generate("panel", false);
    let release = workflow(&root, "release.yml");
    let script = run_of(step_named(
        &release,
        "publish",
        "Release notes from CHANGELOG.md",
    ));
    let temp = scratch.path().join("runner-temp");
    std::fs::create_dir(&temp).unwrap();
    let notes = |tag: &str| {
        let output = Command::new(&bash)
            .args(["-eo", "pipefail", "-c", script])
            .current_dir(&root)
            .env("GITHUB_REF_NAME", tag)
            .env("RUNNER_TEMP", &temp)
            .output()
            .expect("run bash");
        let notes = std::fs::read_to_string(temp.join("notes.md")).unwrap_or_default();
        (output, notes.trim().to_owned())
    };

    let (output, generated) = notes("v1.0.0");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(generated, "- First version of the plugin.");

    let changelog = root.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&changelog).unwrap();
    let newer = text.replacen(
        "## 1.0.0",
        "## [v1.1.0] - 2026-12-01\n\n- A second version.\n- With two lines.\n\n## 1.0.0",
        1,
    );
    std::fs::write(&changelog, newer).unwrap();
    assert_eq!(notes("v1.1.0").1, "- A second version.\n- With two lines.");
    assert_eq!(notes("v1.0.0").1, "- First version of the plugin.");

    let (missing, _) = notes("v2.0.0");
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stdout_of(&missing).contains("CHANGELOG.md has no notes under a '## 2.0.0' heading"),
        "{}",
        stdout_of(&missing)
    );
}

/// Grafana's validator (`buildtools`) recognises create-plugin's tooling by this name in the
/// webpack configuration's header.
#[test]
fn the_webpack_config_header_names_create_plugin() {
    let scratch = Scratch::new();
    let root = scratch.generate("panel", false);
    let text = std::fs::read_to_string(root.join(".config/webpack/webpack.config.ts")).unwrap();
    let header = &text[..text.find("*/").expect("a header comment")];
    assert!(header.contains("@grafana/create-plugin"), "{header}");
}
