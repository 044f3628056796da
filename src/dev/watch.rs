//! Which saves mean "rebuild the backend": a change of content of a Rust source under `pkg/` or of
//! the crate's manifest, lockfile or build script.
//!
//! Two filters, because either alone lets builds loop. File events only wake `dev` up, and only
//! the kinds that can change content: on Linux notify also reports every open, read and close,
//! and cargo, rust-analyzer and editors read these files all the time. Then [`Inputs`] compares
//! the content with what the last build saw, since a wake-up may still change nothing (an editor
//! rewriting the same bytes, a `touch`, a swap file next to a source).

use std::collections::{BTreeMap, HashSet};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

/// Editors write a file in several steps (truncate, write, rename); wait for them to settle.
const SETTLE: Duration = Duration::from_millis(100);
/// A writer that never pauses or closes still gets its files looked at this often.
const SETTLE_AT_MOST: Duration = Duration::from_secs(2);
/// Where notify reports a writer closing a file (inotify), a save in place ends there.
const REPORTS_CLOSE: bool = cfg!(any(target_os = "linux", target_os = "android"));

const ROOT_FILES: &[&str] = &["Cargo.toml", "Cargo.lock", "build.rs"];
const LOCKFILE: &str = "Cargo.lock";
const SOURCE_DIR: &str = "pkg";

/// What an event near the inputs says about a save.
#[derive(Debug, PartialEq)]
enum Wake {
    /// Written in place and still open: reading it now could catch it truncated and unwritten.
    Writing(PathBuf),
    /// Its writer closed it.
    Closed(PathBuf),
    /// Created, removed, renamed, or written where closes are not reported.
    Changed,
}

pub struct Watcher {
    // Kept alive: dropping it stops the watch.
    _watcher: RecommendedWatcher,
    /// Each event that may have changed an input, with when it was seen.
    seen: mpsc::UnboundedReceiver<(Instant, Wake)>,
}

impl Watcher {
    pub fn start(root: &Path) -> Result<Self> {
        let (sender, seen) = mpsc::unbounded_channel();
        let owned_root = root.to_owned();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let at = Instant::now();
                let Ok(event) = event else {
                    // Lost events (a full queue): look at the files again rather than miss a save.
                    let _ = sender.send((at, Wake::Changed));
                    return;
                };
                for path in &event.paths {
                    if let Some(wake) = wake(&event.kind, &owned_root, path) {
                        let _ = sender.send((at, wake));
                    }
                }
            })
            .context("starting the file watcher")?;
        // The root non-recursively: editors replace Cargo.toml by renaming, which a watch on
        // the file itself would lose.
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("watching {}", root.display()))?;
        let sources = root.join(SOURCE_DIR);
        watcher
            .watch(&sources, RecursiveMode::Recursive)
            .with_context(|| format!("watching {}", sources.display()))?;
        Ok(Self {
            _watcher: watcher,
            seen,
        })
    }

    /// Waits for an event that may have changed an input and for the burst it starts to settle:
    /// every file written in place closed, then a pause. Returns when its first event was seen.
    pub async fn next(&mut self) -> Option<Instant> {
        let (first, wake) = self.seen.recv().await?;
        let mut open = HashSet::new();
        track(&mut open, wake);
        let deadline = tokio::time::Instant::now() + SETTLE_AT_MOST;
        while let Some(left) = deadline.checked_duration_since(tokio::time::Instant::now()) {
            let wait = if open.is_empty() {
                SETTLE.min(left)
            } else {
                left
            };
            match tokio::time::timeout(wait, self.seen.recv()).await {
                Ok(Some((_, wake))) => track(&mut open, wake),
                Ok(None) => return None,
                Err(_quiet) if open.is_empty() => break,
                Err(_quiet) => {}
            }
        }
        Some(first)
    }

    /// Forgets the events seen so far (the inputs are about to be read anyway); returns when the
    /// earliest of them was seen.
    pub fn drain(&mut self) -> Option<Instant> {
        let mut earliest = None;
        while let Ok((seen, _)) = self.seen.try_recv() {
            earliest = earliest.or(Some(seen));
        }
        earliest
    }
}

fn track(open: &mut HashSet<PathBuf>, wake: Wake) {
    match wake {
        Wake::Writing(path) => {
            open.insert(path);
        }
        Wake::Closed(path) => {
            open.remove(&path);
        }
        Wake::Changed => {}
    }
}

