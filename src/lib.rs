//! create-grafana-plugin: scaffold Grafana plugins with a Rust backend.
//!
//! The binary is a thin shell around [`run`]; the commands live in their own modules. Modules are
//! private and the crate exports only what main.rs and the integration tests use, so the compiler
//! reports whatever else goes unused.

mod add;
mod build;
mod check;
mod cli;
mod dev;
mod error;
mod grafana;
mod interrupt;
mod new;
mod npm;
mod package;
mod parallel;
mod plugin;
mod process;
mod rules;
mod scaffold;
mod source_date;
mod target;
mod toolchain;
mod ui;
mod update;
mod validate;

pub use cli::Cli;
pub use error::{exit_code, Stopped, EXIT_INTERRUPTED};
pub use plugin::{PluginId, PluginKind, PluginName};
pub use scaffold::{plan, Answers, PlannedFile};
pub use target::{BuildTarget, TARGETS};

use anyhow::Result;

use cli::Command;

pub fn run(cli: Cli) -> Result<()> {
    ui::init_colors();
    interrupt::install()?;
    match cli.command {
        Command::New(args) => new::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Package(args) => package::run(&args),
        Command::Dev(args) => dev::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Update(args) => update::run(&args),
        Command::Add(args) => add::run(&args),
    }
}
