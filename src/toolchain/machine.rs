//! What each target needs on this machine, found out before anything compiles: the standard
//! library for its triple and something that links it. When something is missing the user gets
//! the exact commands that fix it, never a linker error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};

use crate::bad_input;
use crate::target::{BuildTarget, CrossLinker, Os, Triple};

/// What the machine offers, probed once per build.
#[derive(Debug, Default)]
pub struct Machine {
    /// Triples whose standard library is installed.
    pub installed: Vec<String>,
    pub rustup: bool,
    /// cargo-zigbuild and a zig it can run.
    pub zig: bool,
    /// Cross linkers found on PATH.
    pub commands: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    Cargo,
    Zigbuild,
}

/// How one target gets built here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipe {
    pub target: &'static BuildTarget,
    pub triple: &'static Triple,
    pub driver: Driver,
    /// `CARGO_TARGET_<TRIPLE>_LINKER`, when cargo's default linker would not do.
    pub linker: Option<&'static str>,
    /// Why a fallback triple was used instead of the preferred one.
    pub note: Option<String>,
}

impl Recipe {
    /// A few words for the summary: how it was linked.
    pub fn how(&self) -> String {
        match (self.driver, self.linker) {
            (Driver::Zigbuild, _) => "cargo-zigbuild".to_owned(),
            (Driver::Cargo, None) => "cargo".to_owned(),
            (Driver::Cargo, Some(linker)) => format!("cargo + {linker}"),
        }
    }

    /// Environment for cargo. Kept identical from one build to the next, since a changed linker
    /// or deployment target makes cargo rebuild every crate.
    pub fn env(&self, macos_sdk: Option<&Path>) -> Vec<(String, String)> {
        let key = self.triple.name.to_ascii_uppercase().replace('-', "_");
        let mut env = Vec::new();
        if let Some(linker) = self.linker {
            env.push((format!("CARGO_TARGET_{key}_LINKER"), linker.to_owned()));
        }
        if !self.triple.rustflags.is_empty() {
            env.push((
                format!("CARGO_TARGET_{key}_RUSTFLAGS"),
                self.triple.rustflags.to_owned(),
            ));
        }
        if let Some(version) = self.target.macos_deployment_target {
            env.push(("MACOSX_DEPLOYMENT_TARGET".to_owned(), version.to_owned()));
        }
        if let (Some(sdk), Driver::Zigbuild) = (macos_sdk, self.driver) {
            env.push(("SDKROOT".to_owned(), sdk.display().to_string()));
        }
        env
    }
}

/// Everything one target lacks, with the commands that fix it.
#[derive(Debug, PartialEq, Eq)]
pub struct Missing {
    pub target: &'static BuildTarget,
    pub problems: Vec<String>,
    pub fixes: Vec<String>,
    /// Commands that would do instead of some fix.
    pub alternatives: Vec<String>,
}

const ZIG_FIX: &str = "pip install ziglang cargo-zigbuild";

impl Machine {
    pub fn probe(root: &Path) -> Result<Self> {
        let sysroot = rustc_sysroot(root)?;
        let rustlib = sysroot.join("lib").join("rustlib");
        let installed = std::fs::read_dir(&rustlib)
            .with_context(|| {
                format!(
                    "reading the Rust standard libraries in {}",
                    rustlib.display()
                )
            })?
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().join("lib").is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        let linkers = crate::target::TARGETS
            .iter()
            .flat_map(BuildTarget::triples)
            .filter_map(|triple| match triple.cross_linker {
                CrossLinker::Gcc { command, .. } => Some(command),
                _ => None,
            });
        Ok(Self {
            installed,
            rustup: on_path("rustup"),
            zig: on_path("cargo-zigbuild") && zig_runs(),
            commands: linkers.filter(|c| on_path(c)).map(str::to_owned).collect(),
        })
    }

    fn has_std(&self, triple: &Triple) -> bool {
        self.installed.iter().any(|t| t == triple.name)
    }

    fn has_command(&self, command: &str) -> bool {
        self.commands.iter().any(|c| c == command)
    }

    /// The first triple of `target` that can be built here, or what is missing for the
    /// preferred one (and for the fallback, if there is one).
    pub fn recipe(&self, target: &'static BuildTarget) -> Result<Recipe, Missing> {
        let mut missing = Missing {
            target,
            problems: Vec::new(),
            fixes: Vec::new(),
            alternatives: Vec::new(),
        };
        for triple in target.triples() {
            match self.recipe_for(target, triple) {
                Ok(mut recipe) => {
                    if triple != &target.triple {
                        recipe.note = Some(format!(
                            "built as {} because the standard library for {} is not installed",
                            triple.name, target.triple.name
                        ));
                    }
                    return Ok(recipe);
                }
                Err(lacking) => {
                    missing.problems.extend(lacking.problems);
                    missing.fixes.extend(lacking.fixes);
                    missing.alternatives.extend(lacking.alternatives);
                }
            }
        }
        Err(missing)
    }

