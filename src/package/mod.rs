//! `create-grafana-plugin package`: zip `dist/` the way Grafana's signing and catalog expect it,
//! one archive for every platform and one per platform (only the first when `dist/` is signed),
//! each with SHA-1 and SHA-256 checksum files, then run the plugin validator's offline checks on
//! the result.

mod archive;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::PackageArgs;
use crate::plugin::{find_root, is_backend_file, Manifest, DIST};
use crate::rules::{self, CATALOG_NOTE};
use crate::target::{self, BuildTarget, TARGETS};
use crate::toolchain::binary::{self, DebugInfo};
use crate::{bad_input, interrupt, ui};

use archive::Archive;

/// What is in `dist/`, checked against what plugin.json promises.
struct Contents {
    id: String,
    version: String,
    /// Relative paths with `/`, sorted.
    files: Vec<String>,
    /// Platforms whose executable is present, in table order.
    platforms: Vec<&'static BuildTarget>,
    executable: Option<String>,
}

/// What `npx @grafana/sign-plugin` writes into `dist/`: a signed list of every file in it.
const SIGNATURE: &str = "MANIFEST.txt";

impl Contents {
    fn signed(&self) -> bool {
        self.files.iter().any(|f| f == SIGNATURE)
    }

    fn stem(&self) -> String {
        format!("{}-{}", self.id, self.version)
    }

    fn platform_archive(&self, platform: &BuildTarget) -> String {
        format!(
            "{}.{}_{}.zip",
            self.stem(),
            platform.os.as_str(),
            platform.arch
        )
    }
}

pub fn run(args: &PackageArgs) -> Result<()> {
    let start = args.plugin.start();
    let root = find_root(&start)?;
    let manifest = Manifest::read(&root)?;
    let required = if args.targets.names.is_empty() {
        Vec::new()
    } else {
        target::resolve(&args.targets.names)?
    };
    let out = args.out.clone().unwrap_or_else(|| root.join("artifacts"));
    require_out_dir(&out)?;
    let dist = root.join(DIST);
    let contents = read_dist(&dist, &manifest, &required)?;
    let debug = debug_builds(&dist, &contents)?;
    match (debug.is_empty(), args.allow_debug) {
        (true, _) => {}
        (false, false) => return Err(refuse_debug(&debug)),
        (false, true) => {
            for (path, _, info) in &debug {
                eprintln!(
                    "{} packaging {}, a debug build with {info}, as --allow-debug asks",
                    console::style("warning:").yellow().bold(),
                    path.display()
                );
            }
        }
    }
    let archives = plan(&contents);
    let _deferred = interrupt::Deferred::start();
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let mut written = Vec::new();
    for archive in &archives {
        written.push(archive.write(&dist, &contents.id, &out)?);
    }
    if contents.signed() && !contents.platforms.is_empty() {
        explain_signed(&contents, &out);
    }
    report_checks(&written[0].0)?;
    ui::print_result(|out| {
        for (path, digest) in &written {
            writeln!(out, "{digest}  {}", path.display())?;
        }
        Ok(())
    })
}

/// Says why a signed dist/ gives no per-platform archives, and points at those an earlier run
/// left for this version: they are not signed and could be shipped by mistake beside the signed
/// one, but they are the user's files to delete.
fn explain_signed(contents: &Contents, out: &Path) {
    eprintln!(
        "{} dist/{SIGNATURE} signs every file in dist/, every platform's executable included, so \
         only {}.zip was written: an archive with one platform's executable would fail Grafana's \
         signature check (files listed in {SIGNATURE} missing)\n  help: for per-platform archives, \
         build and sign a dist/ holding only that platform's executable, then package it",
        console::style("note:").bold().for_stderr(),
        contents.stem()
    );
    let stale: Vec<String> = contents
        .platforms
        .iter()
        .map(|platform| contents.platform_archive(platform))
        .filter(|name| out.join(name).is_file())
        .collect();
    if !stale.is_empty() {
        eprintln!(
            "{} {} holds per-platform archives of this version from an earlier unsigned run: {}\n  \
             help: they are not signed; delete them (and their .sha1/.sha256) before publishing",
            console::style("warning:").yellow().bold().for_stderr(),
            out.display(),
            stale.join(", ")
        );
    }
}

