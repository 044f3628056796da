//! The backend executables plugin.json promises: declared consistently (`backendbinary`),
//! present, with Grafana's Linux amd64 build among them, each runnable after unzipping
//! (`binarypermissions`), and no leftover debug files (`backenddebug`).
//!
//! The validator finds the Linux amd64 executable by reading Go build information; a Rust
//! executable has none, so here it is found by Grafana's file name, `<executable>_linux_amd64`.

use super::package::Manifest;
use super::{Findings, Package, Rule};
use crate::target::{Os, TARGETS};

const ALERTING: Rule = Rule::error("backendbinary", "alerting-found-but-backend-false");
const UNDECLARED: Rule = Rule::error("backendbinary", "backend-found-but-not-declared");
/// The validator's rule name, spelt as it is.
const MISSING: Rule = Rule::error("backendbinary", "backend-binary-mission");
const NO_LINUX_AMD64: Rule = Rule::error("backendbinary", "backend-binary-not-linux-amd64");
/// Not a validator rule: the catalog needs only Linux amd64, but Grafana on other platforms
/// starts only its own `<executable>_<os>_<arch>` and reports the plugin as failed without it.
const PLATFORM: Rule = Rule::recommendation("backendbinary", "missing-platform-executable");
const NOT_FOUND: Rule = Rule::error("binarypermissions", "binary-executable-found");
const MODE: Rule = Rule::error("binarypermissions", "binary-executable-permissions");
const DEBUG: Rule = Rule::error("backenddebug", "backend-debug-file-present");

