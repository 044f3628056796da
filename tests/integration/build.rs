//! `build` on generated plugins: real cross-compiles whose headers are read back, the Linux
//! binaries checked the way Grafana starts them (arm ones under qemu-user), and every refusal
//! leaving the plugin exactly as it was.

use std::fs;
use std::path::Path;

use object::read::elf::{ElfFile, FileHeader, ProgramHeader};
use object::{Architecture, BinaryFormat, Endianness, Object};

use crate::support::{
    assert_same_tree, interrupt, processes_left_in, processes_now_in, require_tool,
    shared_cargo_target, stderr_of, stdout_of, tree, words, Scratch,
};

/// 2026-11-23 12:00:00 UTC: dist/plugin.json must carry this day, whatever the clock says.
const EPOCH: &str = "1795435200";

/// The command `line` in `root`, with the shared cargo target and a fixed build date.
fn build(scratch: &Scratch, root: &Path, line: &str) -> std::process::Output {
    scratch
        .run_in(root, line)
        .env("CARGO_TARGET_DIR", shared_cargo_target())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap()
}

fn assert_built(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "build failed\n--- stdout\n{}\n--- stderr\n{}",
        stdout_of(output),
        stderr_of(output)
    );
}

/// What the file's headers say, read independently of the tool's own check.
#[derive(Debug, PartialEq, Eq)]
struct Header {
    format: BinaryFormat,
    arch: Architecture,
    /// ELF only: whether a program interpreter (dynamic loader) is requested.
    interpreter: bool,
}

fn header(path: &Path) -> Header {
    let data = fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let file = object::File::parse(&*data).unwrap();
    let interpreter = match file.format() {
        BinaryFormat::Elf if file.is_64() => {
            has_interp::<object::elf::FileHeader64<Endianness>>(&data)
        }
        BinaryFormat::Elf => has_interp::<object::elf::FileHeader32<Endianness>>(&data),
        _ => false,
    };
    Header {
        format: file.format(),
        arch: file.architecture(),
        interpreter,
    }
}

fn has_interp<H: FileHeader<Endian = Endianness>>(data: &[u8]) -> bool {
    let elf = ElfFile::<H>::parse(data).unwrap();
    let endian = elf.endian();
    elf.elf_program_headers()
        .iter()
        .any(|ph| ph.p_type(endian) == object::elf::PT_INTERP)
}

fn assert_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "{} is not executable", path.display());
}

/// `check` against a built executable, optionally through an emulator, as Grafana would start it.
fn check_passes(scratch: &Scratch, root: &Path, exe: &Path, emulator: Option<&Path>) {
    let exe = match emulator {
        None => exe.to_owned(),
        Some(qemu) => {
            let wrapper = scratch.path().join(format!(
                "run-{}",
                exe.file_name().unwrap().to_string_lossy()
            ));
            fs::write(
                &wrapper,
                format!(
                    "#!/bin/sh\nexec {} {} \"$@\"\n",
                    qemu.display(),
                    exe.display()
                ),
            )
            .unwrap();
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).unwrap();
            wrapper
        }
    };
    let output = scratch
        .run_in(root, "check --json --timeout 60 --exe")
        .arg(&exe)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {}", stderr_of(&output)));
    assert!(output.status.success(), "{}: {report:#}", exe.display());
    assert_eq!(report["passed"], true, "{report:#}");
}

#[test]
fn linux_builds_are_static_named_for_grafana_and_pass_check() {
    // The data source in release, as users ship it; the app in debug, which shares its compiled
    // dependencies with the dev and all-targets tests.
    for (kind, profile) in [("datasource", ""), ("app", "--debug")] {
        let scratch = Scratch::new();
        let root = scratch.generate_as(kind, true, &format!("{kind}build"), "acme");
        let output = build(&scratch, &root, &format!("build --target linux {profile}"));
        assert_built(&output);
        let exe = root.join(format!("dist/gpx_{kind}build_linux_amd64"));
        assert!(
            stdout_of(&output).contains(&format!("dist/gpx_{kind}build_linux_amd64")),
            "{}",
            stdout_of(&output)
        );
        assert_eq!(
            header(&exe),
            Header {
                format: BinaryFormat::Elf,
                arch: Architecture::X86_64,
                interpreter: false
            }
        );
        assert_executable(&exe);
        check_passes(&scratch, &root, &exe, None);

        // plugin.json and the files create-plugin's build copies, placeholders filled.
        let manifest: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(root.join("dist/plugin.json")).unwrap())
                .unwrap();
        assert_eq!(manifest["info"]["version"], "1.0.0");
        assert_eq!(manifest["info"]["updated"], "2026-11-23");
        for file in ["README.md", "CHANGELOG.md", "LICENSE", "img/logo.svg"] {
            assert!(
                root.join("dist").join(file).is_file(),
                "{kind}: dist/{file}"
            );
        }

        // No --target means this machine; an up-to-date build relinks nothing and keeps dist/.
        let again = build(&scratch, &root, &format!("build {profile}"));
        assert_built(&again);
        assert!(
            stdout_of(&again).contains("linux "),
            "{}",
            stdout_of(&again)
        );
        assert!(exe.is_file());
    }
}

