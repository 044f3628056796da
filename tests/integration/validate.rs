//! `validate`: a catalogue of broken packages, each reported under the validator's rule with
//! exit 1, and clean ones that pass with exit 0 and the one line on Grafana's catalog.
//!
//! Packages are built cheaply: a plugin from `new`, a dist/ written by hand (filled-in
//! plugin.json, module.js, small stand-in executables (minimal ELF files without debug
//! information) named and moded as `build` leaves them),
//! zipped by `package` or, for layouts `package` never writes, by the zip crate here.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

use crate::support::{elf, stdout_of, Expect, Scratch, EM_X86_64};

const ID: &str = "acme-weather-datasource";
const EXE: &str = "gpx_weather";
const SUFFIXES: &[&str] = &[
    "_linux_amd64",
    "_linux_arm64",
    "_linux_arm",
    "_darwin_amd64",
    "_darwin_arm64",
    "_windows_amd64.exe",
];
/// A zip entry: name, bytes, Unix mode.
type Entry = (String, Vec<u8>, u32);

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
const CATALOG: &str = "Grafana's plugin catalog does not accept a backend written in Rust";

/// A generated data source with a Rust backend and a dist/ as a finished build leaves it.
fn built_plugin(scratch: &Scratch) -> PathBuf {
    let root = scratch.generate("datasource", true);
    let dist = root.join("dist");
    fs::create_dir_all(dist.join("img")).unwrap();
    let manifest = fs::read_to_string(root.join("src/plugin.json"))
        .unwrap()
        .replace("%VERSION%", "1.0.0")
        .replace("%TODAY%", "2026-01-31")
        .replace(
            "\"screenshots\": []",
            "\"screenshots\": [{\"name\": \"Panel\", \"path\": \"img/screenshot.png\"}]",
        );
    fs::write(dist.join("plugin.json"), manifest).unwrap();
    fs::write(
        dist.join("module.js"),
        "define([], function () { return {}; });",
    )
    .unwrap();
    fs::write(
        dist.join("README.md"),
        "# Weather\n\nShows forecasts from https://example.com in Grafana.\n",
    )
    .unwrap();
    for file in ["CHANGELOG.md", "LICENSE"] {
        fs::copy(root.join(file), dist.join(file)).unwrap();
    }
    fs::copy(root.join("src/img/logo.svg"), dist.join("img/logo.svg")).unwrap();
    fs::write(dist.join("img/screenshot.png"), PNG).unwrap();
    for suffix in SUFFIXES {
        let path = dist.join(format!("{EXE}{suffix}"));
        // Release builds as `package` reads them: an executable without debug information.
        fs::write(&path, elf(EM_X86_64, &[".text"])).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    root
}

/// [`built_plugin`] after `package`, its archives in artifacts/.
fn packaged_plugin(scratch: &Scratch) -> PathBuf {
    let root = built_plugin(scratch);
    scratch.run_in(&root, "package").succeeds();
    root
}

/// The files of dist/ as zip entries under `top`: (name, bytes, mode).
fn entries(dist: &Path, top: &str) -> Vec<Entry> {
    walkdir::WalkDir::new(dist)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e
                .path()
                .strip_prefix(dist)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let mode = e.metadata().unwrap().permissions().mode() & 0o777;
            (
                format!("{top}/{relative}"),
                fs::read(e.path()).unwrap(),
                mode,
            )
        })
        .collect()
}

fn write_zip(path: &Path, entries: &[Entry]) {
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, bytes, mode) in entries {
        let options = SimpleFileOptions::default().unix_permissions(*mode);
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

fn validate(scratch: &Scratch, path: &Path) -> (Option<i32>, String) {
    let output = scratch.run("validate").arg(path).output().unwrap();
    (output.status.code(), stdout_of(&output))
}

/// One broken package: what to change in a good one's entries, and the rule that must catch it.
struct Broken {
    name: &'static str,
    zip_name: &'static str,
    change: fn(&mut Vec<Entry>),
    rule: &'static str,
}

fn file<'a>(entries: &'a mut [Entry], name: &str) -> &'a mut Entry {
    let path = format!("{ID}/{name}");
    entries.iter_mut().find(|e| e.0 == path).unwrap()
}