/// Whether an event about `path` may mean a save, and which part of one.
fn wake(kind: &EventKind, root: &Path, path: &Path) -> Option<Wake> {
    if !may_change_content(kind) || !near_inputs(root, path) {
        return None;
    }
    Some(match kind {
        EventKind::Modify(ModifyKind::Data(_)) if REPORTS_CLOSE => Wake::Writing(path.to_owned()),
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Wake::Closed(path.to_owned()),
        _ => Wake::Changed,
    })
}

/// Writes, creations, removals and renames; not opening, reading, closing after reading, nor a
/// change of times or permissions.
fn may_change_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Any
        | EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Other => true,
    }
}

/// Anything under `pkg/` (a renamed folder of sources has no `.rs` name), and the root files.
fn near_inputs(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let root_file = relative.parent() == Some(Path::new(""))
        && ROOT_FILES.iter().any(|name| relative == Path::new(name));
    relative.starts_with(SOURCE_DIR) || root_file
}

/// The content of every backend input (a SHA-256 per file, by path relative to the root).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inputs(BTreeMap<PathBuf, [u8; 32]>);

impl Inputs {
    pub fn read(root: &Path) -> Result<Self> {
        let mut inputs = BTreeMap::new();
        for name in ROOT_FILES {
            add(&mut inputs, root, &root.join(name))?;
        }
        let sources = root.join(SOURCE_DIR);
        for entry in walkdir::WalkDir::new(&sources).sort_by_file_name() {
            let entry = match entry {
                Ok(entry) => entry,
                // Removed while being walked: the next event looks again.
                Err(error) if error.io_error().map(|e| e.kind()) == Some(ErrorKind::NotFound) => {
                    continue
                }
                Err(error) => {
                    return Err(error).with_context(|| format!("listing {}", sources.display()))
                }
            };
            if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "rs") {
                add(&mut inputs, root, entry.path())?;
            }
        }
        Ok(Self(inputs))
    }

    /// Files that are new, gone or hold other bytes than in `earlier`.
    pub fn changed_since(&self, earlier: &Inputs) -> Vec<PathBuf> {
        let mut changed: Vec<PathBuf> = self
            .0
            .iter()
            .filter(|(path, hash)| earlier.0.get(*path) != Some(hash))
            .map(|(path, _)| path.clone())
            .collect();
        changed.extend(
            earlier
                .0
                .keys()
                .filter(|path| !self.0.contains_key(*path))
                .cloned(),
        );
        changed.sort();
        changed
    }

    /// What a build saw: these inputs, read as it started, except the lockfile, taken from
    /// `after` the build, because cargo itself may write Cargo.lock while it builds (and must
    /// not start the next build). A save to any other file during the build still counts.
    pub fn built(mut self, after: &Inputs) -> Inputs {
        let lockfile = PathBuf::from(LOCKFILE);
        match after.0.get(&lockfile) {
            Some(hash) => self.0.insert(lockfile, *hash),
            None => self.0.remove(&lockfile),
        };
        self
    }
}

fn add(inputs: &mut BTreeMap<PathBuf, [u8; 32]>, root: &Path, path: &Path) -> Result<()> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
    };
    let relative = path.strip_prefix(root).unwrap_or(path).to_owned();
    inputs.insert(relative, Sha256::digest(&bytes).into());
    Ok(())
}

#[cfg(test)]
mod tests {
    use notify::event::{CreateKind, DataChange, MetadataKind, RemoveKind, RenameMode};

    use super::*;

