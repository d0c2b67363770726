//! `cityhub plugin …`: the vendor's loop — scaffold, build, try.

pub mod build;
mod new;
mod test;

use std::{path::PathBuf, process::ExitCode};

use clap::Subcommand;

/// Plugin subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a new plugin in folder NAME that builds and passes its own test.
    New {
        /// The plugin's name (lowercase letters, digits, `-`); also the folder created.
        name: String,
        /// Where cityhub-sdk is (default: the SDK of the cityhub checkout this binary was built from).
        #[arg(long)]
        sdk: Option<PathBuf>,
    },
    /// Build a plugin folder into `plugin.wasm` (a wasm32-wasip2 component).
    Build {
        /// The plugin's folder (holding Cargo.toml and plugin.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run a built plugin on sample events and print its outputs, with no host running.
    Test(test::Args),
}

/// Runs a plugin subcommand.
pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::New { name, sdk } => new::run(&name, sdk),
        Command::Build { dir } => build::build(&dir).map(|_| ExitCode::SUCCESS),
        Command::Test(args) => test::run(args),
    }
}
