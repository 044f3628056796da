use std::process::ExitCode;

use clap::Parser;
use create_grafana_plugin::{cli::Cli, error::exit_code, run};

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{} {error:#}", console::style("error:").red().bold());
            ExitCode::from(exit_code(&error))
        }
    }
}
