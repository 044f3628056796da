//! `package`: the archives unzip to dist/ under one folder named after the plugin id, per-platform
//! archives hold only their executable, checksums match, and a dist/ that lacks what plugin.json
//! promises is refused without writing anything.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::support::{
    elf, shared_cargo_target, stderr_of, stdout_of, Expect, Scratch, EM_AARCH64, EM_X86_64,
};

/// A dist/ as `build` plus the frontend build leave it, with these executables.
pub fn fake_dist(root: &Path, executables: &[(&str, Vec<u8>)]) {
    let dist = root.join("dist");
    fs::create_dir_all(dist.join("img")).unwrap();
    let manifest = fs::read_to_string(root.join("src/plugin.json"))
        .unwrap()
        .replace("%VERSION%", "1.0.0")
        .replace("%TODAY%", "2026-11-23");
    fs::write(dist.join("plugin.json"), manifest).unwrap();
    fs::write(dist.join("module.js"), "define([], function () {});").unwrap();
    fs::write(dist.join("img/logo.svg"), "<svg/>").unwrap();
    for (name, bytes) in executables {
        fs::write(dist.join(name), bytes).unwrap();
    }
}

/// What `build --target linux --target linux-arm64` leaves for the plugin `wx`: release builds.
fn release_dist(root: &Path) {
    fake_dist(
        root,
        &[
            ("gpx_wx_linux_amd64", elf(EM_X86_64, &[".text"])),
            ("gpx_wx_linux_arm64", elf(EM_AARCH64, &[".text", ".rodata"])),
        ],
    );
}

fn unzip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut files = BTreeMap::new();
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index).unwrap();
        if entry.is_file() {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            files.insert(entry.name().to_owned(), bytes);
        }
    }
    files
}

fn prefixed(tree: BTreeMap<String, Vec<u8>>, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    tree.into_iter()
        .filter(|(_, bytes)| bytes != b"<dir>")
        .map(|(path, bytes)| (format!("{prefix}/{path}"), bytes))
        .collect()
}

/// `package` in `root`, which must succeed.
fn package(scratch: &Scratch, root: &Path) -> std::process::Output {
    let output = scratch.run_in(root, "package").output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    output
}

/// The names in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn archives_unzip_to_dist_and_per_platform_ones_hold_one_executable() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "wx", "acme");
    release_dist(&root);
    let output = package(&scratch, &root);
    let artifacts = root.join("artifacts");
    let id = "acme-wx-datasource";
    let all = unzip(&artifacts.join(format!("{id}-1.0.0.zip")));
    let dist = prefixed(crate::support::tree(&root.join("dist")), id);
    assert_eq!(all, dist);

    let linux = unzip(&artifacts.join(format!("{id}-1.0.0.linux_amd64.zip")));
    let mut expected = dist.clone();
    expected.remove(&format!("{id}/gpx_wx_linux_arm64"));
    assert_eq!(linux, expected);
    assert!(!artifacts
        .join(format!("{id}-1.0.0.darwin_amd64.zip"))
        .exists());

    // Each archive has checksum files in sha1sum's and sha256sum's format, and stdout lists the
    // SHA-256 of each.
    let names = file_names(&artifacts);
    assert_eq!(
        names,
        [
            "acme-wx-datasource-1.0.0.linux_amd64.zip",
            "acme-wx-datasource-1.0.0.linux_amd64.zip.sha1",
            "acme-wx-datasource-1.0.0.linux_amd64.zip.sha256",
            "acme-wx-datasource-1.0.0.linux_arm64.zip",
            "acme-wx-datasource-1.0.0.linux_arm64.zip.sha1",
            "acme-wx-datasource-1.0.0.linux_arm64.zip.sha256",
            "acme-wx-datasource-1.0.0.zip",
            "acme-wx-datasource-1.0.0.zip.sha1",
            "acme-wx-datasource-1.0.0.zip.sha256",
        ]
    );
    for zip in names.iter().filter(|n| n.ends_with(".zip")) {
        let digest: String = Sha256::digest(fs::read(artifacts.join(zip)).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let sums = fs::read_to_string(artifacts.join(format!("{zip}.sha256"))).unwrap();
        assert_eq!(sums, format!("{digest}  {zip}\n"));
        assert!(stdout_of(&output).contains(&digest));
        for tool in ["sha1sum", "sha256sum"] {
            let extension = tool.trim_end_matches("sum");
            let checked = std::process::Command::new(tool)
                .args(["--check", "--strict", &format!("{zip}.{extension}")])
                .current_dir(&artifacts)
                .output()
                .unwrap_or_else(|e| panic!("running {tool}: {e}"));
            assert!(checked.status.success(), "{tool}: {}", stderr_of(&checked));
        }
    }

    // The validator's offline checks ran on the archive for every platform: package reports
    // what `validate` finds (README missing, platforms not built), and the catalog note.
    let package_said = stderr_of(&output);
    let validate = scratch
        .run_in(&root, "validate artifacts/acme-wx-datasource-1.0.0.zip")
        .output()
        .unwrap();
    let findings: Vec<&str> = std::str::from_utf8(&validate.stdout)
        .unwrap()
        .lines()
        .filter(|line| line.starts_with("error") || line.starts_with("warning"))
        .collect();
    assert!(!findings.is_empty(), "{}", stdout_of(&validate));
    for finding in findings {
        assert!(package_said.contains(finding), "{finding}\n{package_said}");
    }
    assert!(package_said.contains("validated "), "{package_said}");
    assert!(
        package_said.contains("catalog does not accept a backend written in Rust"),
        "{package_said}"
    );

    // Packaging the same dist/ again gives the same bytes.
    let first = fs::read(artifacts.join("acme-wx-datasource-1.0.0.zip")).unwrap();
    package(&scratch, &root);
    assert_eq!(
        fs::read(artifacts.join("acme-wx-datasource-1.0.0.zip")).unwrap(),
        first
    );
}

