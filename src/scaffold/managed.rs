//! The one table of the files create-grafana-plugin owns in a generated project: `new` records a
//! hash of each, `update` brings them to what this version generates (merging the user's edits)
//! and never touches any other file. README.md's `update` section lists the same paths.

/// Where a generated project records its answers and what was generated (`super::record`).
pub const RECORD_PATH: &str = ".config/.cgprc.json";

/// Paths relative to the plugin root; one ending in `/` stands for everything below it.
pub const MANAGED: &[&str] = &[
    // The shared build, lint and test setup that `.config/README.md` tells users not to edit.
    ".config/",
    ".github/workflows/",
    ".github/dependabot.yml",
    // The root files that extend `.config/`, and the npm and Cargo manifests: users edit these,
    // so an update merges its changes into theirs.
    ".nvmrc",
    ".prettierrc.js",
    "tsconfig.json",
    "jest.config.js",
    "jest-setup.js",
    "eslint.config.mjs",
    "playwright.config.ts",
    "docker-compose.yaml",
    "package.json",
    "Cargo.toml",
    "rust-toolchain.toml",
    // The backend's process plumbing; the handlers in the rest of pkg/ are the user's.
    "pkg/main.rs",
];

/// Whether `update` owns `path`. The record is not among them: `update` writes it afresh.
pub fn is_managed(path: &str) -> bool {
    path != RECORD_PATH
        && MANAGED.iter().any(|owned| match owned.strip_suffix('/') {
            Some(_) => path.starts_with(owned),
            None => path == *owned,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_own_what_is_below_them_and_files_only_themselves() {
        assert!(is_managed(".config/webpack/webpack.config.ts"));
        assert!(is_managed(".github/workflows/ci.yml"));
        assert!(is_managed("pkg/main.rs"));
        assert!(!is_managed(RECORD_PATH));
        assert!(!is_managed("pkg/plugin.rs"));
        assert!(!is_managed("src/module.ts"));
        assert!(!is_managed("package.json.orig"));
        assert!(!is_managed(".configx/file"));
        assert!(!is_managed("README.md"));
    }
}
