//! `create-grafana-plugin new`: answers → plan → files on disk → next steps.

mod answers;
mod git;
mod plan;
mod render;
mod report;
mod write;

pub use answers::{resolve, Answers};
pub use plan::{plan, Plan, PlannedFile, RECORD_PATH};
pub(crate) use write::writable;

use anyhow::Result;

use crate::cli::NewArgs;
use crate::ui::{self, TerminalPrompter};

pub fn run(args: &NewArgs) -> Result<()> {
    // An explicit directory is checked before any question is asked.
    if let Some(dir) = &args.dir {
        write::check_target(dir, args.force)?;
    }
    let mut prompter = TerminalPrompter::new();
    let interactive = ui::can_prompt() && !args.yes;
    let answers = resolve(args, interactive.then_some(&mut prompter as _))?;
    let target = write::check_target(&answers.dir, args.force)?;
    let plan = plan(&answers)?;
    let outcome = match args.dry_run {
        true => write::preview(&plan, target),
        false => write::write(&plan, target)?,
    };
    let git = match args.dry_run || args.no_git {
        true => git::Init::Skipped,
        false => git::init(&plan.root),
    };
    let report = report::Report::new(&answers, &outcome, args.dry_run, args.verbose, git);
    match args.json {
        true => report.print_json(),
        false => report.print_text(),
    }
}