/// A signature lists every file of dist/, so an archive cut down to one platform would fail
/// Grafana's check: a signed dist/ gives the archive with every platform only, says why, and
/// warns of the unsigned per-platform archives an earlier run left for this version, which stay.
#[test]
fn a_signed_dist_is_packaged_whole_only() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "wx", "acme");
    release_dist(&root);
    package(&scratch, &root);
    let artifacts = root.join("artifacts");
    let unsigned = crate::support::tree(&artifacts);
    sign(&root.join("dist"));

    let stderr = stderr_of(&package(&scratch, &root));
    let signed = crate::support::tree(&artifacts);
    assert_eq!(
        signed.keys().collect::<Vec<_>>(),
        unsigned.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &unsigned {
        let rewritten = name.starts_with("acme-wx-datasource-1.0.0.zip");
        assert_eq!(signed[name] != *bytes, rewritten, "{name}");
    }
    let all = unzip(&artifacts.join("acme-wx-datasource-1.0.0.zip"));
    assert_eq!(
        all,
        prefixed(
            crate::support::tree(&root.join("dist")),
            "acme-wx-datasource"
        )
    );
    assert!(
        stderr.contains(
            "dist/MANIFEST.txt signs every file in dist/, every platform's executable included, \
             so only acme-wx-datasource-1.0.0.zip was written"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: for per-platform archives, build and sign a dist/ holding only"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("holds per-platform archives of this version from an earlier unsigned run: ")
            && stderr.contains("acme-wx-datasource-1.0.0.linux_arm64.zip")
            && stderr.contains("help: they are not signed; delete them"),
        "{stderr}"
    );
    // The archive holds what was signed; the validator's manifest pass finds nothing in it.
    assert!(!stderr.contains("manifest/"), "{stderr}");

    // A dist/ lacking a signed platform's executable is what Grafana rejects; validate says so.
    fs::remove_file(root.join("dist/gpx_wx_linux_arm64")).unwrap();
    let validate = scratch.run_in(&root, "validate dist").output().unwrap();
    assert_eq!(validate.status.code(), Some(1), "{}", stderr_of(&validate));
    assert!(
        stdout_of(&validate).contains(
            "manifest/undeclared-files: gpx_wx_linux_arm64 is listed in MANIFEST.txt but missing"
        ),
        "{}",
        stdout_of(&validate)
    );
}

/// A MANIFEST.txt as `npx @grafana/sign-plugin` writes it: every file of `dist` with its SHA-256,
/// in a PGP clear-signed JSON document (the signature itself is a stand-in).
fn sign(dist: &Path) {
    let files: Vec<String> = crate::support::tree(dist)
        .into_iter()
        .filter(|(_, bytes)| bytes != b"<dir>")
        .map(|(path, bytes)| {
            let digest: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("\"{path}\": \"{digest}\"")
        })
        .collect();
    let manifest = format!(
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{{\"manifestVersion\": \"2.0.0\", \
         \"signatureType\": \"private\", \"rootUrls\": [\"https://grafana.example.com/\"], \
         \"files\": {{{}}}}}\n-----BEGIN PGP SIGNATURE-----\n\nwqEEARMKAAYFAmN\n\
         -----END PGP SIGNATURE-----\n",
        files.join(", ")
    );
    fs::write(dist.join("MANIFEST.txt"), manifest).unwrap();
}

#[test]
fn a_dist_missing_what_plugin_json_promises_is_refused() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "wx", "acme");
    let refused = |line: &str, expected: &str| {
        let before = scratch.tree();
        scratch.run_in(&root, line).fails(2, expected);
        assert_eq!(scratch.tree(), before, "{line}: files changed");
    };
    refused("package", "build the plugin first");
    release_dist(&root);
    refused(
        "package --target darwin-arm64",
        "lacks the backend executable gpx_wx_darwin_arm64",
    );
    refused(
        "package --target darwin-arm64",
        "create-grafana-plugin build --target darwin-arm64",
    );
    for name in ["gpx_wx_linux_amd64", "gpx_wx_linux_arm64"] {
        fs::remove_file(root.join("dist").join(name)).unwrap();
    }
    refused("package", "create-grafana-plugin build --target all");
    fake_dist(&root, &[("gpx_wx_linux_amd64", b"#!/bin/sh\n".to_vec())]);
    refused("package", "is not an executable this tool can read");
    refused(
        "package",
        "help: rebuild it: create-grafana-plugin build --target linux",
    );
    release_dist(&root);
    let manifest = root.join("dist/plugin.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("\"1.0.0\"", "\"%VERSION%\"")).unwrap();
    refused("package", "which replace %VERSION%");
    release_dist(&root);
    fs::remove_file(root.join("dist/module.js")).unwrap();
    refused("package", "has no module.js");
}