    #[test]
    fn only_events_that_can_change_content_wake_dev() {
        for yes in [
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            EventKind::Modify(ModifyKind::Any),
            EventKind::Remove(RemoveKind::File),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Any,
        ] {
            assert!(may_change_content(&yes), "{yes:?}");
        }
        for no in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Open(AccessMode::Read)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Any),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
        ] {
            assert!(!may_change_content(&no), "{no:?}");
        }
    }

    #[test]
    fn events_near_inputs_wake_dev() {
        let root = Path::new("/p");
        for yes in [
            "/p/pkg/main.rs",
            "/p/pkg/a/b.rs",
            "/p/pkg/a",
            "/p/pkg/.main.rs.swp",
            "/p/Cargo.toml",
            "/p/Cargo.lock",
            "/p/build.rs",
        ] {
            assert!(near_inputs(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/p/src/module.ts",
            "/p/dist/gpx_x_linux_amd64",
            "/p/target/debug/gpx_x",
            "/p/sub/Cargo.toml",
            "/p/.Cargo.toml.swp",
            "/elsewhere/pkg/main.rs",
        ] {
            assert!(!near_inputs(root, Path::new(no)), "{no}");
        }
    }

    #[test]
    fn a_save_in_place_lasts_until_its_file_is_closed() {
        let root = Path::new("/p");
        let source = Path::new("/p/pkg/main.rs");
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        let mut open = HashSet::new();
        for kind in [data, read] {
            track(
                &mut open,
                wake(&kind, root, source).unwrap_or(Wake::Changed),
            );
        }
        assert_eq!(open.is_empty(), !REPORTS_CLOSE);
        track(&mut open, wake(&closed, root, source).unwrap());
        assert!(open.is_empty());
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        assert_eq!(wake(&renamed, root, source), Some(Wake::Changed));
        assert_eq!(wake(&read, root, source), None);
        assert_eq!(wake(&data, root, Path::new("/p/README.md")), None);
    }

    fn plugin() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("pkg/a")).unwrap();
        std::fs::create_dir_all(root.join("target/debug")).unwrap();
        for (path, text) in [
            ("Cargo.toml", "[package]"),
            ("Cargo.lock", "version = 4"),
            ("pkg/main.rs", "fn main() {}"),
            ("pkg/a/b.rs", "pub fn b() {}"),
            ("pkg/notes.md", "not an input"),
            ("target/debug/x.rs", "not an input"),
            ("README.md", "not an input"),
        ] {
            std::fs::write(root.join(path), text).unwrap();
        }
        dir
    }

    fn changed(root: &Path, built: &Inputs) -> Vec<String> {
        Inputs::read(root)
            .unwrap()
            .changed_since(built)
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    #[test]
    fn inputs_are_the_sources_and_root_files() {
        let dir = plugin();
        let inputs = Inputs::read(dir.path()).unwrap();
        let names: Vec<_> = inputs.0.keys().map(|p| p.display().to_string()).collect();
        assert_eq!(
            names,
            ["Cargo.lock", "Cargo.toml", "pkg/a/b.rs", "pkg/main.rs"]
        );
    }

    #[test]
    fn only_other_bytes_count_as_a_change() {
        let dir = plugin();
        let root = dir.path();
        let built = Inputs::read(root).unwrap();
        // The same bytes, written in place and through a renamed temporary file.
        std::fs::write(root.join("pkg/main.rs"), "fn main() {}").unwrap();
        std::fs::write(root.join("pkg/.main.rs.tmp"), "fn main() {}").unwrap();
        std::fs::rename(root.join("pkg/.main.rs.tmp"), root.join("pkg/main.rs")).unwrap();
        std::fs::write(root.join("pkg/notes.md"), "edited, but no input").unwrap();
        assert_eq!(changed(root, &built), Vec::<String>::new());

        std::fs::write(root.join("pkg/a/b.rs"), "pub fn b() { }").unwrap();
        assert_eq!(changed(root, &built), ["pkg/a/b.rs"]);
    }

    #[test]
    fn created_and_removed_files_count() {
        let dir = plugin();
        let root = dir.path();
        let built = Inputs::read(root).unwrap();
        std::fs::write(root.join("pkg/new.rs"), "").unwrap();
        std::fs::remove_file(root.join("pkg/a/b.rs")).unwrap();
        std::fs::write(root.join("build.rs"), "fn main() {}").unwrap();
        assert_eq!(
            changed(root, &built),
            ["build.rs", "pkg/a/b.rs", "pkg/new.rs"]
        );
    }

    #[test]
    fn cargo_writing_the_lockfile_during_a_build_is_no_change_but_a_save_is() {
        let dir = plugin();
        let root = dir.path();
        let before = Inputs::read(root).unwrap();
        // During the build: cargo rewrites Cargo.lock, and the user saves main.rs.
        std::fs::write(root.join("Cargo.lock"), "version = 4\n# resolved").unwrap();
        std::fs::write(root.join("pkg/main.rs"), "fn main() { todo!() }").unwrap();
        let after = Inputs::read(root).unwrap();
        let built = before.built(&after);
        assert_eq!(changed(root, &built), ["pkg/main.rs"]);
        // A failed build records what it saw too: the broken save is not built again.
        let broken = Inputs::read(root).unwrap();
        let built = broken.clone().built(&broken);
        assert_eq!(changed(root, &built), Vec::<String>::new());
    }

    #[test]
    fn a_lockfile_cargo_removes_or_creates_follows_the_build() {
        let dir = plugin();
        let root = dir.path();
        let before = Inputs::read(root).unwrap();
        std::fs::remove_file(root.join("Cargo.lock")).unwrap();
        let built = before.built(&Inputs::read(root).unwrap());
        assert_eq!(changed(root, &built), Vec::<String>::new());
        std::fs::write(root.join("Cargo.lock"), "created").unwrap();
        let built = built.built(&Inputs::read(root).unwrap());
        assert_eq!(changed(root, &built), Vec::<String>::new());
    }
}
