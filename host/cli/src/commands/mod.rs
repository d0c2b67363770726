//! The subcommands, one module each. `deadletters`, `replay` and
//! `plugin status|resume` talk to a running host through [`crate::client`];
//! `bench` starts hosts of its own (this binary) and loads them over HTTP.

mod audit;
mod bench;
mod check;
mod deadletters;
mod demo;
mod plugin;
mod registry;
mod replay;
mod serve;
mod simulate;
mod token;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::{client::ApiError, logging::LogFormat};

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
    /// Write, build and try plugins; see and resume those of a running host.
    #[command(subcommand)]
    Plugin(plugin::Command),
    /// Make a vendor's signing key pair: VENDOR.key (secret) and VENDOR.pub.
    Keygen(plugin::keygen::Args),
    /// List and replay the events a running host's routes gave up on.
    #[command(subcommand)]
    Deadletters(deadletters::Command),
    /// Serve a plugin registry and add the vendors who publish to it.
    #[command(subcommand)]
    Registry(registry::Command),
    /// Run a route of a running host again from a time or log position.
    Replay(replay::Args),
    /// Measure throughput and latency of this binary's host over HTTP, on
    /// SQLite and PostgreSQL, against an ingest-only baseline (build with
    /// `--release`).
    Bench(bench::Args),
    /// Simulate Lạng Sơn: post seeded, time-compressed events of every city
    /// service to a running host (`--scenario border-queue` for the
    /// fruit-season jam at Hữu Nghị).
    Simulate(simulate::Args),
    /// The whole city on one command: build and start the host with every
    /// plugin (city.toml), run the simulator on it, print where to look;
    /// until Ctrl-C.
    Demo(demo::Args),
    /// Make, list and revoke the host's API tokens (offline, on the store
    /// of city.toml); `token create` prints only the token.
    #[command(subcommand)]
    Token(token::Command),
    /// Show the audit log: sign-in failures, token changes, installs,
    /// upgrades, config changes, replays and alert actions (offline).
    Audit(audit::Args),
}

/// Runs the parsed command. An error answer of the API is printed as its
/// message, with exit code 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Check { config } => check::run(&config),
        Command::Plugin(cmd) => plugin::run(cmd),
        Command::Keygen(args) => plugin::keygen::run(args),
        Command::Deadletters(cmd) => deadletters::run(cmd),
        Command::Registry(cmd) => registry::run(cmd),
        Command::Replay(args) => replay::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Token(cmd) => token::run(cmd),
        Command::Audit(args) => audit::run(args),
    };
    match result {
        Err(e) => match e.downcast::<ApiError>() {
            Ok(api) => {
                eprintln!("error: {}", api.message);
                Ok(ExitCode::from(2))
            }
            Err(e) => Err(e),
        },
        ok => ok,
    }
}
