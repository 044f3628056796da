//! What building a backend for a target takes: the tools a target needs and the exact fix when one
//! is missing, the cargo (or cargo-zigbuild) run, its progress, and checks of the binary it made.
//! Used by `build`, `dev`, `check` and `package`.

pub mod binary;
pub mod cargo;
mod machine;
mod macos_sdk;
pub mod progress;

use std::path::Path;

use anyhow::Result;

use crate::target::{BuildTarget, Os};

pub use machine::Recipe;
use machine::{Driver, Machine};

/// How each target gets built here; stops before compiling anything if one cannot be.
pub fn recipes(root: &Path, targets: &[&'static BuildTarget]) -> Result<Vec<Recipe>> {
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
        return Err(machine::explain(&missing));
    }
    Ok(ok.into_iter().filter_map(Result::ok).collect())
}

/// The cargo run that builds `bin` for `recipe`, with the environment its linker needs, and the
/// number of units a cold build compiles (for progress).
pub fn invocation<'a>(
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
