//! `dist/`, the folder Grafana loads. A build fills a hidden staging folder beside it and swaps
//! it in only when everything succeeded, so a failed or interrupted build leaves `dist/` as it was.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::plugin::{DIST, MANIFEST_PATH};

pub struct Staging {
    path: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn create(root: &Path) -> Result<Self> {
        let path = root.join(format!(".{DIST}.partial-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("removing a stale {}", path.display()))?;
        }
        fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self {
            path,
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Copies what the previous `dist/` holds and this build does not produce, so building one
    /// target keeps the others (as `mage build:linux` then `build:darwin` does). With `only`,
    /// just the files it accepts are kept.
    pub fn keep_previous(&self, dist: &Path, only: &dyn Fn(&str) -> bool) -> Result<()> {
        if !dist.is_dir() {
            return Ok(());
        }
        for entry in walkdir::WalkDir::new(dist).min_depth(1) {
            let entry = entry.with_context(|| format!("reading {}", dist.display()))?;
            let relative = entry.path().strip_prefix(dist).expect("walked below dist");
            let into = self.path.join(relative);
            let name = relative.to_string_lossy().replace('\\', "/");
            if entry.file_type().is_dir() || !only(&name) || into.exists() {
                continue;
            }
            copy(entry.path(), &into)?;
        }
        Ok(())
    }

    /// Adds a backend executable under Grafana's name for it, executable bit set.
    pub fn add_executable(&self, from: &Path, name: &str) -> Result<()> {
        let into = self.path.join(name);
        copy(from, &into)?;
        set_executable(&into)
    }

    /// What create-plugin's frontend build copies next to module.js, for builds without one.
    pub fn write_static_files(&self, root: &Path, fill: &Placeholders) -> Result<()> {
        let src = root.join("src");
        for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
            let entry = entry.with_context(|| format!("reading {}", src.display()))?;
            let relative = entry.path().strip_prefix(&src).expect("walked below src");
            let in_img = relative.starts_with("img");
            let manifest = relative.file_name().is_some_and(|n| n == "plugin.json");
            if !entry.file_type().is_file()
                || !(in_img || manifest)
                || relative.starts_with("node_modules")
            {
                continue;
            }
            if manifest {
                self.write_filled(entry.path(), relative, fill)?
            } else {
                copy(entry.path(), &self.path.join(relative))?
            }
        }
        // The catalog README (src/README.md) wins over the repository's, as in create-plugin.
        let readme = [src.join("README.md"), root.join("README.md")]
            .into_iter()
            .find(|path| path.is_file());
        if let Some(readme) = readme {
            self.write_filled(&readme, Path::new("README.md"), fill)?;
        }
        for name in ["CHANGELOG.md", "LICENSE"] {
            let from = root.join(name);
            if from.is_file() {
                copy(&from, &self.path.join(name))?;
            }
        }
        Ok(())
    }

    fn write_filled(&self, from: &Path, relative: &Path, fill: &Placeholders) -> Result<()> {
        let text =
            fs::read_to_string(from).with_context(|| format!("reading {}", from.display()))?;
        let into = self.path.join(relative);
        create_parent(&into)?;
        fs::write(&into, fill.apply(&text)).with_context(|| format!("writing {}", into.display()))
    }

    /// Puts the staged tree in place of `dist`, keeping the old one until the new one is there.
    pub fn commit(mut self, dist: &Path) -> Result<()> {
        let old = dist.with_file_name(format!(".{DIST}.old-{}", std::process::id()));
        let had_dist = dist.exists();
        if had_dist {
            fs::rename(dist, &old).with_context(|| format!("moving {} aside", dist.display()))?;
        }
        if let Err(error) = fs::rename(&self.path, dist) {
            if had_dist {
                let _ = fs::rename(&old, dist);
            }
            return Err(error)
                .with_context(|| format!("moving the new build into {}", dist.display()));
        }
        self.committed = true;
        if had_dist {
            fs::remove_dir_all(&old)
                .with_context(|| format!("removing the old {}", old.display()))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: whatever failed is the error the user needs to see.
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// `%VERSION%`, `%TODAY%` and `%PLUGIN_ID%`, as create-plugin's build fills them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholders {
    pub version: String,
    /// `YYYY-MM-DD`, UTC.
    pub today: String,
    pub plugin_id: String,
}

impl Placeholders {
    pub fn resolve(root: &Path, plugin_id: &str) -> Result<Self> {
        Ok(Self {
            version: package_version(root)?,
            today: crate::source_date::now()?.format("%Y-%m-%d").to_string(),
            plugin_id: plugin_id.to_owned(),
        })
    }

    pub fn apply(&self, text: &str) -> String {
        text.replace("%VERSION%", &self.version)
            .replace("%TODAY%", &self.today)
            .replace("%PLUGIN_ID%", &self.plugin_id)
    }
}

fn package_version(root: &Path) -> Result<String> {
    let path = root.join("package.json");
    let text = fs::read_to_string(&path).map_err(|error| {
        crate::bad_input!(
            "cannot read {}: {error}\n  help: the plugin's version comes from package.json, as in \
             create-plugin; {MANIFEST_PATH} says \"version\": \"%VERSION%\"",
            path.display()
        )
    })?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| crate::bad_input!("{} is not valid JSON: {error}", path.display()))?;
    json.get("version")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .ok_or_else(|| {
            crate::bad_input!(
                "{} has no \"version\"\n  help: add one, e.g. \"version\": \"1.0.0\"",
                path.display()
            )
        })
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) => fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display())),
        None => Ok(()),
    }
}

