//! One zip archive: a single top-level folder named after the plugin id, entries sorted, fixed
//! times and modes, so the same `dist/` always gives the same bytes and the same checksum.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::target::TARGETS;

#[derive(Debug)]
pub struct Archive {
    pub name: String,
    /// Paths relative to `dist/`, with `/`, sorted.
    pub files: Vec<String>,
}

impl Archive {
    /// Writes `<out>/<name>` with `<name>.sha1` (what Grafana's submission form and the
    /// validator's checksum pass accept) and `<name>.sha256`; returns the archive's path and its
    /// SHA-256. Each file appears only when complete.
    pub fn write(&self, dist: &Path, id: &str, out: &Path) -> Result<(PathBuf, String)> {
        let path = out.join(&self.name);
        let partial = out.join(format!(".{}.partial-{}", self.name, std::process::id()));
        let result = self.write_zip(dist, id, &partial);
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result?;
        let sums = checksums(&partial)?;
        std::fs::rename(&partial, &path)
            .with_context(|| format!("moving the archive into {}", path.display()))?;
        for (extension, digest) in [("sha1", &sums.sha1), ("sha256", &sums.sha256)] {
            let file = out.join(format!("{}.{extension}", self.name));
            std::fs::write(&file, format!("{digest}  {}\n", self.name))
                .with_context(|| format!("writing {}", file.display()))?;
        }
        Ok((path, sums.sha256))
    }

    fn write_zip(&self, dist: &Path, id: &str, path: &Path) -> Result<()> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut zip = ZipWriter::new(BufWriter::new(file));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(timestamp()?);
        let mut dirs = BTreeSet::from([format!("{id}/")]);
        for file in &self.files {
            let parents = Path::new(file).ancestors().skip(1);
            for dir in parents.filter(|d| !d.as_os_str().is_empty()) {
                dirs.insert(format!("{id}/{}/", dir.to_string_lossy()));
            }
        }
        let context = || format!("writing {}", path.display());
        for dir in &dirs {
            zip.add_directory(dir.as_str(), options.unix_permissions(0o755))
                .with_context(context)?;
        }
        for file in &self.files {
            let mode = if is_executable(file) { 0o755 } else { 0o644 };
            zip.start_file(format!("{id}/{file}"), options.unix_permissions(mode))
                .with_context(context)?;
            let source = dist.join(file);
            let bytes =
                std::fs::read(&source).with_context(|| format!("reading {}", source.display()))?;
            zip.write_all(&bytes).with_context(context)?;
        }
        let mut writer = zip.finish().with_context(context)?;
        writer.flush().with_context(context)?;
        Ok(())
    }
}

/// Grafana's executables by name: the zip records their mode so that they start after unzipping.
fn is_executable(file: &str) -> bool {
    TARGETS.iter().any(|t| file.ends_with(&t.suffix()))
}

/// `SOURCE_DATE_EPOCH` when set, else the zip epoch (1980-01-01): never the files' own times.
fn timestamp() -> Result<zip::DateTime> {
    use chrono::{Datelike, Timelike};
    let Some(time) = crate::source_date::fixed()? else {
        return Ok(zip::DateTime::default());
    };
    let part = |v: u32| u8::try_from(v).unwrap_or(0);
    // Zip dates run from 1980 to 2107; anything outside falls back to the zip epoch.
    let year = u16::try_from(time.year()).unwrap_or(0);
    Ok(zip::DateTime::from_date_and_time(
        year,
        part(time.month()),
        part(time.day()),
        part(time.hour()),
        part(time.minute()),
        part(time.second()),
    )
    .unwrap_or_default())
}

struct Checksums {
    sha1: String,
    sha256: String,
}

/// Both digests from one read of the archive, in the hex form `sha1sum`/`sha256sum` print.
fn checksums(path: &Path) -> Result<Checksums> {
    let mut file = File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let (mut sha1, mut sha256) = (Sha1::new(), Sha256::new());
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = std::io::Read::read(&mut file, &mut buffer)
            .with_context(|| format!("reading {}", path.display()))?;
        if read == 0 {
            break;
        }
        sha1.update(&buffer[..read]);
        sha256.update(&buffer[..read]);
    }
    Ok(Checksums {
        sha1: hex(&sha1.finalize()),
        sha256: hex(&sha256.finalize()),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_dist_gives_the_same_bytes() {
        let temp = tempfile::tempdir().unwrap();
        let dist = temp.path().join("dist");
        std::fs::create_dir_all(dist.join("img")).unwrap();
        std::fs::write(dist.join("img/logo.svg"), "<svg/>").unwrap();
        std::fs::write(dist.join("gpx_wx_linux_amd64"), "elf").unwrap();
        let archive = Archive {
            name: "a.zip".into(),
            files: vec!["gpx_wx_linux_amd64".into(), "img/logo.svg".into()],
        };
        let first = temp.path().join("one");
        let second = temp.path().join("two");
        std::fs::create_dir_all(&first).unwrap();
        std::fs::create_dir_all(&second).unwrap();
        let (_, a) = archive.write(&dist, "acme-wx-datasource", &first).unwrap();
        let (_, b) = archive.write(&dist, "acme-wx-datasource", &second).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            std::fs::read_to_string(first.join("a.zip.sha256")).unwrap(),
            format!("{a}  a.zip\n")
        );
        let sha1 = hex(&Sha1::digest(std::fs::read(first.join("a.zip")).unwrap()));
        assert_eq!(
            std::fs::read_to_string(first.join("a.zip.sha1")).unwrap(),
            format!("{sha1}  a.zip\n")
        );
        let mut zip = zip::ZipArchive::new(File::open(first.join("a.zip")).unwrap()).unwrap();
        let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
        assert_eq!(
            names,
            [
                "acme-wx-datasource/",
                "acme-wx-datasource/img/",
                "acme-wx-datasource/gpx_wx_linux_amd64",
                "acme-wx-datasource/img/logo.svg"
            ]
        );
        let exe = zip
            .by_name("acme-wx-datasource/gpx_wx_linux_amd64")
            .unwrap();
        assert_eq!(exe.unix_mode().unwrap() & 0o777, 0o755);
    }
}