    fn recipe_for(
        &self,
        target: &'static BuildTarget,
        triple: &'static Triple,
    ) -> Result<Recipe, Missing> {
        let mut problems = Vec::new();
        let mut fixes = Vec::new();
        let mut alternatives = Vec::new();
        if !self.has_std(triple) {
            problems.push(format!(
                "the Rust standard library for {} is not installed",
                triple.name
            ));
            fixes.push(if self.rustup {
                format!("rustup target add {}", triple.name)
            } else {
                format!(
                    "install Rust with rustup (https://rustup.rs), then: rustup target add {}",
                    triple.name
                )
            });
        }
        let recipe = |driver, linker| Recipe {
            target,
            triple,
            driver,
            linker,
            note: None,
        };
        let linked = if target.is_native() {
            Some(recipe(Driver::Cargo, None))
        } else if self.zig && triple.zig {
            Some(recipe(Driver::Zigbuild, None))
        } else {
            match triple.cross_linker {
                CrossLinker::RustLld => Some(recipe(Driver::Cargo, Some("rust-lld"))),
                CrossLinker::Gcc { command, .. } if self.has_command(command) => {
                    Some(recipe(Driver::Cargo, Some(command)))
                }
                CrossLinker::Gcc {
                    command,
                    apt_package,
                } => {
                    let apt = format!("apt-get install {apt_package}");
                    if triple.zig {
                        problems.push(format!(
                            "no linker for {}: neither cargo-zigbuild with zig nor {command} is \
                             installed",
                            triple.name
                        ));
                        fixes.push(ZIG_FIX.to_owned());
                        alternatives.push(format!("{apt}   (instead of zig, for {target} only)"));
                    } else {
                        problems.push(format!(
                            "no linker for {}: {command} is not on PATH",
                            triple.name
                        ));
                        fixes.push(apt);
                    }
                    None
                }
                CrossLinker::ZigOnly => {
                    problems.push(format!(
                        "{} can only be linked from {} with zig, and cargo-zigbuild or zig is \
                         not installed (on macOS, build it natively)",
                        triple.name,
                        host_name()
                    ));
                    fixes.push(ZIG_FIX.to_owned());
                    None
                }
            }
        };
        match linked {
            Some(recipe) if problems.is_empty() => Ok(recipe),
            _ => Err(Missing {
                target,
                problems,
                fixes,
                alternatives,
            }),
        }
    }
}

/// One error for every target that cannot be built, listing all the fixes at once.
pub fn explain(missing: &[Missing]) -> anyhow::Error {
    let mut text = String::from("cannot build every requested target on this machine:");
    for entry in missing {
        for problem in &entry.problems {
            text.push_str(&format!("\n  {}: {problem}", entry.target));
        }
    }
    text.push_str("\n  help: run");
    text.push_str(&unique_lines(missing.iter().flat_map(|m| &m.fixes)));
    let alternatives = unique_lines(missing.iter().flat_map(|m| &m.alternatives));
    if !alternatives.is_empty() {
        text.push_str("\n  or:");
        text.push_str(&alternatives);
    }
    bad_input!("{text}")
}

/// Indented lines, each command once, in order of first mention.
fn unique_lines<'a>(lines: impl Iterator<Item = &'a String>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for line in lines {
        if !seen.contains(&line.as_str()) {
            seen.push(line);
        }
    }
    seen.iter().map(|line| format!("\n    {line}")).collect()
}

fn host_name() -> &'static str {
    Os::host().map_or(std::env::consts::OS, Os::as_str)
}

