//! `dist/`, the folder Grafana loads a plugin from, and the executables in it.

use crate::target::TARGETS;

pub const DIST: &str = "dist";

/// The names under which Grafana looks for `executable` on each platform.
pub fn is_backend_file(executable: &str) -> impl Fn(&str) -> bool + '_ {
    move |name: &str| TARGETS.iter().any(|t| t.file_name(executable) == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_files_are_recognised_by_grafana_names_only() {
        let ours = is_backend_file("gpx_wx");
        assert!(ours("gpx_wx_linux_amd64"));
        assert!(ours("gpx_wx_windows_amd64.exe"));
        assert!(!ours("gpx_wx_linux_amd64.exe"));
        assert!(!ours("module.js"));
        assert!(!ours("gpx_other_linux_amd64"));
    }
}