fn drop_file(entries: &mut Vec<Entry>, name: &str) {
    let path = format!("{ID}/{name}");
    let before = entries.len();
    entries.retain(|e| e.0 != path);
    assert_eq!(entries.len(), before - 1, "{name} was not in the package");
}

fn catalogue() -> Vec<Broken> {
    let good = "acme-weather-datasource-1.0.0.zip";
    vec![
        Broken {
            name: "missing module.js",
            zip_name: good,
            change: |e| drop_file(e, "module.js"),
            rule: "modulejs/missing-modulejs",
        },
        Broken {
            name: "0644 executable",
            zip_name: good,
            change: |e| file(e, "gpx_weather_linux_arm64").2 = 0o644,
            rule: "binarypermissions/binary-executable-permissions",
        },
        Broken {
            name: "wrong top folder",
            zip_name: good,
            change: |e| {
                for entry in e.iter_mut() {
                    entry.0 = entry.0.replacen(ID, "weather", 1);
                }
            },
            rule: "archivename/no-ident-root-dir",
        },
        Broken {
            name: "two top folders",
            zip_name: good,
            change: |e| e.push(("extra/notes.txt".into(), b"x".to_vec(), 0o644)),
            rule: "archive/more-than-one-dir",
        },
        Broken {
            name: "bad id",
            zip_name: good,
            change: |e| {
                let json = String::from_utf8(file(e, "plugin.json").1.clone()).unwrap();
                let json = json.replace(
                    &format!("\"id\": \"{ID}\""),
                    "\"id\": \"acme_weather-datasource\"",
                );
                file(e, "plugin.json").1 = json.into_bytes();
            },
            rule: "metadatavalid/invalid-metadata",
        },
        Broken {
            name: "no README",
            zip_name: good,
            change: |e| drop_file(e, "README.md"),
            rule: "readme/missing-readme",
        },
        Broken {
            name: "missing Linux amd64 executable",
            zip_name: good,
            change: |e| drop_file(e, "gpx_weather_linux_amd64"),
            rule: "backendbinary/backend-binary-not-linux-amd64",
        },
        Broken {
            name: "unsafe SVG",
            zip_name: good,
            change: |e| {
                file(e, "img/logo.svg").1 =
                    b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec()
            },
            rule: "unsafesvg/unsafe-svg-file",
        },
        Broken {
            name: "tracking script",
            zip_name: good,
            change: |e| {
                file(e, "module.js").1 =
                    b"load('https://www.google-analytics.com/analytics.js')".to_vec()
            },
            rule: "trackingscripts/tracking-scripts",
        },
        Broken {
            name: "unfilled version",
            zip_name: good,
            change: |e| {
                let json = String::from_utf8(file(e, "plugin.json").1.clone()).unwrap();
                file(e, "plugin.json").1 = json.replace("\"1.0.0\"", "\"%VERSION%\"").into_bytes();
            },
            rule: "version/wrong-plugin-version",
        },
        Broken {
            name: "relative README link",
            zip_name: good,
            change: |e| {
                file(e, "README.md").1 = b"# Weather\n\nSee [setup](docs/setup.md).\n".to_vec()
            },
            rule: "brokenlinks/relative-link",
        },
    ]
}

