//! `cityhub registry vendor add ID --key ID.pub`: lets a vendor publish,
//! printing its token once.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use cityhub_package::{PublicKeyFile, VendorId};
use cityhub_registry::Registry;

use super::DEFAULT_STORE;
use crate::client::block_on;

/// Vendor subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a vendor with its public key and print its publishing token (once:
    /// only its hash is kept). Refuses a vendor the registry has.
    Add {
        /// The vendor's id (lowercase letters, digits, `-`), as in its key file.
        id: VendorId,
        /// The vendor's public key file (`cityhub keygen` writes `ID.pub`).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The registry's database, as for `registry serve`.
        #[arg(long, env = "CITYHUB_REGISTRY_STORE", default_value = DEFAULT_STORE)]
        store: String,
    },
}

/// Runs a vendor subcommand.
pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Add { id, key, store } => add(&id, &key, &store),
    }
}

fn add(id: &VendorId, key_file: &PathBuf, store: &str) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(key_file).with_context(|| {
        format!(
            "cannot read the public key file `{}`; the vendor makes it with `cityhub keygen`",
            key_file.display()
        )
    })?;
    let (vendor, key) =
        PublicKeyFile::parse(&text).with_context(|| format!("in `{}`", key_file.display()))?;
    anyhow::ensure!(
        &vendor == id,
        "the key file `{}` is vendor `{vendor}`'s, not `{id}`'s: pass the key of `{id}`, or add \
         `{vendor}` instead",
        key_file.display()
    );
    let token = block_on(Registry::add_vendor_at(store, id, &key))??;
    println!(
        "vendor `{id}` added with key {}.\nIts publishing token, shown only this once (give it \
         to the vendor; they pass it as --token or CITYHUB_REGISTRY_TOKEN):\n{}",
        key.to_text(),
        token.as_str()
    );
    Ok(ExitCode::SUCCESS)
}
