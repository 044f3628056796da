//! The result of a build on stdout: one row per target, then the frontend.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use crate::target::BuildTarget;
use crate::ui;

pub struct Row {
    pub target: &'static BuildTarget,
    /// Relative to the plugin root.
    pub file: PathBuf,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Format, linking and toolchain, e.g. `ELF amd64, static, x86_64-unknown-linux-musl, cargo`.
    pub how: String,
}

pub fn print(root: &Path, rows: &[Row], frontend: bool) -> Result<()> {
    let table = render(rows, frontend);
    ui::print_result(|out| {
        write!(out, "{table}")?;
        writeln!(out, "dist/ is ready in {}", root.display())
    })
}

fn render(rows: &[Row], frontend: bool) -> String {
    let mut table = vec![[
        "target".to_owned(),
        "file".to_owned(),
        "size".to_owned(),
        "time".to_owned(),
        "binary".to_owned(),
    ]];
    for row in rows {
        table.push([
            row.target.name.to_owned(),
            row.file.display().to_string().replace('\\', "/"),
            format!("{:.1} MiB", row.bytes as f64 / (1024.0 * 1024.0)),
            format!("{:.1} s", row.elapsed.as_secs_f64()),
            row.how.clone(),
        ]);
    }
    if frontend {
        table.push([
            "frontend".to_owned(),
            "dist/module.js".to_owned(),
            String::new(),
            String::new(),
            "npm run build".to_owned(),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|column| {
            table
                .iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &table {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::TARGETS;

    #[test]
    fn rows_line_up() {
        let rows = [Row {
            target: &TARGETS[0],
            file: PathBuf::from("dist/gpx_wx_linux_amd64"),
            bytes: 3 * 1024 * 1024,
            elapsed: Duration::from_millis(95_250),
            how: "ELF amd64, static".into(),
        }];
        assert_eq!(
            render(&rows, true),
            "target    file                     size     time    binary\n\
             linux     dist/gpx_wx_linux_amd64  3.0 MiB  95.2 s  ELF amd64, static\n\
             frontend  dist/module.js                            npm run build\n"
        );
    }
}
