//! `cityhub registry …`: run a plugin registry (`serve`) and add the vendors
//! who may publish to it (`vendor add`). The vendors' side — `plugin
//! publish|yank|search` — is under `plugin`, sharing [`RegistryArgs`] and
//! [`refused`] from here.

mod serve;
mod vendor;

use std::process::ExitCode;

use clap::Subcommand;

/// The default database of `registry serve` and `registry vendor add`.
const DEFAULT_STORE: &str = "sqlite://.cityhub-registry/registry.db";

/// Registry subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve a plugin registry over HTTP until Ctrl-C or SIGTERM: vendors
    /// publish and yank signed packages, integrators search and download.
    Serve(serve::Args),
    /// Manage the vendors who may publish (offline, on the registry's database).
    #[command(subcommand)]
    Vendor(vendor::Command),
}

/// Runs a registry subcommand.
pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Serve(args) => serve::run(args),
        Command::Vendor(cmd) => vendor::run(cmd),
    }
}

/// Where the registry is, for the commands that talk to one.
#[derive(Debug, Clone, clap::Args)]
pub struct RegistryArgs {
    /// The registry's URL, such as `http://127.0.0.1:7070`.
    #[arg(long, env = "CITYHUB_REGISTRY", value_name = "URL")]
    pub registry: String,
}

impl RegistryArgs {
    /// A client of the registry.
    pub fn client(&self) -> anyhow::Result<cityhub_registry::Client> {
        Ok(cityhub_registry::Client::new(&self.registry)?)
    }
}

/// A vendor's publishing token, for the commands that change a registry.
#[derive(Debug, Clone, clap::Args)]
pub struct TokenArgs {
    /// The vendor token `cityhub registry vendor add` printed.
    #[arg(long, env = "CITYHUB_REGISTRY_TOKEN", hide_env_values = true)]
    pub token: String,
}

/// A registry's refusal (`Error::Api`) printed as its message with exit
/// code 2, like the host API's; any other error returned as is.
pub fn refused(e: cityhub_registry::Error) -> anyhow::Result<ExitCode> {
    match e {
        cityhub_registry::Error::Api { message, .. } => {
            eprintln!("error: {message}");
            Ok(ExitCode::from(2))
        }
        other => Err(other.into()),
    }
}
