//! `create-grafana-plugin build`: compile the backend for every requested platform under the
//! names Grafana looks for, build the frontend when it can, and swap the result into `dist/`.

mod dist;
mod frontend;
mod summary;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::BuildArgs;
use crate::error::Interrupted;
use crate::plugin::{find_root, is_backend_file, Manifest, DIST};
use crate::target::{self, BuildTarget};
use crate::toolchain::binary::{self, Inspection};
use crate::toolchain::progress::TargetProgress;
use crate::toolchain::{invocation, recipes, Recipe};
use crate::{bad_input, interrupt, npm};

use dist::{Placeholders, Staging};
use summary::Row;

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
    summary::print(&plan.root, &rows, plan.frontend)
}

fn resolve(args: &BuildArgs) -> Result<Plan> {
    let start = args.plugin.start();
    let root = find_root(&start)?;
    let manifest = Manifest::read(&root)?;
    let targets = match (manifest.backend, args.targets.names.is_empty()) {
        (true, _) => {
            manifest.require_executable(&root)?;
            target::resolve(&args.targets.names)?
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
        _ => npm::installed(&root),
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