/// Runs the plugin validator's offline checks on the archive for every platform and says what
/// they found. The archives stay either way: a private signature or an unsigned install needs
/// none of them; `validate` exits 1 on errors, for pipelines that want them enforced.
fn report_checks(archive: &Path) -> Result<()> {
    let findings = rules::check_archive(archive)?;
    for finding in &findings.items {
        eprintln!("{}", finding.line(true));
    }
    eprintln!(
        "validated {}: {} (`create-grafana-plugin validate` exits 1 on errors)",
        archive.display(),
        findings.summary()
    );
    if findings.has_backend {
        eprintln!(
            "{} {CATALOG_NOTE}",
            console::style("note:").bold().for_stderr()
        );
    }
    Ok(())
}

/// `--out` (or `artifacts/`) will be created below its nearest existing ancestor, which must be
/// a directory this user can write to; checked before anything is read or written.
fn require_out_dir(out: &Path) -> Result<()> {
    let absolute =
        std::path::absolute(out).with_context(|| format!("resolving {}", out.display()))?;
    let Some(existing) = absolute.ancestors().find(|dir| dir.exists()) else {
        return Ok(());
    };
    if !existing.is_dir() {
        return Err(bad_input!(
            "cannot write the archives to {}: {} is a file, not a directory\n  help: choose a \
             directory with --out, e.g. --out artifacts",
            out.display(),
            existing.display()
        ));
    }
    crate::scaffold::write::writable(existing).map_err(|error| {
        bad_input!(
            "cannot write the archives to {}: {} is not writable ({error})\n  help: choose a \
             directory you can write to with --out, or change its permissions",
            out.display(),
            existing.display()
        )
    })
}

/// Every executable in `dist/` that carries debug information, read from its headers.
fn debug_builds(
    dist: &Path,
    contents: &Contents,
) -> Result<Vec<(PathBuf, &'static BuildTarget, DebugInfo)>> {
    let Some(executable) = &contents.executable else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for &target in &contents.platforms {
        let path = dist.join(target.file_name(executable));
        let inspection = binary::inspect(&path).map_err(|error| {
            bad_input!(
                "{error:#}\n  help: rebuild it: create-grafana-plugin build --target {}",
                target.name
            )
        })?;
        if let Some(info) = inspection.debug {
            found.push((path, target, info));
        }
    }
    Ok(found)
}

