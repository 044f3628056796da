//! `create-grafana-plugin new`: answers → plan → files on disk → next steps.

mod answers;
mod git;
mod report;

use answers::resolve;

use anyhow::Result;

use crate::cli::NewArgs;
use crate::scaffold::plan::plan;
use crate::scaffold::write;
use crate::ui::{self, TerminalPrompter};

pub fn run(args: &NewArgs) -> Result<()> {
    // An explicit directory is checked before any question is asked.
    if let Some(dir) = &args.dir {
        write::check_destination(dir, args.force)?;
    }
    let mut prompter = TerminalPrompter::new();
    let interactive = ui::can_prompt() && !args.yes;
    let answers = resolve(args, interactive.then_some(&mut prompter as _))?;
    let destination = write::check_destination(&answers.dir, args.force)?;
    let plan = plan(&answers)?;
    let outcome = if args.dry_run {
        write::preview(&plan, destination)
    } else {
        write::write(&plan, destination)?
    };
    let git = if args.dry_run || args.no_git {
        git::Init::Skipped
    } else {
        git::init(&plan.root)
    };
    let report = report::Report::new(&answers, &outcome, args.dry_run, args.verbose, git);
    if args.json {
        report.print_json()
    } else {
        report.print_text()
    }
}
