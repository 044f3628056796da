//! `create-grafana-plugin add <part>`: gives an existing plugin a part `new` would have generated.
//! Today the part is `backend`: the Rust backend, for an app or data source without one.

mod changes;
mod inspect;
mod plugin_json;
mod report;

use anyhow::Result;

use crate::cli::{AddArgs, AddBackendArgs, AddPart};
use crate::scaffold::replace::{self, Change};

pub fn run(args: &AddArgs) -> Result<()> {
    match &args.part {
        AddPart::Backend(args) => backend(args),
    }
}

/// Everything is read and planned before the first write, which changes all files or none.
fn backend(args: &AddBackendArgs) -> Result<()> {
    let plugin = inspect::inspect(&args.plugin.start())?;
    let changes = changes::changes(&plugin)?;
    if !args.dry_run {
        let files: Vec<Change> = changes
            .added
            .iter()
            .chain(&changes.changed)
            .map(Change::from)
            .collect();
        replace::apply(&plugin.root, &files)?;
    }
    let report = report::Report::new(&plugin, changes, args.dry_run);
    if args.json {
        report.print_json()
    } else {
        report.print_text()
    }
}