#[test]
fn every_target_builds_with_the_toolchains_the_test_script_installs() {
    let zig_hint =
        "scripts/test installs it (pip install ziglang cargo-zigbuild in target/tools/zig)";
    require_tool("cargo-zigbuild", zig_hint);
    let qemu_hint = "apt-get install qemu-user-static";
    let qemu_arm64 = require_tool("qemu-aarch64-static", qemu_hint);
    let qemu_arm = require_tool("qemu-arm-static", qemu_hint);
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "everywhere", "acme");
    // Debug builds: the format, architecture and linking are the same as in release (which the
    // linux test covers), at a fraction of the compile time of five LTO builds.
    let output = build(&scratch, &root, "build --target all --debug");
    assert_built(&output);
    eprintln!("{}", stdout_of(&output));
    let expected = [
        ("linux_amd64", BinaryFormat::Elf, Architecture::X86_64),
        ("linux_arm64", BinaryFormat::Elf, Architecture::Aarch64),
        ("linux_arm", BinaryFormat::Elf, Architecture::Arm),
        ("darwin_amd64", BinaryFormat::MachO, Architecture::X86_64),
        ("darwin_arm64", BinaryFormat::MachO, Architecture::Aarch64),
        ("windows_amd64.exe", BinaryFormat::Pe, Architecture::X86_64),
    ];
    for (suffix, format, arch) in expected {
        let exe = root.join(format!("dist/gpx_everywhere_{suffix}"));
        let found = header(&exe);
        assert_eq!((found.format, found.arch), (format, arch), "{suffix}");
        assert!(!found.interpreter, "{suffix} is dynamically linked");
        assert_executable(&exe);
    }
    let dist = root.join("dist");
    // The debug information of every format is seen, so `package` refuses each file.
    fs::write(dist.join("module.js"), "define([], function () {});").unwrap();
    let package = scratch.run_in(&root, "package").output().unwrap();
    let stderr = stderr_of(&package);
    assert_eq!(package.status.code(), Some(2), "{stderr}");
    for (suffix, _, _) in expected {
        let file = dist.join(format!("gpx_everywhere_{suffix}"));
        let refused = format!("{} is a debug build", file.display());
        assert!(stderr.contains(&refused), "{suffix}: {stderr}");
    }
    assert!(
        stderr.contains("or pass --allow-debug to package them as they are"),
        "{stderr}"
    );
    check_passes(
        &scratch,
        &root,
        &dist.join("gpx_everywhere_linux_arm64"),
        Some(&qemu_arm64),
    );
    check_passes(
        &scratch,
        &root,
        &dist.join("gpx_everywhere_linux_arm"),
        Some(&qemu_arm),
    );
}

#[test]
fn a_compile_error_shows_cargo_diagnostics_and_keeps_dist() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "broken", "acme");
    fs::create_dir(root.join("dist")).unwrap();
    fs::write(
        root.join("dist/gpx_broken_linux_amd64"),
        "the previous build",
    )
    .unwrap();
    let main = root.join("pkg/main.rs");
    let source = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        format!("{source}\nfn broken() -> u32 {{ \"not a number\" }}\n"),
    )
    .unwrap();
    let before = tree(&root);
    let output = build(&scratch, &root, "build --target linux");
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("error[E0308]: mismatched types"),
        "{stderr}"
    );
    assert!(stderr.contains("failed"), "{stderr}");
    // The shared CARGO_TARGET_DIR is outside the plugin, so nothing in it may change.
    assert_same_tree(&tree(&root), &before);
}

#[test]
fn ctrl_c_during_a_build_stops_cargo_and_every_rustc_and_keeps_dist() {
    let scratch = Scratch::new();
    let root = scratch.generate_as("datasource", true, "stopped", "acme");
    fs::create_dir(root.join("dist")).unwrap();
    fs::write(
        root.join("dist/gpx_stopped_linux_amd64"),
        "the previous build",
    )
    .unwrap();
    let before = tree(&root);
    // A target directory of its own, so cargo is compiling (not waiting for a lock) when stopped.
    let mut child = scratch
        .std_cmd()
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(words("build --target linux"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !root.join("target/release").is_dir() && started.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert!(
        !processes_now_in(&root).is_empty(),
        "the build was not running"
    );
    assert_eq!(interrupt(&mut child), Some(130));
    // rustc processes end on their own SIGTERM; give them a moment to go.
    let left = processes_left_in(&root, std::time::Duration::from_secs(15));
    assert_eq!(left, Vec::<String>::new());
    let mut after = tree(&root);
    after.retain(|path, _| !path.starts_with("target"));
    assert_same_tree(&after, &before);
}
