//! `cityhub plugin …`: the vendor's loop — scaffold, build, try, then
//! publish, yank and search on a registry — and the operator's view of the
//! plugins of a running host — status, resume.

mod audit;
pub mod build;
mod city_file;
mod install;
mod installed;
pub mod keygen;
mod new;
mod pack;
mod publish;
mod resume;
mod search;
mod sign;
mod status;
mod test;
mod verify;
mod yank;

use std::{path::PathBuf, process::ExitCode};

use clap::Subcommand;

use crate::client::ServerArgs;

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
    /// Pack plugin.toml and the built plugin.wasm into an unsigned NAME-VERSION.chpkg.
    Pack(pack::Args),
    /// Sign a package with the vendor's secret key (from `cityhub keygen`).
    Sign(sign::Args),
    /// Check a package's signature against vendors' public keys and show what it asks for.
    Verify(verify::Args),
    /// Show each plugin of a running host: version, status (running or
    /// suspended by its circuit breaker, until when and why), routes.
    Status {
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Resume a plugin its circuit breaker suspended, now, on a running host.
    Resume {
        /// The plugin's name.
        name: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Publish a signed package to a registry, with a vendor token.
    Publish(publish::Args),
    /// Yank a published version from a registry (`--undo` to unyank).
    Yank(yank::Args),
    /// Search a registry's plugins.
    Search(search::Args),
    /// Install a plugin from a registry: resolve NAME@REQ, verify its
    /// signature against `[trust.vendors]`, show what it asks for, install
    /// what is approved. A running host swaps it in at once.
    Install(install::Args),
    /// List the installed plugins: the version serving, the ones kept for rollback.
    List(installed::CityArgs),
    /// Return an installed plugin to the version that served before.
    Rollback {
        /// The plugin's name.
        name: String,
        #[command(flatten)]
        city: installed::CityArgs,
    },
    /// Remove an installed plugin (no route may deliver to it).
    Remove {
        /// The plugin's name.
        name: String,
        #[command(flatten)]
        city: installed::CityArgs,
    },
}

/// Runs a plugin subcommand.
pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::New { name, sdk } => new::run(&name, sdk),
        Command::Build { dir } => build::build(&dir).map(|_| ExitCode::SUCCESS),
        Command::Test(args) => test::run(args),
        Command::Pack(args) => pack::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Status { server } => status::run(&server),
        Command::Resume { name, server } => resume::run(&name, &server),
        Command::Publish(args) => publish::run(args),
        Command::Yank(args) => yank::run(args),
        Command::Search(args) => search::run(args),
        Command::Install(args) => install::run(args),
        Command::List(city) => installed::list(&city),
        Command::Rollback { name, city } => installed::rollback(&name, &city),
        Command::Remove { name, city } => installed::remove(&name, &city),
    }
}
