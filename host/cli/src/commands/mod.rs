//! The subcommands, one module each.

mod check;
mod plugin;
mod serve;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::logging::LogFormat;

/// cityhub: joins a smart city's services, each a sandboxed WebAssembly plugin,
/// over one integration bus, and serves their combined outputs.
#[derive(Debug, Parser)]
#[command(name = "cityhub", version, propagate_version = true)]
pub struct Cli {
    /// How logs are written (to stderr).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "CITYHUB_LOG_FORMAT")]
    pub log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the host: load the plugins in city.toml, accept events over HTTP, deliver them.
    Serve(serve::Args),
    /// Check city.toml and every plugin manifest it names; print every error at once.
    Check {
        /// The city configuration.
        #[arg(long, short, default_value = "city.toml")]
        config: PathBuf,
    },
    /// Write, build and try plugins.
    #[command(subcommand)]
    Plugin(plugin::Command),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Check { config } => check::run(&config),
        Command::Plugin(cmd) => plugin::run(cmd),
    }
}
