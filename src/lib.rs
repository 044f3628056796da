//! create-grafana-plugin: scaffold Grafana plugins with a Rust backend.
//!
//! The binary is a thin shell around [`run`]; the commands live in their own modules.

pub mod build;
pub mod check;
pub mod cli;
pub mod dev;
pub mod error;
pub mod grafana;
pub mod interrupt;
pub mod new;
pub mod npm;
pub mod package;
pub mod parallel;
pub mod plugin;
pub mod process;
pub mod rules;
pub mod scaffold;
pub mod source_date;
pub mod target;
pub mod toolchain;
pub mod ui;
pub mod validate;

use anyhow::Result;

use cli::{Cli, Command};

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
    }
}