/// The folder of a plugin.json and the executable's name in it: `executable` may name a path.
fn executable_place(manifest_path: &str, executable: &str) -> (String, String) {
    let plugin_dir = manifest_path.rsplit_once('/').map_or("", |(d, _)| d);
    let (exe_dir, name) = executable.rsplit_once('/').unwrap_or(("", executable));
    let dir = [plugin_dir, exe_dir]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/");
    (dir, name.to_owned())
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

pub fn backend_binary(package: &Package, out: &mut Findings) {
    for (path, m) in package.manifests() {
        if let Some((rule, message)) = declaration_problem(path, &m) {
            return out.add(rule, message);
        }
        let executable = m.executable();
        if executable.is_empty() {
            continue;
        }
        let (dir, name) = executable_place(path, executable);
        let present: Vec<&str> = package
            .files
            .keys()
            .filter(|f| f.rsplit_once('/').map_or("", |(d, _)| d) == dir)
            .filter(|f| f.rsplit('/').next().is_some_and(|n| n.starts_with(&name)))
            .map(String::as_str)
            .collect();
        if present.is_empty() {
            return out.add(
                &MISSING,
                format!(
                    "{path} declares the backend executable `{executable}`, but no \
                     {}_<os>_<arch> file is in the plugin (`create-grafana-plugin build --target all`)",
                    join(&dir, &name)
                ),
            );
        }
        let missing: Vec<&crate::target::BuildTarget> = TARGETS
            .iter()
            .filter(|t| !present.contains(&join(&dir, &t.file_name(&name)).as_str()))
            .collect();
        let linux_amd64 = |t: &&crate::target::BuildTarget| t.os == Os::Linux && t.arch == "amd64";
        if missing.iter().any(linux_amd64) {
            return out.add(
                &NO_LINUX_AMD64,
                format!(
                    "no {} in the plugin: Grafana requires the Linux amd64 executable \
                     (`create-grafana-plugin build --target linux`)",
                    join(&dir, &format!("{name}_linux_amd64"))
                ),
            );
        }
        if !missing.is_empty() {
            out.add(
                &PLATFORM,
                format!(
                    "no executable for {}: Grafana on those platforms cannot start the backend \
                     (`create-grafana-plugin build --target {}`)",
                    missing
                        .iter()
                        .map(|t| t.file_name(&name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    missing
                        .iter()
                        .map(|t| t.name)
                        .collect::<Vec<_>>()
                        .join(" --target ")
                ),
            );
        }
    }
}

fn declaration_problem(path: &str, m: &Manifest) -> Option<(&'static Rule, String)> {
    let (backend, executable) = (m.backend(), !m.executable().is_empty());
    if m.flag("alerting") && !backend {
        return Some((
            &ALERTING,
            format!("{path} sets \"alerting\": true, which needs \"backend\": true"),
        ));
    }
    if executable && !backend {
        return Some((
            &UNDECLARED,
            format!("{path} names an executable but not \"backend\": true; set it, or remove \"executable\""),
        ));
    }
    if backend && !executable {
        return Some((
            &MISSING,
            format!("{path} sets \"backend\": true but names no \"executable\""),
        ));
    }
    None
}

pub fn binary_permissions(package: &Package, out: &mut Findings) {
    for (path, m) in package.manifests() {
        let executable = m.executable();
        if executable.is_empty() {
            continue;
        }
        let (dir, name) = executable_place(path, executable);
        let prefix = join(&dir, "");
        let binaries: Vec<(&String, Option<u32>)> = package
            .files
            .iter()
            .filter(|(f, _)| {
                f.starts_with(&prefix) && f.rsplit('/').next().is_some_and(|n| n.starts_with(&name))
            })
            .map(|(f, file)| (f, file.mode))
            .collect();
        if binaries.is_empty() {
            out.add(
                &NOT_FOUND,
                format!("no file for the executable `{executable}` of {path}, for any platform"),
            );
            continue;
        }
        for (file, mode) in binaries {
            if file.ends_with(".exe") {
                continue;
            }
            let wrong = match mode {
                Some(mode) => (mode & 0o777 != 0o755).then(|| format!("{:04o}", mode & 0o777)),
                // A folder on a system without Unix modes has nothing to check.
                None => package
                    .archive_name
                    .is_some()
                    .then(|| "no Unix mode".to_owned()),
            };
            if let Some(found) = wrong {
                out.add(
                    &MODE,
                    format!(
                        "{file} has mode {found}; it must be 0755 so Grafana can run it after \
                         unzipping (`chmod 755` it, or let `create-grafana-plugin package` zip it)"
                    ),
                );
            }
        }
    }
}

pub fn backend_debug(package: &Package, out: &mut Findings) {
    if !package.manifests().any(|(_, m)| !m.executable().is_empty()) {
        return;
    }
    for (path, _) in package.named(|n| n == "standalone.txt" || n == "pid.txt") {
        out.add(
            &DEBUG,
            format!("{path} is a debugging leftover; with it Grafana expects an already running backend instead of starting one"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn executables_must_be_0755() {
        let found = found(&with(clean(), |files| {
            files
                .iter_mut()
                .find(|f| f.0 == "gpx_weather_linux_arm64")
                .unwrap()
                .2 = 0o644;
        }));
        assert_eq!(found, ["binarypermissions/binary-executable-permissions"]);
    }

    #[test]
    fn windows_executables_need_no_mode() {
        let found = found(&with(clean(), |files| {
            files.iter_mut().find(|f| f.0.ends_with(".exe")).unwrap().2 = 0o644;
        }));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn linux_amd64_is_required_and_other_platforms_recommended() {
        let found_no_linux = found(&with(clean(), |f| remove(f, "gpx_weather_linux_amd64")));
        assert_eq!(
            found_no_linux,
            ["backendbinary/backend-binary-not-linux-amd64"]
        );
        let found_no_mac = found(&with(clean(), |f| remove(f, "gpx_weather_darwin_arm64")));
        assert_eq!(found_no_mac, ["backendbinary/missing-platform-executable"]);
    }

    #[test]
    fn no_executable_at_all() {
        let found = found(&with(clean(), |files| {
            files.retain(|f| !f.0.starts_with("gpx_"))
        }));
        assert_eq!(
            found,
            [
                "backendbinary/backend-binary-mission",
                "binarypermissions/binary-executable-found"
            ]
        );
    }

    #[test]
    fn backend_declarations_agree() {
        let json = PLUGIN_JSON.replace("\"backend\": true,", "\"backend\": false,");
        let found = found(&with(clean(), |f| set(f, "plugin.json", json.as_bytes())));
        assert_eq!(found, ["backendbinary/backend-found-but-not-declared"]);
    }

    #[test]
    fn debug_files_are_refused() {
        let found = found(&with(clean(), |f| {
            f.push(("standalone.txt", b"1".to_vec(), 0o644))
        }));
        assert_eq!(found, ["backenddebug/backend-debug-file-present"]);
    }
}
