//! `archive` and `archivename`: one top folder, named after the plugin id, holding the plugin
//! itself (not a `dist/` inside it); and the zip's own name as `package` writes it.

use super::{Findings, Package, Rule};

const EMPTY: Rule = Rule::error("archive", "empty-archive");
const SEVERAL: Rule = Rule::error("archive", "more-than-one-dir");
const NO_ROOT: Rule = Rule::error("archive", "no-root-dir");
const DIST: Rule = Rule::error("archive", "dist");
const ROOT_NAME: Rule = Rule::error("archivename", "no-ident-root-dir");
/// Not a validator rule: the validator accepts any zip name, but `package` and Grafana's docs
/// name archives `<id>-<version>[.<os>_<arch>].zip`, and tools (signing, CI) look for it.
const ZIP_NAME: Rule = Rule::recommendation("archivename", "zip-file-name");

pub fn archive(package: &Package, out: &mut Findings) {
    if package.archive_name.is_none() {
        return;
    }
    let top: Vec<(&String, &bool)> = package.top.iter().collect();
    match top.as_slice() {
        [] => out.add(&EMPTY, "the archive is empty"),
        [(_, false)] => out.add(
            &NO_ROOT,
            "the archive holds a single file instead of a folder named after the plugin id",
        ),
        [_] => {}
        many => {
            out.add(
                &SEVERAL,
                format!(
                "the archive holds {} top-level entries ({}); it must hold exactly one folder, \
                 named after the plugin id",
                many.len(),
                many.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
            ),
            )
        }
    }
    if package
        .base
        .as_deref()
        .is_some_and(|b| b.ends_with("/dist"))
    {
        out.add(
            &DIST,
            "the plugin sits in a dist/ folder inside the top folder; zip the contents of dist/ \
             under a folder named after the plugin id (`create-grafana-plugin package` does)",
        );
    }
}

pub fn archive_name(package: &Package, out: &mut Findings) {
    let (Some(zip), Some(base)) = (&package.archive_name, &package.base) else {
        return;
    };
    let Some(manifest) = package.main_manifest() else {
        return;
    };
    let id = manifest.text("/id");
    let folder = base.rsplit('/').next().unwrap_or(base);
    if folder == "dist" || (!id.is_empty() && base != id) {
        out.add(
            &ROOT_NAME,
            format!("the archive's top folder is `{base}`; it must be named `{id}`, the plugin id"),
        );
    }
    let version = manifest.text("/info/version");
    if !id.is_empty() && !version.is_empty() && !is_package_name(zip, id, version) {
        out.add(
            &ZIP_NAME,
            format!(
                "the archive is named `{zip}`; `package` names it `{id}-{version}.zip` (or \
                 `{id}-{version}.<os>_<arch>.zip` for one platform)"
            ),
        );
    }
}

fn is_package_name(zip: &str, id: &str, version: &str) -> bool {
    let Some(rest) = zip
        .strip_prefix(&format!("{id}-{version}"))
        .and_then(|r| r.strip_suffix(".zip"))
    else {
        return false;
    };
    rest.is_empty()
        || crate::target::TARGETS
            .iter()
            .any(|t| rest == format!(".{}_{}", t.os.as_str(), t.arch))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::*;

    fn named(zip: &str, root: &str) -> Vec<String> {
        let mut p = package(root, &[("plugin.json", PLUGIN_JSON.as_bytes(), 0o644)]);
        p.archive_name = Some(zip.into());
        let mut out = Findings::default();
        layout::archive(&p, &mut out);
        layout::archive_name(&p, &mut out);
        out.items
            .iter()
            .map(|f| format!("{}/{}", f.rule, f.check))
            .collect()
    }

    #[test]
    fn the_top_folder_is_the_plugin_id() {
        assert!(named(
            "acme-weather-datasource-1.2.3.zip",
            "acme-weather-datasource"
        )
        .is_empty());
        assert_eq!(
            named("acme-weather-datasource-1.2.3.zip", "weather"),
            ["archivename/no-ident-root-dir"]
        );
        assert_eq!(
            named(
                "acme-weather-datasource-1.2.3.zip",
                "acme-weather-datasource/dist"
            ),
            ["archive/dist", "archivename/no-ident-root-dir"]
        );
    }

    #[test]
    fn zip_names_follow_package() {
        for ok in [
            "acme-weather-datasource-1.2.3.zip",
            "acme-weather-datasource-1.2.3.darwin_arm64.zip",
        ] {
            assert!(named(ok, "acme-weather-datasource").is_empty(), "{ok}");
        }
        for bad in ["plugin.zip", "acme-weather-datasource-1.2.3.linux_x86.zip"] {
            assert_eq!(
                named(bad, "acme-weather-datasource"),
                ["archivename/zip-file-name"]
            );
        }
    }

    #[test]
    fn several_or_no_top_folders_stop_the_checks() {
        let entries = vec![
            ("a/plugin.json".to_owned(), Vec::new(), None),
            ("b/module.js".to_owned(), Vec::new(), None),
        ];
        let p = Package::from_entries(Some("x.zip".into()), entries);
        assert_eq!(found(&p), ["archive/more-than-one-dir"]);
        let p = Package::from_entries(
            Some("x.zip".into()),
            vec![("plugin.json".into(), Vec::new(), None)],
        );
        assert_eq!(found(&p), ["archive/no-root-dir"]);
        let p = Package::from_entries(Some("x.zip".into()), Vec::new());
        assert_eq!(found(&p), ["archive/empty-archive"]);
    }
}
