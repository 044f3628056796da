//! The platforms Grafana runs on and how a Rust backend is built for each. [`TARGETS`] is the
//! single table of names, Rust triples and Grafana's file suffixes; nothing else repeats them.

use std::fmt;

use crate::bad_input;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Os {
    Linux,
    Darwin,
    Windows,
}

impl Os {
    /// Grafana's (and Go's) name for the operating system.
    pub fn as_str(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Darwin => "darwin",
            Os::Windows => "windows",
        }
    }

    pub fn host() -> Option<Self> {
        match std::env::consts::OS {
            "linux" => Some(Os::Linux),
            "macos" => Some(Os::Darwin),
            "windows" => Some(Os::Windows),
            _ => None,
        }
    }
}

/// How a target is linked when zig (through cargo-zigbuild) is not available and the host is
/// another platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrossLinker {
    /// musl targets carry their own C runtime, so the LLVM linker shipped with Rust suffices.
    RustLld,
    /// A GCC cross toolchain, e.g. from Debian's packages.
    Gcc {
        command: &'static str,
        apt_package: &'static str,
    },
    /// Only zig can link it from another system (macOS from Linux).
    ZigOnly,
}

/// One way of compiling a target: the Rust triple, its linker and extra flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Triple {
    pub name: &'static str,
    pub cross_linker: CrossLinker,
    /// Whether zig can link it; zig cannot link glibc statically.
    pub zig: bool,
    /// Extra rustc flags for this triple, e.g. to link glibc statically.
    pub rustflags: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuildTarget {
    /// What users type: `linux`, `linux-arm64`, …
    pub name: &'static str,
    pub os: Os,
    /// Grafana's (and Go's) name for the architecture.
    pub arch: &'static str,
    pub triple: Triple,
    /// Used when the preferred triple's standard library is not installed and cannot be.
    pub fallback: Option<Triple>,
    /// Oldest macOS the binary runs on; fixed so that builds do not depend on the SDK at hand.
    pub macos_deployment_target: Option<&'static str>,
}

const fn musl(name: &'static str) -> Triple {
    Triple {
        name,
        cross_linker: CrossLinker::RustLld,
        zig: true,
        rustflags: "",
    }
}

const fn apple(name: &'static str) -> Triple {
    Triple {
        name,
        cross_linker: CrossLinker::ZigOnly,
        zig: true,
        rustflags: "",
    }
}

/// Linux binaries are static (musl, or glibc linked statically), so they run in any Grafana
/// container, including the official Alpine image where glibc-linked plugins fail to start.
pub const TARGETS: &[BuildTarget] = &[
    BuildTarget {
        name: "linux",
        os: Os::Linux,
        arch: "amd64",
        triple: musl("x86_64-unknown-linux-musl"),
        fallback: None,
        macos_deployment_target: None,
    },
    BuildTarget {
        name: "linux-arm64",
        os: Os::Linux,
        arch: "arm64",
        triple: musl("aarch64-unknown-linux-musl"),
        fallback: None,
        macos_deployment_target: None,
    },
    BuildTarget {
        name: "linux-arm",
        os: Os::Linux,
        arch: "arm",
        triple: musl("armv7-unknown-linux-musleabihf"),
        // The armv7 musl standard library is not published for every toolchain.
        fallback: Some(Triple {
            name: "armv7-unknown-linux-gnueabihf",
            cross_linker: CrossLinker::Gcc {
                command: "arm-linux-gnueabihf-gcc",
                apt_package: "gcc-arm-linux-gnueabihf",
            },
            zig: false,
            rustflags: "-C target-feature=+crt-static",
        }),
        macos_deployment_target: None,
    },
    BuildTarget {
        name: "darwin",
        os: Os::Darwin,
        arch: "amd64",
        triple: apple("x86_64-apple-darwin"),
        fallback: None,
        macos_deployment_target: Some("10.13"),
    },
    BuildTarget {
        name: "darwin-arm64",
        os: Os::Darwin,
        arch: "arm64",
        triple: apple("aarch64-apple-darwin"),
        fallback: None,
        macos_deployment_target: Some("11.0"),
    },
    BuildTarget {
        name: "windows",
        os: Os::Windows,
        arch: "amd64",
        triple: Triple {
            name: "x86_64-pc-windows-gnu",
            cross_linker: CrossLinker::Gcc {
                command: "x86_64-w64-mingw32-gcc",
                apt_package: "gcc-mingw-w64-x86-64",
            },
            zig: true,
            rustflags: "",
        },
        fallback: None,
        macos_deployment_target: None,
    },
];

impl BuildTarget {
    /// `_linux_amd64`, `_windows_amd64.exe`: what Grafana appends to `executable`.
    pub fn suffix(&self) -> String {
        let exe = if self.os == Os::Windows { ".exe" } else { "" };
        format!("_{}_{}{exe}", self.os.as_str(), self.arch)
    }

