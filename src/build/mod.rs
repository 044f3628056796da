//! `create-grafana-plugin build`: compile the backend for every requested platform under the
//! names Grafana looks for, build the frontend when it can, and swap the result into `dist/`.

pub(crate) mod binary;
mod dist;
mod frontend;
mod macos_sdk;
pub(crate) mod progress;
mod summary;
mod toolchain;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::BuildArgs;
use crate::error::Interrupted;
use crate::plugin::{find_root, Manifest};
use crate::target::{self, BuildTarget, Os};
use crate::{bad_input, cargo, interrupt};

use binary::Inspection;
pub use dist::{is_backend_file, DIST};
use dist::{Placeholders, Staging};
pub use frontend::installed as frontend_installed;
use progress::TargetProgress;
use summary::Row;
pub(crate) use toolchain::Recipe;
use toolchain::{Driver, Machine};

/// Everything `build` will do, resolved from the arguments before anything runs.
#[derive(Debug)]
struct Plan {
    root: PathBuf,
    manifest: Manifest,
    /// Empty for a plugin without a backend.
    targets: Vec<&'static BuildTarget>,
    release: bool,
    frontend: bool,
    jobs: Option<u32>,
}

pub fn run(args: &BuildArgs) -> Result<()> {
    let plan = resolve(args)?;
    let recipes = recipes(&plan.root, &plan.targets)?;
    let mut rows = Vec::new();
    let mut compiled = Vec::new();
    for recipe in &recipes {
        let (path, row) = compile(&plan, recipe)?;
        compiled.push((recipe.target, path));
        rows.push(row);
    }
    let _deferred = interrupt::Deferred::start();
    let dist = plan.root.join(DIST);
    let staging = Staging::create(&plan.root)?;
    let executable = plan.manifest.executable.as_deref().unwrap_or_default();
    if plan.frontend {
        frontend::build(&plan.root, staging.path())?;
        staging.keep_previous(&dist, &is_backend_file(executable))?;
    } else {
        let fill = Placeholders::resolve(&plan.root, &plan.manifest.id)?;
        staging.write_static_files(&plan.root, &fill)?;
        staging.keep_previous(&dist, &|_| true)?;
    }
    for (target, path) in &compiled {
        staging.add_executable(path, &target.file_name(executable))?;
    }
    if interrupt::requested() {
        return Err(anyhow::Error::new(Interrupted).context("stopped; dist/ was left as it was"));
    }
    staging.commit(&dist)?;
    summary::print(&plan.root, &rows, plan.frontend);
    Ok(())
}

fn resolve(args: &BuildArgs) -> Result<Plan> {
    let start = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let root = find_root(&start)?;
    let manifest = Manifest::read(&root)?;
    let targets = match (manifest.backend, args.targets.is_empty()) {
        (true, _) => {
            manifest.require_executable(&root)?;
            target::resolve(&args.targets)?
        }
        (false, true) => Vec::new(),
        (false, false) => {
            return Err(bad_input!(
                "{} has no backend (\"backend\" is not true in src/plugin.json), so there is \
                 nothing to build for --target\n  help: leave out --target to build the frontend",
                manifest.id
            ))
        }
    };
    let frontend = match (args.frontend, args.no_frontend) {
        (true, _) => {
            frontend::require_installed(&root)?;
            true
        }
        (_, true) => false,
        _ => frontend::installed(&root),
    };
    if targets.is_empty() && !frontend {
        return Err(bad_input!(
            "nothing to build: {} has no backend and its frontend is not installed\n  help: run \
             `npm install` in {}, then build again",
            manifest.id,
            root.display()
        ));
    }
    Ok(Plan {
        root,
        manifest,
        targets,
        release: !args.debug,
        frontend,
        jobs: args.jobs,
    })
}

/// How each target gets built here; stops before compiling anything if one cannot be.
pub(crate) fn recipes(root: &Path, targets: &[&'static BuildTarget]) -> Result<Vec<Recipe>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let machine = Machine::probe(root)?;
    let (ok, missing): (Vec<_>, Vec<_>) = targets
        .iter()
        .map(|target| machine.recipe(target))
        .partition(Result::is_ok);
    if !missing.is_empty() {
        let missing: Vec<_> = missing.into_iter().filter_map(Result::err).collect();
        return Err(toolchain::explain(&missing));
    }
    Ok(ok.into_iter().filter_map(Result::ok).collect())
}

/// The cargo run that builds `bin` for `recipe`, with the environment its linker needs, and the
/// number of units a cold build compiles (for progress).
pub(crate) fn invocation<'a>(
    root: &Path,
    bin: &'a str,
    recipe: &'a Recipe,
    release: bool,
    jobs: Option<u32>,
) -> Result<(cargo::Build<'a>, usize)> {
    let metadata = cargo::metadata(root, Some(recipe.triple.name))?;
    let sdk = match (recipe.target.os, Os::host(), recipe.driver) {
        (Os::Darwin, host, Driver::Zigbuild) if host != Some(Os::Darwin) => {
            Some(macos_sdk::sdkroot(&metadata.target_directory)?)
        }
        _ => None,
    };
    let build = cargo::Build {
        bin,
        release,
        triple: Some(recipe.triple.name),
        zigbuild: recipe.driver == Driver::Zigbuild,
        env: recipe.env(sdk.as_deref()),
        jobs,
    };
    Ok((build, metadata.units))
}

fn compile(plan: &Plan, recipe: &Recipe) -> Result<(PathBuf, Row)> {
    let bin = plan
        .manifest
        .executable
        .as_deref()
        .expect("backend plugins have one");
    let (build, units) = invocation(&plan.root, bin, recipe, plan.release, plan.jobs)?;
    if let Some(note) = &recipe.note {
        eprintln!("{}: {note}", recipe.target);
    }
    let label = format!("{} ({})", recipe.target, recipe.triple.name);
    let mut progress = TargetProgress::start(label, units);
    let result = build.run(&plan.root, &mut |event| progress.event(event));
    let elapsed = progress.elapsed();
    progress.finish(result.is_ok());
    let path = result?;
    let inspection = binary::verify(&path, recipe.target)?;
    let row = Row {
        target: recipe.target,
        file: Path::new(DIST).join(recipe.target.file_name(bin)),
        bytes: std::fs::metadata(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .len(),
        elapsed,
        how: describe(recipe, &inspection),
    };
    Ok((path, row))
}

fn describe(recipe: &Recipe, inspection: &Inspection) -> String {
    format!(
        "{}, {}, {}",
        inspection.describe(),
        recipe.triple.name,
        recipe.how()
    )
}