fn copy(from: &Path, into: &Path) -> Result<()> {
    create_parent(into)?;
    fs::copy(from, into)
        .map(drop)
        .with_context(|| format!("copying {} to {}", from.display(), into.display()))
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("making {} executable", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::is_backend_file;
    use crate::scaffold::write::tree;

    fn placeholders() -> Placeholders {
        Placeholders {
            version: "1.2.3".into(),
            today: "2026-11-23".into(),
            plugin_id: "acme-wx-datasource".into(),
        }
    }

    #[test]
    fn placeholders_are_filled_everywhere() {
        let text =
            r#"{"version": "%VERSION%", "updated": "%TODAY%", "x": "%PLUGIN_ID%/%VERSION%"}"#;
        assert_eq!(
            placeholders().apply(text),
            r#"{"version": "1.2.3", "updated": "2026-11-23", "x": "acme-wx-datasource/1.2.3"}"#
        );
    }

    #[test]
    fn a_dropped_staging_leaves_dist_as_it_was() {
        let temp = tempfile::tempdir().unwrap();
        let dist = temp.path().join(DIST);
        fs::create_dir(&dist).unwrap();
        fs::write(dist.join("module.js"), "old").unwrap();
        let staging = Staging::create(temp.path()).unwrap();
        fs::write(staging.path().join("module.js"), "new").unwrap();
        drop(staging);
        assert_eq!(tree(temp.path()), ["dist", "dist/module.js"]);
        assert_eq!(fs::read_to_string(dist.join("module.js")).unwrap(), "old");
    }

    #[test]
    fn a_commit_keeps_what_this_build_did_not_make() {
        let temp = tempfile::tempdir().unwrap();
        let dist = temp.path().join(DIST);
        fs::create_dir(&dist).unwrap();
        fs::write(dist.join("gpx_wx_darwin_arm64"), "darwin").unwrap();
        fs::write(dist.join("gpx_wx_linux_amd64"), "old linux").unwrap();
        fs::write(dist.join("module.js"), "stale").unwrap();
        let staging = Staging::create(temp.path()).unwrap();
        let fresh = temp.path().join("built");
        fs::write(&fresh, "new linux").unwrap();
        staging
            .add_executable(&fresh, "gpx_wx_linux_amd64")
            .unwrap();
        staging
            .keep_previous(&dist, &is_backend_file("gpx_wx"))
            .unwrap();
        staging.commit(&dist).unwrap();
        assert_eq!(
            tree(temp.path()),
            [
                "built",
                "dist",
                "dist/gpx_wx_darwin_arm64",
                "dist/gpx_wx_linux_amd64"
            ]
        );
        assert_eq!(
            fs::read_to_string(dist.join("gpx_wx_linux_amd64")).unwrap(),
            "new linux"
        );
    }

    #[test]
    fn static_files_follow_create_plugin() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::create_dir_all(root.join("src/img")).unwrap();
        fs::write(root.join("src/plugin.json"), r#"{"v":"%VERSION%"}"#).unwrap();
        fs::write(root.join("src/img/logo.svg"), "<svg/>").unwrap();
        fs::write(root.join("src/module.ts"), "code").unwrap();
        fs::write(root.join("README.md"), "repo readme %PLUGIN_ID%").unwrap();
        fs::write(root.join("CHANGELOG.md"), "changes").unwrap();
        let staging = Staging::create(root).unwrap();
        staging.write_static_files(root, &placeholders()).unwrap();
        let staged = staging.path().to_owned();
        assert_eq!(
            tree(&staged),
            [
                "CHANGELOG.md",
                "README.md",
                "img",
                "img/logo.svg",
                "plugin.json"
            ]
        );
        assert_eq!(
            fs::read_to_string(staged.join("plugin.json")).unwrap(),
            r#"{"v":"1.2.3"}"#
        );
        assert_eq!(
            fs::read_to_string(staged.join("README.md")).unwrap(),
            "repo readme acme-wx-datasource"
        );
    }
}