    /// The file Grafana starts on this platform for a plugin whose `executable` is `executable`.
    pub fn file_name(&self, executable: &str) -> String {
        format!("{executable}{}", self.suffix())
    }

    /// The row for the machine this runs on, if Grafana runs on it.
    pub fn host() -> Option<&'static BuildTarget> {
        let os = Os::host()?;
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "arm" => "arm",
            _ => return None,
        };
        TARGETS.iter().find(|t| t.os == os && t.arch == arch)
    }

    /// Whether the host's own toolchain links this target (same system; on macOS, both
    /// architectures, which Apple's linker handles).
    pub fn is_native(&self) -> bool {
        match Os::host() {
            Some(Os::Darwin) => self.os == Os::Darwin,
            Some(os) => Self::host().is_some_and(|host| host == self && host.os == os),
            None => false,
        }
    }

    /// Every triple this target may be built with, preferred first.
    pub fn triples(&self) -> impl Iterator<Item = &Triple> {
        std::iter::once(&self.triple).chain(self.fallback.as_ref())
    }
}

impl fmt::Display for BuildTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

pub fn names() -> String {
    let mut names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
    names.push("all");
    names.join(", ")
}

/// Resolves what the user typed into table rows, in table order and without repeats. No names
/// means the host.
pub fn resolve(requested: &[String]) -> anyhow::Result<Vec<&'static BuildTarget>> {
    if requested.is_empty() {
        let host = BuildTarget::host().ok_or_else(|| {
            bad_input!(
                "Grafana does not run on this machine's platform ({}/{}), so there is no host \
                 target\n  help: name one with --target ({})",
                std::env::consts::OS,
                std::env::consts::ARCH,
                names()
            )
        })?;
        return Ok(vec![host]);
    }
    let mut wanted = Vec::new();
    for name in requested {
        let name = name.trim().to_ascii_lowercase();
        if name == "all" {
            wanted.extend(TARGETS.iter());
            continue;
        }
        let target = TARGETS
            .iter()
            .find(|t| t.name == name || t.triples().any(|triple| triple.name == name))
            .ok_or_else(|| {
                bad_input!(
                    "unknown target `{name}`\n  help: valid targets are {}",
                    names()
                )
            })?;
        wanted.push(target);
    }
    Ok(TARGETS.iter().filter(|t| wanted.contains(t)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(targets: &[&BuildTarget]) -> Vec<&'static str> {
        targets.iter().map(|t| t.name).collect()
    }

    #[test]
    fn suffixes_follow_grafana() {
        let suffixes: Vec<String> = TARGETS.iter().map(BuildTarget::suffix).collect();
        assert_eq!(
            suffixes,
            [
                "_linux_amd64",
                "_linux_arm64",
                "_linux_arm",
                "_darwin_amd64",
                "_darwin_arm64",
                "_windows_amd64.exe"
            ]
        );
        assert_eq!(TARGETS[5].file_name("gpx_wx"), "gpx_wx_windows_amd64.exe");
    }

    #[test]
    fn names_and_triples_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for target in TARGETS {
            assert!(seen.insert(target.name), "{}", target.name);
            assert!(seen.insert(target.suffix().leak()), "{}", target.suffix());
            for triple in target.triples() {
                assert!(seen.insert(triple.name), "{}", triple.name);
            }
        }
    }

    #[test]
    fn linux_is_always_static() {
        for target in TARGETS.iter().filter(|t| t.os == Os::Linux) {
            for triple in target.triples() {
                let is_static =
                    triple.name.contains("musl") || triple.rustflags.contains("+crt-static");
                assert!(is_static, "{} links {} dynamically", target, triple.name);
            }
        }
    }

    #[test]
    fn requests_resolve_in_table_order_without_repeats() {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let got = resolve(&strings(&["windows", "linux", "Linux"])).unwrap();
        assert_eq!(names_of(&got), ["linux", "windows"]);
        let all = resolve(&strings(&["all", "darwin"])).unwrap();
        assert_eq!(all.len(), TARGETS.len());
        let by_triple = resolve(&strings(&["aarch64-unknown-linux-musl"])).unwrap();
        assert_eq!(names_of(&by_triple), ["linux-arm64"]);
    }

    #[test]
    fn unknown_targets_list_the_valid_ones() {
        let error = resolve(&["freebsd".to_string()]).unwrap_err().to_string();
        assert!(error.contains("unknown target `freebsd`"), "{error}");
        assert!(error.contains("linux, linux-arm64, linux-arm, darwin, darwin-arm64, windows, all"));
    }

    #[test]
    fn the_host_is_the_default() {
        if let Some(host) = BuildTarget::host() {
            assert_eq!(resolve(&[]).unwrap(), [host]);
            assert!(host.is_native());
        }
    }
}
