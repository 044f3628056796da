//! The offline checks of Grafana's plugin validator (github.com/grafana/plugin-validator), run
//! on a plugin archive or a plugin folder. Each pass keeps the validator's name, and each rule
//! its rule name and severity, so a finding here is the finding the catalog would report.
//! Passes that need the network or the plugin's source code are not here; the ones a Rust
//! backend can never pass are summed up in [`CATALOG_NOTE`].
//!
//! `validate` prints these findings; `package` runs [`check_archive`] on what it wrote.

mod backend;
mod files;
mod frontend;
mod images;
mod layout;
mod manifest;
mod metadata;
mod nested;
mod package;
mod readme;
mod semver;
mod svg;

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

pub use package::Package;

/// How the validator grades a finding. Only errors block a catalog submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Recommendation,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Recommendation => "recommendation",
        }
    }
}

/// One rule of a pass: the validator's pass name, its rule name and its severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub pass: &'static str,
    pub name: &'static str,
    pub severity: Severity,
}

/// One line per rule in each pass's table.
impl Rule {
    pub const fn error(pass: &'static str, name: &'static str) -> Self {
        Self::new(pass, name, Severity::Error)
    }

    pub const fn warning(pass: &'static str, name: &'static str) -> Self {
        Self::new(pass, name, Severity::Warning)
    }

    pub const fn recommendation(pass: &'static str, name: &'static str) -> Self {
        Self::new(pass, name, Severity::Recommendation)
    }

    const fn new(pass: &'static str, name: &'static str, severity: Severity) -> Self {
        Self {
            pass,
            name,
            severity,
        }
    }
}

/// A pass: a name and the function that reports its rules' findings.
struct Pass {
    name: &'static str,
    check: fn(&Package, &mut Findings),
}

/// In the validator's order of dependencies: layout first, then plugin.json, then the files it
/// points to.
const PASSES: &[Pass] = &[
    Pass {
        name: "archivename",
        check: layout::archive_name,
    },
    Pass {
        name: "manifest",
        check: manifest::manifest,
    },
    Pass {
        name: "metadata",
        check: metadata::metadata,
    },
    Pass {
        name: "metadatavalid",
        check: metadata::schema,
    },
    Pass {
        name: "version",
        check: metadata::version,
    },
    Pass {
        name: "grafanadependency",
        check: metadata::grafana_dependency,
    },
    Pass {
        name: "typesuffix",
        check: metadata::type_suffix,
    },
    Pass {
        name: "nestedmetadata",
        check: nested::nested_metadata,
    },
    Pass {
        name: "includesnested",
        check: nested::includes_nested,
    },
    Pass {
        name: "modulejs",
        check: frontend::module_js,
    },
    Pass {
        name: "trackingscripts",
        check: frontend::tracking_scripts,
    },
    Pass {
        name: "backendbinary",
        check: backend::backend_binary,
    },
    Pass {
        name: "binarypermissions",
        check: backend::binary_permissions,
    },
    Pass {
        name: "backenddebug",
        check: backend::backend_debug,
    },
    Pass {
        name: "readme",
        check: readme::readme,
    },
    Pass {
        name: "templatereadme",
        check: readme::template_readme,
    },
    Pass {
        name: "jargon",
        check: readme::jargon,
    },
    Pass {
        name: "brokenlinks",
        check: readme::relative_links,
    },
    Pass {
        name: "changelog",
        check: files::changelog,
    },
    Pass {
        name: "license",
        check: files::license,
    },
    Pass {
        name: "logos",
        check: images::logos,
    },
    Pass {
        name: "metadatapaths",
        check: images::metadata_paths,
    },
    Pass {
        name: "screenshots",
        check: images::screenshots,
    },
    Pass {
        name: "unsafesvg",
        check: svg::unsafe_svg,
    },
];

/// What the catalog requires of every backend and a Rust one cannot give. Said once, plainly,
/// apart from the findings, because no change to the package fixes it.
pub const CATALOG_NOTE: &str = "Grafana's plugin catalog does not accept a backend written in \
Rust: the validator's `sdkusage` pass fails every backend plugin whose source has no go.mod \
requiring github.com/grafana/grafana-plugin-sdk-go, and `backendbinary` reads Go build \
information from the executables. Ship this plugin signed privately for your own Grafana \
(`npx @grafana/sign-plugin --rootUrls https://your.grafana/`) or unsigned into a self-hosted \
Grafana that allows it (allow_loading_unsigned_plugins).";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The validator's pass, e.g. `modulejs`.
    pub rule: &'static str,
    /// The rule within the pass, e.g. `missing-modulejs`.
    pub check: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// Everything one run found, in the order of [`PASSES`].
#[derive(Debug, Default)]
pub struct Findings {
    pub items: Vec<Finding>,
    /// A plugin.json in the package declares a backend: the catalog note applies.
    pub has_backend: bool,
}

impl Finding {
    /// One line: severity (coloured where the stream allows), rule and message.
    pub fn line(&self, on_stderr: bool) -> String {
        let label = format!("{:<14}", self.severity.as_str());
        let label = match self.severity {
            Severity::Error => console::style(label).red().bold(),
            Severity::Warning => console::style(label).yellow(),
            Severity::Recommendation => console::style(label).cyan(),
        };
        let label = if on_stderr { label.for_stderr() } else { label };
        format!("{label} {}/{}: {}", self.rule, self.check, self.message)
    }
}