#[test]
fn each_broken_package_is_caught_by_its_rule() {
    let scratch = Scratch::new();
    let root = built_plugin(&scratch);
    let good = entries(&root.join("dist"), ID);
    let mut failures = Vec::new();
    for case in catalogue() {
        let mut broken = good.clone();
        (case.change)(&mut broken);
        let dir = scratch.path().join(case.name.replace(' ', "-"));
        fs::create_dir(&dir).unwrap();
        let zip = dir.join(case.zip_name);
        write_zip(&zip, &broken);
        let (code, stdout) = validate(&scratch, &zip);
        let error_line = format!("error          {}:", case.rule);
        if code != Some(1) || !stdout.contains(&error_line) {
            failures.push(format!(
                "{}: exit {code:?}, want 1 and `{error_line}` in:\n{stdout}",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_generated_catalog_readme_is_template_text() {
    let scratch = Scratch::new();
    let root = built_plugin(&scratch);
    fs::copy(root.join("src/README.md"), root.join("dist/README.md")).unwrap();
    let (code, stdout) = validate(&scratch, &root);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("error          templatereadme/template-readme:"),
        "{stdout}"
    );
}

#[test]
fn a_packaged_plugin_passes_with_only_the_catalog_line() {
    let scratch = Scratch::new();
    let root = packaged_plugin(&scratch);
    let zip = root.join("artifacts").join(format!("{ID}-1.0.0.zip"));
    let (code, stdout) = validate(&scratch, &zip);
    assert_eq!(code, Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].ends_with("0 errors, 0 warnings, 0 recommendations"),
        "{stdout}"
    );
    assert!(lines[1].starts_with(CATALOG), "{stdout}");
    assert!(
        lines[1].contains("sdkusage") && lines[1].contains("--rootUrls"),
        "{stdout}"
    );
}

#[test]
fn a_one_platform_package_passes_with_a_recommendation() {
    let scratch = Scratch::new();
    let root = packaged_plugin(&scratch);
    let zip = root
        .join("artifacts")
        .join(format!("{ID}-1.0.0.linux_amd64.zip"));
    let (code, stdout) = validate(&scratch, &zip);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("recommendation backendbinary/missing-platform-executable:"),
        "{stdout}"
    );
    let (code, stdout) = validate(
        &scratch,
        &root
            .join("artifacts")
            .join(format!("{ID}-1.0.0.darwin_arm64.zip")),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("backendbinary/backend-binary-not-linux-amd64"),
        "{stdout}"
    );
}

#[test]
fn folders_are_checked_from_the_plugin_or_its_dist() {
    let scratch = Scratch::new();
    let root = built_plugin(&scratch);
    for path in [root.clone(), root.join("dist")] {
        let (code, stdout) = validate(&scratch, &path);
        assert_eq!(code, Some(0), "{}: {stdout}", path.display());
    }
    let exe = root.join("dist").join(format!("{EXE}_linux_amd64"));
    fs::set_permissions(&exe, fs::Permissions::from_mode(0o644)).unwrap();
    let (code, stdout) = validate(&scratch, &root);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("binarypermissions/binary-executable-permissions"),
        "{stdout}"
    );
}

#[test]
fn json_holds_every_finding() {
    let scratch = Scratch::new();
    let root = built_plugin(&scratch);
    fs::remove_file(root.join("dist/module.js")).unwrap();
    fs::remove_file(root.join("dist/CHANGELOG.md")).unwrap();
    let output = scratch.run("validate --json").arg(&root).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["errors"], 1);
    assert_eq!(report["warnings"], 1);
    let rules: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}/{} {}",
                f["rule"].as_str().unwrap(),
                f["check"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            "modulejs/missing-modulejs error",
            "changelog/missing-changelog warning"
        ]
    );
    assert!(report["catalog"].as_str().unwrap().starts_with(CATALOG));
}

#[test]
fn frontend_only_plugins_get_no_catalog_line() {
    let scratch = Scratch::new();
    let root = scratch.generate("panel", false);
    let dist = root.join("dist");
    fs::create_dir_all(dist.join("img")).unwrap();
    let manifest = fs::read_to_string(root.join("src/plugin.json"))
        .unwrap()
        .replace("%VERSION%", "1.0.0")
        .replace("%TODAY%", "2026-01-31");
    fs::write(dist.join("plugin.json"), manifest).unwrap();
    fs::write(
        dist.join("module.js"),
        "define([], function () { return {}; });",
    )
    .unwrap();
    fs::copy(root.join("src/img/logo.svg"), dist.join("img/logo.svg")).unwrap();
    let (code, stdout) = validate(&scratch, &root);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("readme/missing-readme"), "{stdout}");
    assert!(!stdout.contains(CATALOG), "{stdout}");
}
