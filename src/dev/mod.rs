//! `create-grafana-plugin dev`: rebuild the backend on every save and get the new code running,
//! in the docker-compose Grafana (default) or in a local process checked like `check` does.

mod backend;
mod frontend_watcher;
mod watch;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::cli::{DevArgs, DevTarget};
use crate::error::{Interrupted, Stopped};
use crate::plugin::{find_root, Manifest};
use crate::target::{BuildTarget, Os};
use crate::toolchain::cargo::{self, Event};
use crate::toolchain::progress::is_status;
use crate::toolchain::{self, Recipe};
use crate::{bad_input, interrupt, npm};

use backend::{Backend, Cause, Deployment};
use frontend_watcher::FrontendWatcher;
use watch::{Inputs, Watcher};

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
    let start = args.plugin.start();
    let root = find_root(&start)?;
    let manifest = Manifest::read(&root)?;
    let bin = manifest.require_executable(&root)?.to_owned();
    let target = args.target.unwrap_or(if args.local {
        DevTarget::Host
    } else {
        DevTarget::Linux
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
    let frontend = !args.no_frontend && npm::installed(&root);
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
    let mut recipes = toolchain::recipes(root, &[target])?;
    Ok(recipes.remove(0))
}

async fn session(plan: &Plan) -> Result<()> {
    let mut watcher = Watcher::start(&plan.root)?;
    let mut frontend = if plan.frontend {
        Some(FrontendWatcher::start(&plan.root)?)
    } else {
        None
    };
    let mut backend = if plan.local {
        Deployment::Local(Box::new(Backend::new(&plan.root, &plan.manifest)?))
    } else {
        let recipe = plan
            .recipe
            .as_ref()
            .expect("container mode builds for Linux");
        Deployment::Container(backend::Container::new(
            &plan.root,
            recipe.target,
            &plan.bin,
        ))
    };
    eprintln!(
        "[dev] watching {}/pkg, Cargo.toml, Cargo.lock and build.rs; Ctrl-C stops",
        plan.root.display()
    );
    let outcome = cycles(plan, &mut watcher, &mut backend).await;
    backend.stop().await;
    if let Some(frontend) = frontend.as_mut() {
        frontend.stop();
    }
    match outcome {
        Err(error) if !error.chain().any(|e| e.is::<Interrupted>()) => Err(error),
        _ => Err(anyhow::Error::new(Stopped(
            "[dev] stopped; no process it started is left".to_owned(),
        ))),
    }
}

/// Builds once, then again whenever the inputs' content differs from what the last build saw,
/// until Ctrl-C. A failed build counts as built: the same broken bytes are not built again.
async fn cycles(plan: &Plan, watcher: &mut Watcher, backend: &mut Deployment) -> Result<()> {
    let mut last_built: Option<Inputs> = None;
    let mut seen: Option<Instant> = None;
    loop {
        seen = seen.or(watcher.drain());
        let inputs = Inputs::read(&plan.root)?;
        let cause = match &last_built {
            None => Cause::Start(Instant::now()),
            Some(built) => {
                let changed = inputs.changed_since(built);
                if changed.is_empty() {
                    let woke = tokio::select! {
                        seen = watcher.next() => seen,
                        () = interrupt::pressed() => return Ok(()),
                    };
                    seen = Some(woke.context("the file watcher stopped")?);
                    continue;
                }
                eprintln!("[dev] changed: {}", shown(&changed));
                Cause::Save(seen.take().unwrap_or_else(Instant::now))
            }
        };
        let built = build(plan, cause.since()).await?;
        last_built = Some(inputs.built(&Inputs::read(&plan.root)?));
        if let Some(built) = built {
            backend.deploy(&built.path, cause, built.took).await;
        }
    }
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
                let (build, _) = toolchain::invocation(&root, &bin, recipe, false, None)?;
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

fn shown(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}
