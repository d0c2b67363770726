//! `cityhub plugin search [TEXT] --registry URL`: the registry's plugins
//! whose name or description contains TEXT, as a table.

use std::process::ExitCode;

use crate::{
    client::block_on,
    commands::registry::{RegistryArgs, refused},
    table,
};

/// Arguments of `plugin search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Text to look for in names and descriptions (any case); none lists every plugin.
    #[arg(default_value = "")]
    text: String,
    /// At most this many plugins (1 to 100).
    #[arg(long, default_value_t = 20)]
    limit: u32,
    #[command(flatten)]
    registry: RegistryArgs,
}

/// Prints the table; a refusal exits with 2.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let client = args.registry.client()?;
    let found = match block_on(client.search_limit(&args.text, args.limit))? {
        Ok(found) => found,
        Err(e) => return refused(e),
    };
    if found.plugins.is_empty() {
        if args.text.is_empty() {
            println!("no plugins are published in {}", client.url());
        } else {
            println!("no plugin in {} matches `{}`", client.url(), args.text);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = found
        .plugins
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.latest
                    .as_ref()
                    .map_or_else(|| "(all yanked)".to_owned(), ToString::to_string),
                p.versions.to_string(),
                p.vendor.clone(),
                table::truncate(&p.description, 60),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &["NAME", "LATEST", "VERSIONS", "VENDOR", "DESCRIPTION"],
            &rows
        )
    );
    Ok(ExitCode::SUCCESS)
}