/// From the plugin root, so that rustup picks the toolchain cargo will build with there
/// (`rust-toolchain.toml`), whatever folder the tool runs in.
fn rustc_sysroot(root: &Path) -> Result<PathBuf> {
    let output = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .args(["--print", "sysroot"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| {
            bad_input!(
                "cannot run rustc: {error}\n  help: install Rust with rustup (https://rustup.rs)"
            )
        })?;
    anyhow::ensure!(output.status.success(), "`rustc --print sysroot` failed");
    Ok(PathBuf::from(
        String::from_utf8_lossy(&output.stdout).trim().to_owned(),
    ))
}

pub fn on_path(command: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    let names = [command.to_owned(), format!("{command}.exe")];
    std::env::split_paths(&path).any(|dir| names.iter().any(|name| dir.join(name).is_file()))
}

/// cargo-zigbuild runs `zig` from PATH, or the one the `ziglang` Python package ships.
fn zig_runs() -> bool {
    let quiet = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    quiet("zig", &["version"]) || quiet("python3", &["-m", "ziglang", "version"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::TARGETS;

    fn target(name: &str) -> &'static BuildTarget {
        TARGETS.iter().find(|t| t.name == name).unwrap()
    }

    fn machine(installed: &[&str], zig: bool, commands: &[&str]) -> Machine {
        Machine {
            installed: installed.iter().map(|s| s.to_string()).collect(),
            rustup: true,
            zig,
            commands: commands.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_missing_standard_library_names_rustup() {
        let missing = machine(&[], true, &[])
            .recipe(target("linux-arm64"))
            .unwrap_err();
        assert_eq!(
            missing.fixes,
            ["rustup target add aarch64-unknown-linux-musl"]
        );
    }

    #[test]
    fn zig_is_preferred_for_cross_targets() {
        let recipe = machine(&["x86_64-pc-windows-gnu"], true, &[])
            .recipe(target("windows"))
            .unwrap();
        assert_eq!(recipe.driver, Driver::Zigbuild);
        assert_eq!(recipe.how(), "cargo-zigbuild");
    }

    #[test]
    fn without_zig_musl_links_with_rust_lld() {
        let recipe = machine(&["aarch64-unknown-linux-musl"], false, &[])
            .recipe(target("linux-arm64"))
            .unwrap();
        assert_eq!(recipe.linker, Some("rust-lld"));
        assert!(recipe.env(None).contains(&(
            "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER".into(),
            "rust-lld".into()
        )));
    }

    #[test]
    fn windows_without_zig_or_mingw_offers_both() {
        let missing = machine(&["x86_64-pc-windows-gnu"], false, &[])
            .recipe(target("windows"))
            .unwrap_err();
        assert_eq!(missing.fixes, [ZIG_FIX]);
        assert_eq!(
            missing.alternatives,
            ["apt-get install gcc-mingw-w64-x86-64   (instead of zig, for windows only)"]
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn macos_from_linux_needs_zig_and_gets_a_deployment_target() {
        let m = machine(&["aarch64-apple-darwin"], false, &[]);
        let missing = m.recipe(target("darwin-arm64")).unwrap_err();
        assert_eq!(missing.fixes, [ZIG_FIX]);
        let m = machine(&["aarch64-apple-darwin"], true, &[]);
        let env = m
            .recipe(target("darwin-arm64"))
            .unwrap()
            .env(Some(Path::new("/sdk")));
        assert!(env.contains(&("MACOSX_DEPLOYMENT_TARGET".into(), "11.0".into())));
        assert!(env.contains(&("SDKROOT".into(), "/sdk".into())));
    }

    #[test]
    fn arm_falls_back_to_static_glibc_and_says_so() {
        let m = machine(
            &["armv7-unknown-linux-gnueabihf"],
            true,
            &["arm-linux-gnueabihf-gcc"],
        );
        let recipe = m.recipe(target("linux-arm")).unwrap();
        assert_eq!(recipe.triple.name, "armv7-unknown-linux-gnueabihf");
        assert_eq!(recipe.linker, Some("arm-linux-gnueabihf-gcc"));
        assert!(recipe
            .note
            .as_deref()
            .unwrap()
            .contains("armv7-unknown-linux-musleabihf"));
        assert!(recipe.env(None).contains(&(
            "CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUSTFLAGS".into(),
            "-C target-feature=+crt-static".into()
        )));
    }

    #[test]
    fn arm_prefers_musl_when_installed() {
        let m = machine(&["armv7-unknown-linux-musleabihf"], false, &[]);
        let recipe = m.recipe(target("linux-arm")).unwrap();
        assert_eq!(recipe.triple.name, "armv7-unknown-linux-musleabihf");
        assert_eq!(recipe.note, None);
    }

    #[test]
    fn all_missing_pieces_are_explained_together() {
        let m = machine(&[], false, &[]);
        let missing: Vec<Missing> = ["linux-arm", "darwin"]
            .into_iter()
            .filter_map(|name| m.recipe(target(name)).err())
            .collect();
        let text = explain(&missing).to_string();
        for expected in [
            "rustup target add armv7-unknown-linux-musleabihf",
            "rustup target add armv7-unknown-linux-gnueabihf",
            "apt-get install gcc-arm-linux-gnueabihf",
            "rustup target add x86_64-apple-darwin",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
    }
}
