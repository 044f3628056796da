//! `create-grafana-plugin dev`: rebuild the backend on every save and get the new code running,
//! in the docker-compose Grafana (default) or in a local process checked like `check` does.

mod backend;
mod children;
mod watch;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::build::progress::is_status;
use crate::build::{self as build_cmd, Recipe};
use crate::cargo::{self, Event};
use crate::cli::{DevArgs, DevTarget};
use crate::error::Interrupted;
use crate::plugin::{find_root, Manifest};
use crate::target::{BuildTarget, Os};
use crate::{bad_input, interrupt};

use backend::{Backend, Deployment};
use children::Frontend;
use watch::Watcher;

/// Everything `dev` will do, resolved from the arguments before anything runs.
struct Plan {
    root: PathBuf,
    manifest: Manifest,
    bin: String,
    /// `None`: cargo's own host build (what `--local` runs by default).
    recipe: Option<Recipe>,
    local: bool,
    frontend: bool,
}

pub fn run(args: &DevArgs) -> Result<()> {
    let plan = resolve(args)?;
    interrupt::block_on(session(&plan))?
}

fn resolve(args: &DevArgs) -> Result<Plan> {
    let start = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let root = find_root(&start)?;
    let manifest = Manifest::read(&root)?;
    let bin = manifest.require_executable(&root)?.to_owned();
    let target = args.target.unwrap_or(match args.local {
        true => DevTarget::Host,
        false => DevTarget::Linux,
    });
    let recipe = match target {
        DevTarget::Host => None,
        DevTarget::Linux => Some(linux_recipe(&root, args.local)?),
    };
    if !args.local && recipe.is_none() {
        return Err(bad_input!(
            "--target host builds for this machine, but Grafana's container runs Linux\n  help: \
             add --local to run the backend here, or leave out --target"
        ));
    }
    let frontend = !args.no_frontend && build_cmd::frontend_installed(&root);
    if !args.no_frontend && !frontend {
        eprintln!("[dev] node_modules is missing, so the frontend is not watched: run `npm install` to add it");
    }
    Ok(Plan {
        root,
        bin,
        manifest,
        recipe,
        local: args.local,
        frontend,
    })
}

/// Linux for this machine's architecture: what the Grafana container (or, with `--local` on
/// Linux, this machine) runs.
fn linux_recipe(root: &Path, local: bool) -> Result<Recipe> {
    let host = BuildTarget::host();
    let target = crate::target::TARGETS
        .iter()
        .find(|t| t.os == Os::Linux && Some(t.arch) == host.map(|h| h.arch))
        .ok_or_else(|| bad_input!("Grafana has no Linux build for this machine's architecture"))?;
    if local && Os::host() != Some(Os::Linux) {
        return Err(bad_input!(
            "--local runs the backend on this machine, which cannot run a Linux binary\n  help: \
             use --local --target host"
        ));
    }
    let mut recipes = build_cmd::recipes(root, &[target])?;
    Ok(recipes.remove(0))
}

async fn session(plan: &Plan) -> Result<()> {
    let mut watcher = Watcher::start(&plan.root)?;
    let mut frontend = match plan.frontend {
        true => Some(Frontend::start(&plan.root)?),
        false => None,
    };
    let mut backend = match plan.local {
        true => Deployment::Local(Box::new(Backend::new(&plan.root, &plan.manifest)?)),
        false => {
            let recipe = plan
                .recipe
                .as_ref()
                .expect("container mode builds for Linux");
            Deployment::Container(backend::Container::new(
                &plan.root,
                recipe.target,
                &plan.bin,
            ))
        }
    };
    eprintln!(
        "[dev] watching {}/pkg, Cargo.toml and Cargo.lock; Ctrl-C stops",
        plan.root.display()
    );
    let mut seen = Instant::now();
    loop {
        if let Some(built) = build(plan, seen).await? {
            backend.deploy(&built.path, seen, built.took).await;
        }
        watcher.discard_pending();
        let change = tokio::select! {
            change = watcher.next() => change,
            () = interrupt::pressed() => None,
        };
        match change {
            Some(change) => {
                seen = change.seen;
                eprintln!("[dev] changed: {}", shown(&plan.root, &change.paths));
            }
            None => break,
        }
    }
    backend.stop().await;
    if let Some(frontend) = frontend.as_mut() {
        frontend.stop();
    }
    Err(anyhow::Error::new(Interrupted).context("dev stopped; no process it started is left"))
}

struct Built {
    path: PathBuf,
    took: Duration,
}

/// One incremental debug build; a failure is shown and returns `None`, so the running backend
/// stays as it is.
async fn build(plan: &Plan, seen: Instant) -> Result<Option<Built>> {
    let root = plan.root.clone();
    let bin = plan.bin.clone();
    let recipe = plan.recipe.clone();
    let result = tokio::task::spawn_blocking(move || -> Result<PathBuf> {
        let mut show = |event: Event| {
            if let Event::Stderr(line) = event {
                if !is_status(&line) {
                    eprintln!("[build] {line}");
                }
            }
        };
        match &recipe {
            Some(recipe) => {
                let (build, _) = build_cmd::invocation(&root, &bin, recipe, false, None)?;
                build.run(&root, &mut show)
            }
            None => {
                let build = cargo::Build {
                    bin: &bin,
                    ..cargo::Build::default()
                };
                build.run(&root, &mut show)
            }
        }
    })
    .await
    .context("waiting for the build")?;
    let took = seen.elapsed();
    match result {
        Ok(path) => Ok(Some(Built { path, took })),
        Err(error) if error.chain().any(|e| e.is::<Interrupted>()) => Err(error),
        Err(error) => {
            eprintln!("[dev] build failed ({error:#}); the previous backend keeps running");
            Ok(None)
        }
    }
}

fn shown(root: &Path, paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    names.join(", ")
}
