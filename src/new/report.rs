//! What `new` tells the user: files and next steps on stdout, or one JSON object with `--json`.

use std::io::{self, Write};

use anyhow::Result;
use console::style;
use serde::Serialize;

use super::git::Init;
use crate::plugin::Summary;
use crate::scaffold::write::Outcome;
use crate::scaffold::Answers;
use crate::ui::{self, shell_quote};

#[derive(Serialize)]
pub struct Report {
    #[serde(flatten)]
    plugin: Summary,
    dry_run: bool,
    git_initialized: bool,
    files: Vec<String>,
    skipped: Vec<String>,
    next_steps: Vec<String>,
    #[serde(skip)]
    git: Init,
    /// Whether the text output lists every file, or only sums them up.
    #[serde(skip)]
    list_files: bool,
}

impl Report {
    /// `verbose` lists every file in the text output; a dry run always does, since the list is
    /// what it is for.
    pub fn new(
        answers: &Answers,
        outcome: &Outcome,
        dry_run: bool,
        verbose: bool,
        git: Init,
    ) -> Self {
        Report {
            plugin: Summary::new(&answers.id, &answers.dir, answers.backend),
            dry_run,
            git_initialized: git == Init::Done,
            files: outcome.written.clone(),
            skipped: outcome.skipped.clone(),
            next_steps: next_steps(answers),
            git,
            list_files: dry_run || verbose,
        }
    }

    pub fn print_json(&self) -> Result<()> {
        ui::print_json(self)
    }

    pub fn print_text(&self) -> Result<()> {
        if let Init::Failed(why) = &self.git {
            eprintln!("warning: `git init` failed: {why}");
        }
        ui::print_result(|out| self.write_text(out))
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.list_files {
            self.write_files(out)?;
            writeln!(out)?;
        }
        self.write_summary(out)?;
        if !self.dry_run {
            writeln!(out, "\nNext steps:")?;
            for step in &self.next_steps {
                writeln!(out, "  {step}")?;
            }
            self.write_kept(out)?;
        }
        Ok(())
    }

    fn write_files(&self, out: &mut dyn Write) -> io::Result<()> {
        for file in &self.files {
            writeln!(out, "  {} {file}", style("+").green())?;
        }
        for file in &self.skipped {
            writeln!(
                out,
                "  {} {file} (exists, left untouched)",
                style("=").yellow()
            )?;
        }
        Ok(())
    }

    fn write_summary(&self, out: &mut dyn Write) -> io::Result<()> {
        let verb = if self.dry_run {
            "Would create"
        } else {
            "Created"
        };
        let backend = if self.plugin.backend {
            " with a Rust backend"
        } else {
            ""
        };
        let skipped = match self.skipped.len() {
            0 => String::new(),
            1 => ", 1 existing file kept".to_owned(),
            n => format!(", {n} existing files kept"),
        };
        let listed = if self.list_files {
            ""
        } else {
            " (--verbose lists them)"
        };
        // Two short lines rather than one that an 80-column terminal wraps mid-word.
        writeln!(
            out,
            "{} {} ({} plugin{backend})",
            style(verb).green().bold(),
            style(&self.plugin.id).bold(),
            self.plugin.kind,
        )?;
        writeln!(
            out,
            "  {} files in {}{skipped}{listed}",
            self.files.len(),
            self.plugin.directory,
        )
    }

    /// `--force` keeps the user's own files; the next steps then run with those, not with ours.
    fn write_kept(&self, out: &mut dyn Write) -> io::Result<()> {
        let notes: Vec<String> = self
            .skipped
            .iter()
            .filter_map(|file| kept_note(file, self.plugin.backend).map(|note| (file, note)))
            .map(|(file, note)| format!("Kept your {file}: {note}."))
            .collect();
        if !notes.is_empty() {
            writeln!(out)?;
        }
        for note in notes {
            writeln!(out, "{} {}", style("note:").yellow().bold(), note)?;
        }
        Ok(())
    }
}

/// What a file kept by `--force` means for the next steps, for the files they depend on.
fn kept_note(file: &str, backend: bool) -> Option<&'static str> {
    match file {
        "package.json" => Some("`npm install` and `npm run dev` use it as it is"),
        "src/plugin.json" => Some("the plugin's id, type and backend come from it as it is"),
        "Cargo.toml" if backend => Some("`create-grafana-plugin build` builds it as it is"),
        "docker-compose.yaml" => Some("`docker compose up` runs it as it is"),
        _ => None,
    }
}

fn next_steps(answers: &Answers) -> Vec<String> {
    let mut steps = vec![
        format!("cd {}", shell_quote(&answers.dir.display().to_string())),
        "npm install".to_owned(),
        "npm run dev".to_owned(),
    ];
    if answers.backend {
        steps.push("create-grafana-plugin build --target linux".to_owned());
    }
    steps.push("docker compose up".to_owned());
    steps
}