impl Findings {
    pub fn add(&mut self, rule: &Rule, message: impl Into<String>) {
        self.items.push(Finding {
            rule: rule.pass,
            check: rule.name,
            severity: rule.severity,
            message: message.into(),
        });
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|f| f.severity == severity).count()
    }

    /// "1 error, 2 warnings, 0 recommendations".
    pub fn summary(&self) -> String {
        let counted = |severity: Severity| {
            let n = self.count(severity);
            format!("{n} {}{}", severity.as_str(), if n == 1 { "" } else { "s" })
        };
        [Severity::Error, Severity::Warning, Severity::Recommendation]
            .map(counted)
            .join(", ")
    }
}

/// Checks a plugin zip. Fails (bad input) only when the file cannot be read as a zip.
pub fn check_archive(path: &Path) -> Result<Findings> {
    Ok(check(&Package::from_archive(path)?))
}

/// Checks a plugin folder: one holding `plugin.json` (a `dist/`), or a plugin whose `dist/` does.
pub fn check_dir(path: &Path) -> Result<Findings> {
    Ok(check(&Package::from_dir(path)?))
}

/// Runs every pass. A package whose layout is wrong gets only the layout's findings, as the
/// validator cannot find the plugin's files in it.
pub fn check(package: &Package) -> Findings {
    let mut findings = Findings::default();
    layout::archive(package, &mut findings);
    if package.base.is_none() {
        return findings;
    }
    for pass in PASSES {
        let before = findings.items.len();
        (pass.check)(package, &mut findings);
        // Each pass reports only its own rules, so the table's names are the findings' names.
        debug_assert!(
            findings.items[before..].iter().all(|f| f.rule == pass.name),
            "pass {} reported another pass's rule",
            pass.name
        );
    }
    findings.has_backend = package.manifests().any(|(_, m)| m.backend());
    findings
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A package from `(path, bytes, mode)` triples below one top folder named `root`.
    pub fn package(root: &str, files: &[(&str, &[u8], u32)]) -> Package {
        Package::from_entries(
            None,
            files
                .iter()
                .map(|(p, b, m)| (format!("{root}/{p}"), b.to_vec(), Some(*m)))
                .collect(),
        )
    }

    /// The `pass/rule` names found, for short assertions.
    pub fn found(package: &Package) -> Vec<String> {
        check(package)
            .items
            .iter()
            .map(|f| format!("{}/{}", f.rule, f.check))
            .collect()
    }

    pub const PLUGIN_JSON: &str = r#"{
  "type": "datasource", "name": "Weather", "id": "acme-weather-datasource",
  "backend": true, "executable": "gpx_weather",
  "info": {"keywords": ["weather"], "logos": {"small": "img/logo.svg", "large": "img/logo.svg"},
           "screenshots": [{"name": "Main", "path": "img/shot.png"}],
           "version": "1.2.3", "updated": "2026-01-02"},
  "dependencies": {"grafanaDependency": ">=12.3.0"}
}"#;

    pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    pub const SVG: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\"/></svg>";

    /// A package every rule accepts; tests change one thing in it.
    pub fn clean() -> Vec<(&'static str, Vec<u8>, u32)> {
        let mut files = vec![
            ("plugin.json", PLUGIN_JSON.as_bytes().to_vec(), 0o644),
            ("module.js", b"define([],function(){})".to_vec(), 0o644),
            (
                "README.md",
                b"# Weather\n\nShows the weather.\n".to_vec(),
                0o644,
            ),
            ("CHANGELOG.md", b"# Changelog\n\n## 1.2.3\n".to_vec(), 0o644),
            ("LICENSE", b"Apache License\nVersion 2.0\n".to_vec(), 0o644),
            ("img/logo.svg", SVG.to_vec(), 0o644),
            ("img/shot.png", PNG.to_vec(), 0o644),
        ];
        for t in crate::target::TARGETS {
            let name: &'static str = Box::leak(t.file_name("gpx_weather").into_boxed_str());
            files.push((name, b"binary".to_vec(), 0o755));
        }
        files
    }

    pub fn with(
        mut files: Vec<(&'static str, Vec<u8>, u32)>,
        change: impl FnOnce(&mut Vec<(&'static str, Vec<u8>, u32)>),
    ) -> Package {
        change(&mut files);
        let borrowed: Vec<(&str, &[u8], u32)> = files
            .iter()
            .map(|(p, b, m)| (*p, b.as_slice(), *m))
            .collect();
        package("acme-weather-datasource", &borrowed)
    }

    pub fn set(files: &mut [(&'static str, Vec<u8>, u32)], path: &str, bytes: &[u8]) {
        let entry = files
            .iter_mut()
            .find(|f| f.0 == path)
            .expect("file in clean");
        entry.1 = bytes.to_vec();
    }

    pub fn remove(files: &mut Vec<(&'static str, Vec<u8>, u32)>, path: &str) {
        files.retain(|f| f.0 != path);
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn a_clean_package_has_no_findings_but_the_backend_note() {
        let findings = check(&with(clean(), |_| {}));
        assert_eq!(findings.items, []);
        assert!(findings.has_backend);
    }

    #[test]
    fn every_pass_is_listed_once() {
        let mut names: Vec<&str> = PASSES.iter().map(|p| p.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), PASSES.len());
    }
}
