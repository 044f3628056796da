//! Reads a built executable's headers, so a misconfigured linker is caught here and not when
//! Grafana fails to start the plugin on the user's server.

use std::path::Path;

use anyhow::{bail, Context, Result};
use object::{Architecture, BinaryFormat, Object, ObjectSection};

use crate::target::{BuildTarget, Os};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inspection {
    pub os: Os,
    /// Grafana's architecture name.
    pub arch: &'static str,
    /// Only meaningful for Linux: no dynamic loader is requested.
    pub is_static: bool,
    /// What a debug build leaves in; `None` for the stripped release builds `build` makes.
    pub debug: Option<DebugInfo>,
}

/// Debug information in an executable: what makes `dev`'s and `build --debug`'s output many
/// times the size of a release build, and what `strip` removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DebugInfo {
    /// DWARF sections in the file itself (ELF, PE, or a Mach-O `__DWARF` segment), in bytes.
    Dwarf { bytes: u64 },
    /// A Mach-O debug map: symbol-table entries naming the object files that hold the DWARF,
    /// which is how Apple's linker (and zig's) leave it.
    DebugMap { objects: usize },
}

impl std::fmt::Display for DebugInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dwarf { bytes } => {
                write!(f, "{} of DWARF debug information", human_size(*bytes))
            }
            Self::DebugMap { objects } => {
                write!(f, "a debug map to {objects} object file(s)")
            }
        }
    }
}

fn human_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    match bytes as f64 {
        b if b < KIB => format!("{bytes} bytes"),
        b if b < KIB * KIB => format!("{:.1} KiB", b / KIB),
        b => format!("{:.1} MiB", b / (KIB * KIB)),
    }
}

/// Section name prefixes of DWARF data, as ELF and PE (`.debug_info`) and Mach-O
/// (`__debug_info`) spell them, compressed or not.
const DWARF_PREFIXES: [&str; 4] = [".debug_", ".zdebug_", "__debug_", "__zdebug_"];

fn debug_info(file: &object::File) -> Option<DebugInfo> {
    let bytes: u64 = file
        .sections()
        .filter(|s| {
            s.name()
                .is_ok_and(|name| DWARF_PREFIXES.iter().any(|p| name.starts_with(p)))
        })
        .map(|s| s.size())
        .sum();
    if bytes > 0 {
        return Some(DebugInfo::Dwarf { bytes });
    }
    let objects = file.object_map().objects().len();
    (objects > 0).then_some(DebugInfo::DebugMap { objects })
}

impl Inspection {
    pub fn describe(&self) -> String {
        let format = match self.os {
            Os::Linux => "ELF",
            Os::Darwin => "Mach-O",
            Os::Windows => "PE32+",
        };
        match (self.os, self.is_static) {
            (Os::Linux, true) => format!("{format} {}, static", self.arch),
            (Os::Linux, false) => format!("{format} {}, dynamic", self.arch),
            _ => format!("{format} {}", self.arch),
        }
    }
}

pub fn inspect(path: &Path) -> Result<Inspection> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let file = object::File::parse(&*data)
        .with_context(|| format!("{} is not an executable this tool can read", path.display()))?;
    let os = match file.format() {
        BinaryFormat::Elf => Os::Linux,
        BinaryFormat::MachO => Os::Darwin,
        BinaryFormat::Pe => Os::Windows,
        other => bail!(
            "{} is a {other:?} file, not an executable for Grafana",
            path.display()
        ),
    };
    let arch = match file.architecture() {
        Architecture::X86_64 => "amd64",
        Architecture::Aarch64 => "arm64",
        Architecture::Arm => "arm",
        other => bail!(
            "{} is built for {other:?}, which Grafana does not run on",
            path.display()
        ),
    };
    // A dynamically linked ELF executable names its loader in `.interp`; a static one has none.
    let is_static = file.section_by_name(".interp").is_none();
    Ok(Inspection {
        os,
        arch,
        is_static,
        debug: debug_info(&file),
    })
}

/// Fails unless the file at `path` runs on `target` (and, on Linux, is static).
pub fn verify(path: &Path, target: &BuildTarget) -> Result<Inspection> {
    let found = inspect(path)?;
    if (found.os, found.arch) != (target.os, target.arch) {
        bail!(
            "{} was built for {}_{}, not {}_{}; the linker configuration for {} is wrong",
            path.display(),
            found.os.as_str(),
            found.arch,
            target.os.as_str(),
            target.arch,
            target.triple.name
        );
    }
    if target.os == Os::Linux && !found.is_static {
        bail!(
            "{} is dynamically linked; Grafana's Alpine-based image cannot start it\n  help: \
             build with a musl target or with -C target-feature=+crt-static",
            path.display()
        );
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_test_binary_is_recognised() {
        let me = std::env::current_exe().unwrap();
        let found = inspect(&me).unwrap();
        if let Some(host) = BuildTarget::host() {
            assert_eq!((found.os, found.arch), (host.os, host.arch));
        }
    }

    #[test]
    fn text_is_not_an_executable() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("gpx_x_linux_amd64");
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        let error = inspect(&path).unwrap_err().to_string();
        assert!(error.contains("not an executable"), "{error}");
    }
}
