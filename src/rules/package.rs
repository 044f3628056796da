//! A plugin package as the rules see it, whether it came from a zip or a folder: its top-level
//! entries, the folder holding the plugin, and the files below it with their modes and, for the
//! files a rule reads, their bytes.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::bad_input;

/// One file of the plugin, relative to the plugin folder, with `/` separators.
#[derive(Debug)]
pub struct File {
    /// Unix permission bits, when the archive or file system records them.
    pub mode: Option<u32>,
    /// The bytes, for the files rules read (see [`is_read`]); executables are never loaded.
    pub bytes: Option<Vec<u8>>,
    /// SHA-256 in lower-case hex, as a signature's MANIFEST.txt lists it.
    pub sha256: String,
}

#[derive(Debug)]
pub struct Package {
    /// The zip's file name; `None` for a folder, which has no archive layout to check.
    pub archive_name: Option<String>,
    /// Top-level names of the archive and whether each is a folder.
    pub top: BTreeMap<String, bool>,
    /// The folder holding the plugin within the archive (`<id>` or `<id>/dist`), or `""` for a
    /// folder on disk; `None` when the layout leaves no single plugin folder.
    pub base: Option<String>,
    pub files: BTreeMap<String, File>,
    /// Every plugin.json that parses as a JSON object, the top-level one first.
    parsed: Vec<(String, Value)>,
}

/// A parsed plugin.json, read leniently: the rules look fields up and report what is missing.
pub struct Manifest<'a>(pub &'a Value);

impl Manifest<'_> {
    pub fn str(&self, pointer: &str) -> Option<&str> {
        self.0.pointer(pointer).and_then(Value::as_str)
    }

    pub fn text(&self, pointer: &str) -> &str {
        self.str(pointer).unwrap_or_default()
    }

    pub fn flag(&self, field: &str) -> bool {
        self.0.get(field).and_then(Value::as_bool).unwrap_or(false)
    }

    pub fn backend(&self) -> bool {
        self.flag("backend")
    }

    pub fn executable(&self) -> &str {
        self.text("/executable")
    }
}

/// Files whose contents some rule reads; everything else is only listed.
fn is_read(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(
        name,
        "plugin.json" | "module.js" | "README.md" | "CHANGELOG.md" | "LICENSE" | "MANIFEST.txt"
    ) || matches!(
        ext.as_deref(),
        Some("svg" | "png" | "jpg" | "jpeg" | "gif" | "webp")
    )
}