#[test]
fn debug_builds_are_refused_unless_allowed_and_then_named() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "wx", "acme");
    fake_dist(
        &root,
        &[
            ("gpx_wx_linux_amd64", elf(EM_X86_64, &[".text"])),
            (
                "gpx_wx_linux_arm64",
                elf(EM_AARCH64, &[".text", ".debug_info", ".debug_line"]),
            ),
        ],
    );
    let before = scratch.tree();
    let package = |line: &str| scratch.run_in(&root, line).output().unwrap();
    let refused = package("package");
    let stderr = stderr_of(&refused);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    let arm = root.join("dist/gpx_wx_linux_arm64");
    assert!(
        stderr.contains(&format!("{} is a debug build", arm.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("gpx_wx_linux_amd64"), "{stderr}");
    assert!(
        stderr.contains(
            "help: build for release with `create-grafana-plugin build --target linux-arm64`, or \
             pass --allow-debug"
        ),
        "{stderr}"
    );
    assert_eq!(scratch.tree(), before, "a refused package changed files");
    assert!(!root.join("artifacts").exists());

    let allowed = package("package --allow-debug");
    let stderr = stderr_of(&allowed);
    assert!(allowed.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: packaging {}, a debug build",
            arm.display()
        )),
        "{stderr}"
    );
    assert!(root
        .join("artifacts/acme-wx-datasource-1.0.0.linux_arm64.zip")
        .is_file());
}

/// The real thing: what `build --debug` leaves is refused, what `build` leaves is packaged.
#[test]
fn a_real_debug_build_is_refused_and_a_release_build_is_packaged() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "shipped", "acme");
    let build = |line: &str| {
        let output = scratch
            .run_in(&root, line)
            .env("CARGO_TARGET_DIR", shared_cargo_target())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        // No frontend is installed here; the archive needs its module.js all the same.
        fs::write(root.join("dist/module.js"), "define([], function () {});").unwrap();
    };
    let package = || scratch.run_in(&root, "package").output().unwrap();
    build("build --target linux --debug");
    let refused = package();
    let stderr = stderr_of(&refused);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("gpx_shipped_linux_amd64 is a debug build: it carries"),
        "{stderr}"
    );
    assert!(
        stderr.contains("create-grafana-plugin build --target linux`"),
        "{stderr}"
    );
    assert!(!root.join("artifacts").exists());

    build("build --target linux");
    let packaged = package();
    assert!(packaged.status.success(), "{}", stderr_of(&packaged));
    assert!(
        !stderr_of(&packaged).contains("debug"),
        "{}",
        stderr_of(&packaged)
    );
    assert!(root
        .join("artifacts/acme-shipped-datasource-1.0.0.linux_amd64.zip")
        .is_file());
}