fn refuse_debug(debug: &[(PathBuf, &'static BuildTarget, DebugInfo)]) -> anyhow::Error {
    let files: Vec<String> = debug
        .iter()
        .map(|(path, _, info)| format!("{} is a debug build: it carries {info}", path.display()))
        .collect();
    let targets: Vec<&str> = debug.iter().map(|(_, target, _)| target.name).collect();
    bad_input!(
        "{}\n(debug builds, as `dev` and `build --debug` make them, are unoptimised and many times \
         the size of a release build)\n  help: build for release with `create-grafana-plugin build \
         --target {}`, or pass --allow-debug to package {} as {} {}",
        files.join("\n"),
        targets.join(" --target "),
        if debug.len() > 1 { "them" } else { "it" },
        if debug.len() > 1 { "they" } else { "it" },
        if debug.len() > 1 { "are" } else { "is" },
    )
}

/// The archives to write: everything, then one per platform without the other platforms'
/// executables, unless dist/ is signed: its signature lists every platform's executable, and
/// Grafana rejects an archive lacking a file the signature lists.
fn plan(contents: &Contents) -> Vec<Archive> {
    let mut archives = vec![Archive {
        name: format!("{}.zip", contents.stem()),
        files: contents.files.clone(),
    }];
    let Some(executable) = contents.executable.as_ref().filter(|_| !contents.signed()) else {
        return archives;
    };
    let is_backend = is_backend_file(executable);
    for platform in &contents.platforms {
        let own = platform.file_name(executable);
        archives.push(Archive {
            name: contents.platform_archive(platform),
            files: contents
                .files
                .iter()
                .filter(|f| !is_backend(f) || **f == own)
                .cloned()
                .collect(),
        });
    }
    archives
}

fn read_dist(
    dist: &Path,
    manifest: &Manifest,
    required: &[&'static BuildTarget],
) -> Result<Contents> {
    let built = dist.join("plugin.json");
    let text = std::fs::read_to_string(&built).map_err(|error| {
        bad_input!(
            "cannot read {}: {error}\n  help: build the plugin first: `npm run build` and \
             `create-grafana-plugin build`",
            built.display()
        )
    })?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| bad_input!("{} is not valid JSON: {error}", built.display()))?;
    let version = json["info"]["version"].as_str().unwrap_or_default();
    if version.is_empty() || version.contains('%') {
        return Err(bad_input!(
            "{} has no filled-in info.version (found `{version}`)\n  help: rebuild dist/ with \
             `create-grafana-plugin build` or `npm run build`, which replace %VERSION%",
            built.display()
        ));
    }
    if !dist.join("module.js").is_file() {
        return Err(bad_input!(
            "{} has no module.js, which Grafana loads for every plugin\n  help: build the \
             frontend: `npm install` once, then `create-grafana-plugin build`",
            dist.display()
        ));
    }
    let files = list(dist)?;
    let executable = manifest
        .backend
        .then(|| manifest.require_executable(dist))
        .transpose()?;
    let platforms: Vec<&'static BuildTarget> = match executable {
        Some(exe) => TARGETS
            .iter()
            .filter(|t| files.contains(&t.file_name(exe)))
            .collect(),
        None => Vec::new(),
    };
    if let Some(exe) = executable {
        require_platforms(dist, exe, &platforms, required)?;
    }
    Ok(Contents {
        id: manifest.id.clone(),
        version: version.to_owned(),
        files,
        platforms,
        executable: executable.map(str::to_owned),
    })
}

/// Refuses when an executable that plugin.json promises (or that `--target` asks for) is missing.
fn require_platforms(
    dist: &Path,
    exe: &str,
    present: &[&'static BuildTarget],
    required: &[&'static BuildTarget],
) -> Result<()> {
    let missing: Vec<&BuildTarget> = required
        .iter()
        .copied()
        .filter(|t| !present.contains(t))
        .collect();
    if present.is_empty() || !missing.is_empty() {
        let names: Vec<String> = if missing.is_empty() {
            vec![format!("{exe}_<os>_<arch>")]
        } else {
            missing.iter().map(|t| t.file_name(exe)).collect()
        };
        let targets: Vec<&str> = if missing.is_empty() {
            vec!["all"]
        } else {
            missing.iter().map(|t| t.name).collect()
        };
        return Err(bad_input!(
            "{} lacks the backend executable{} {}, which plugin.json promises with \"executable\": \
             \"{exe}\"\n  help: create-grafana-plugin build --target {}",
            dist.display(),
            if names.len() > 1 { "s" } else { "" },
            names.join(", "),
            targets.join(" --target ")
        ));
    }
    Ok(())
}

fn list(dist: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dist).min_depth(1).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", dist.display()))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dist).expect("walked below dist");
            files.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(platforms: &[usize]) -> Contents {
        let mut files = vec!["module.js".to_owned(), "plugin.json".to_owned()];
        files.extend(platforms.iter().map(|&i| TARGETS[i].file_name("gpx_wx")));
        files.sort();
        Contents {
            id: "acme-wx-datasource".into(),
            version: "1.0.0".into(),
            files,
            platforms: platforms.iter().map(|&i| &TARGETS[i]).collect(),
            executable: Some("gpx_wx".into()),
        }
    }

    #[test]
    fn per_platform_archives_hold_only_their_executable() {
        let archives = plan(&contents(&[0, 5]));
        let names: Vec<&str> = archives.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "acme-wx-datasource-1.0.0.zip",
                "acme-wx-datasource-1.0.0.linux_amd64.zip",
                "acme-wx-datasource-1.0.0.windows_amd64.zip"
            ]
        );
        assert_eq!(archives[0].files.len(), 4);
        assert_eq!(
            archives[2].files,
            ["gpx_wx_windows_amd64.exe", "module.js", "plugin.json"]
        );
    }

    #[test]
    fn a_signed_dist_gets_only_the_archive_with_every_platform() {
        let mut c = contents(&[0, 5]);
        c.files.push(SIGNATURE.to_owned());
        c.files.sort();
        let archives = plan(&c);
        let names: Vec<&str> = archives.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["acme-wx-datasource-1.0.0.zip"]);
        assert!(archives[0].files.iter().any(|f| f == SIGNATURE));
    }

    #[test]
    fn frontend_only_plugins_get_one_archive() {
        let mut c = contents(&[]);
        c.executable = None;
        assert_eq!(plan(&c).len(), 1);
    }

    #[test]
    fn missing_executables_are_named_with_the_fix() {
        let present = [&TARGETS[0]];
        let error = require_platforms(Path::new("dist"), "gpx_wx", &present, &[&TARGETS[3]])
            .unwrap_err()
            .to_string();
        assert!(error.contains("gpx_wx_darwin_amd64"), "{error}");
        assert!(error.contains("build --target darwin"), "{error}");
        let error = require_platforms(Path::new("dist"), "gpx_wx", &[], &[])
            .unwrap_err()
            .to_string();
        assert!(error.contains("build --target all"), "{error}");
        assert!(require_platforms(Path::new("dist"), "gpx_wx", &present, &[]).is_ok());
    }
}