impl Package {
    pub fn from_archive(path: &Path) -> Result<Self> {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let mut zip = zip::ZipArchive::new(file).map_err(|error| {
            bad_input!(
                "{} is not a readable zip archive: {error}\n  help: pass the zip that \
                 `create-grafana-plugin package` wrote, or a plugin's dist/ folder",
                path.display()
            )
        })?;
        let (mut entries, mut digests) = (Vec::new(), Vec::new());
        for index in 0..zip.len() {
            let mut entry = zip.by_index(index).map_err(|error| {
                bad_input!(
                    "{} has an unreadable entry #{index}: {error}\n  help: package the plugin \
                     again",
                    path.display()
                )
            })?;
            let name = entry.name().to_owned();
            let mode = entry.unix_mode().map(|m| m & 0o7777);
            let mut bytes = Vec::new();
            let unpacked = if !entry.is_file() {
                Ok(())
            } else if is_read(&name) {
                entry.read_to_end(&mut bytes).map(drop)
            } else {
                sha256_of(&mut entry).map(|digest| digests.push((name.clone(), digest)))
            };
            unpacked.map_err(|error| {
                bad_input!(
                    "{} cannot be unpacked ({name}: {error})\n  help: package the plugin again",
                    path.display()
                )
            })?;
            entries.push((name, bytes, mode));
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let mut package = Self::from_entries(name, entries);
        // Files no rule reads were hashed as they streamed past, not kept.
        let prefix = package.base.as_ref().map(|base| format!("{base}/"));
        for (name, digest) in digests {
            let relative = prefix.as_deref().and_then(|p| name.strip_prefix(p));
            if let Some(file) = relative.and_then(|r| package.files.get_mut(r)) {
                file.sha256 = digest;
            }
        }
        Ok(package)
    }

    /// Builds the view from zip-style entries: `/`-separated names, folders ending with `/`.
    pub fn from_entries(
        archive_name: Option<String>,
        entries: Vec<(String, Vec<u8>, Option<u32>)>,
    ) -> Self {
        // Some zip tools write `./id/…`; the leading `./` names no folder.
        let entries: Vec<(String, Vec<u8>, Option<u32>)> = entries
            .into_iter()
            .map(|(name, bytes, mode)| (name.trim_start_matches("./").to_owned(), bytes, mode))
            .collect();
        let mut top = BTreeMap::new();
        for (name, _, _) in &entries {
            let trimmed = name.as_str();
            let (first, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
            if first.is_empty() {
                continue;
            }
            let is_dir = trimmed.contains('/');
            let slot = top.entry(first.to_owned()).or_insert(false);
            *slot |= is_dir || !rest.is_empty();
        }
        let base = match top.iter().collect::<Vec<_>>().as_slice() {
            [(root, true)] => {
                let dist = format!("{root}/dist/");
                let legacy = entries.iter().any(|(n, _, _)| n.starts_with(&dist));
                Some(if legacy {
                    format!("{root}/dist")
                } else {
                    (*root).clone()
                })
            }
            _ => None,
        };
        let mut files = BTreeMap::new();
        if let Some(base) = &base {
            let prefix = format!("{base}/");
            for (name, bytes, mode) in entries {
                let Some(relative) = name.strip_prefix(&prefix) else {
                    continue;
                };
                if relative.is_empty() || relative.ends_with('/') {
                    continue;
                }
                let sha256 = hex(&Sha256::digest(&bytes));
                let bytes = is_read(relative).then_some(bytes);
                files.insert(
                    relative.to_owned(),
                    File {
                        mode,
                        bytes,
                        sha256,
                    },
                );
            }
        }
        Self::assemble(archive_name, top, base, files)
    }

    fn assemble(
        archive_name: Option<String>,
        top: BTreeMap<String, bool>,
        base: Option<String>,
        files: BTreeMap<String, File>,
    ) -> Self {
        let mut parsed: Vec<(String, Value)> = files
            .iter()
            .filter(|(path, _)| path.rsplit('/').next() == Some("plugin.json"))
            .filter_map(|(path, file)| {
                let value: Value = serde_json::from_slice(file.bytes.as_deref()?).ok()?;
                value.is_object().then(|| (path.clone(), value))
            })
            .collect();
        parsed.sort_by_key(|(p, _)| (p != "plugin.json", p.clone()));
        Self {
            archive_name,
            top,
            base,
            files,
            parsed,
        }
    }

    /// `dir` itself when it holds plugin.json (a built `dist/`), else its `dist/`.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let base = plugin_folder(dir)?;
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&base)
            .min_depth(1)
            .sort_by_file_name()
        {
            let entry = entry.with_context(|| format!("reading {}", base.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(&base).expect("walked below base");
            let relative = relative.to_string_lossy().replace('\\', "/");
            let reading = || format!("reading {}", entry.path().display());
            let (bytes, sha256) = if is_read(&relative) {
                let bytes = std::fs::read(entry.path()).with_context(reading)?;
                let sha256 = hex(&Sha256::digest(&bytes));
                (Some(bytes), sha256)
            } else {
                let mut file = std::fs::File::open(entry.path()).with_context(reading)?;
                (None, sha256_of(&mut file).with_context(reading)?)
            };
            let metadata = entry
                .metadata()
                .with_context(|| format!("reading {}", entry.path().display()))?;
            files.insert(
                relative,
                File {
                    mode: mode_of(&metadata),
                    bytes,
                    sha256,
                },
            );
        }
        Ok(Self::assemble(
            None,
            BTreeMap::new(),
            Some(String::new()),
            files,
        ))
    }

    pub fn bytes(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path)?.bytes.as_deref()
    }

    pub fn text(&self, path: &str) -> Option<String> {
        self.bytes(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    pub fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Files whose name (last component) satisfies `test`, with their paths.
    pub fn named<'a>(
        &'a self,
        test: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = (&'a str, &'a File)> + 'a {
        self.files
            .iter()
            .filter(move |(path, _)| test(path.rsplit('/').next().unwrap_or(path)))
            .map(|(path, file)| (path.as_str(), file))
    }

    /// The plugin.json files that parse as JSON objects, top-level first, keyed by path.
    pub fn manifests(&self) -> impl Iterator<Item = (&str, Manifest<'_>)> {
        self.parsed.iter().map(|(p, v)| (p.as_str(), Manifest(v)))
    }

    /// The top-level plugin.json, when it parses.
    pub fn main_manifest(&self) -> Option<Manifest<'_>> {
        self.manifests()
            .find(|(p, _)| *p == "plugin.json")
            .map(|(_, m)| m)
    }
}

fn plugin_folder(dir: &Path) -> Result<PathBuf> {
    if !dir.is_dir() {
        return Err(bad_input!(
            "{} is neither a zip archive nor a folder\n  help: pass the zip that `create-grafana-plugin \
             package` wrote, or a plugin's dist/ folder",
            dir.display()
        ));
    }
    let dist = dir.join("dist");
    match (
        dir.join("plugin.json").is_file(),
        dist.join("plugin.json").is_file(),
    ) {
        (true, _) => Ok(dir.to_path_buf()),
        (false, true) => Ok(dist),
        (false, false) => Err(bad_input!(
            "{} holds no plugin.json, nor does its dist/\n  help: build the plugin first \
             (`create-grafana-plugin build`), then pass the plugin folder or its dist/",
            dir.display()
        )),
    }
}

/// SHA-256 of everything `reader` yields, streamed: executables are tens of MiB.
fn sha256_of(reader: &mut impl Read) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    std::io::copy(reader, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(unix)]
fn mode_of(metadata: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(metadata.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(_: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> (String, Vec<u8>, Option<u32>) {
        (name.to_owned(), b"{}".to_vec(), Some(0o644))
    }

    #[test]
    fn the_plugin_folder_is_the_single_top_folder_or_its_dist() {
        let p = Package::from_entries(
            None,
            vec![entry("./a-b-app/"), entry("./a-b-app/plugin.json")],
        );
        assert_eq!(p.base.as_deref(), Some("a-b-app"));
        assert!(p.exists("plugin.json"));
        let p = Package::from_entries(None, vec![entry("a-b-app/dist/plugin.json")]);
        assert_eq!(p.base.as_deref(), Some("a-b-app/dist"));
        assert!(p.exists("plugin.json"));
        let p = Package::from_entries(None, vec![entry("a/x"), entry("b/y")]);
        assert_eq!(p.base, None);
    }

    #[test]
    fn executables_are_listed_but_not_read() {
        let p = Package::from_entries(
            None,
            vec![
                entry("a-b-app/gpx_b_linux_amd64"),
                entry("a-b-app/README.md"),
            ],
        );
        assert!(p.exists("gpx_b_linux_amd64"));
        assert_eq!(p.bytes("gpx_b_linux_amd64"), None);
        assert_eq!(p.bytes("README.md"), Some(&b"{}"[..]));
    }
}
