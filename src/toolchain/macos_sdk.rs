//! Linking macOS executables from Linux or Windows with zig. zig brings macOS's libc stubs but no
//! frameworks, and the SDK's time zone lookup needs CoreFoundation; a small text stub, shipped in
//! this binary and written below cargo's target directory, is all the linker needs.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

const FRAMEWORK: &str = "System/Library/Frameworks/CoreFoundation.framework/CoreFoundation.tbd";
const STUB: &str = include_str!("CoreFoundation.tbd");

/// The directory to use as `SDKROOT`. A user's own `SDKROOT` (a real SDK, for plugins that call
/// more of Apple's frameworks) wins over the stub.
pub fn sdkroot(target_directory: &Path) -> Result<PathBuf> {
    match std::env::var_os("SDKROOT").filter(|v| !v.is_empty()) {
        Some(sdk) => Ok(PathBuf::from(sdk)),
        None => write_stub(target_directory),
    }
}

fn write_stub(target_directory: &Path) -> Result<PathBuf> {
    let root = target_directory
        .join("create-grafana-plugin")
        .join("macos-sdk");
    let stub = root.join(FRAMEWORK);
    // Rewritten only when it differs: a changed SDKROOT file would not rebuild anything, but an
    // untouched one keeps the build reproducible down to file times.
    if std::fs::read_to_string(&stub).ok().as_deref() != Some(STUB) {
        let dir = stub.parent().expect("the stub path has directories");
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::write(&stub, STUB).with_context(|| format!("writing {}", stub.display()))?;
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stub_lands_where_zig_looks_for_frameworks() {
        let temp = tempfile::tempdir().unwrap();
        let root = write_stub(temp.path()).unwrap();
        let text = std::fs::read_to_string(root.join(FRAMEWORK)).unwrap();
        assert!(text.starts_with("--- !tapi-tbd"));
        assert!(text.contains("_CFTimeZoneCopySystem"));
        // A second build finds it in place.
        assert_eq!(write_stub(temp.path()).unwrap(), root);
    }
}
