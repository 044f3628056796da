use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use create_grafana_plugin::{exit_code, run, Cli, Stopped, EXIT_INTERRUPTED};

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let code = exit_code(&error);
            if code == EXIT_INTERRUPTED && std::io::stderr().is_terminal() {
                // A prompt hides the cursor; give it back whoever noticed Ctrl-C first.
                let _ = console::Term::stderr().show_cursor();
            }
            match error.downcast_ref::<Stopped>() {
                Some(stopped) => eprintln!("{stopped}"),
                None => eprintln!("{} {error:#}", console::style("error:").red().bold()),
            }
            ExitCode::from(code)
        }
    }
}
