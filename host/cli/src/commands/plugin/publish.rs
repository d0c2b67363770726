//! `cityhub plugin publish FILE --registry URL --token T`: uploads a signed
//! package under the name and version its manifest gives.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;

use crate::{
    client::block_on,
    commands::registry::{RegistryArgs, TokenArgs, refused},
};

/// Arguments of `plugin publish`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The signed package (`NAME-VERSION.chpkg`, from `cityhub plugin pack` and `sign`).
    file: PathBuf,
    #[command(flatten)]
    registry: RegistryArgs,
    #[command(flatten)]
    token: TokenArgs,
}

/// Publishes; a refusal (version exists, wrong signer, …) exits with 2.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read the package `{}`", args.file.display()))?;
    let client = args.registry.client()?;
    match block_on(client.publish(bytes, &args.token.token))? {
        Ok(p) => {
            println!(
                "published {}@{} ({}) as vendor `{}` to {}",
                p.name,
                p.version,
                p.digest,
                p.vendor,
                client.url()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refused(e),
    }
}
