//! `cityhub plugin yank NAME@VERSION [--undo]`: stops (or, with `--undo`,
//! restarts) new installs resolving a published version; it stays
//! downloadable.

use std::{process::ExitCode, str::FromStr};

use semver::Version;

use crate::{
    client::block_on,
    commands::registry::{RegistryArgs, TokenArgs, refused},
};

/// Arguments of `plugin yank`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The version, as `NAME@VERSION` (e.g. `weather@1.2.0`).
    target: NameAtVersion,
    /// Unyank: let new installs resolve it again.
    #[arg(long)]
    undo: bool,
    #[command(flatten)]
    registry: RegistryArgs,
    #[command(flatten)]
    token: TokenArgs,
}

/// `NAME@VERSION`.
#[derive(Debug, Clone)]
struct NameAtVersion {
    name: String,
    version: Version,
}

impl FromStr for NameAtVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (name, version) = s
            .split_once('@')
            .ok_or_else(|| format!("`{s}` is not NAME@VERSION, e.g. `weather@1.2.0`"))?;
        let version = Version::parse(version)
            .map_err(|e| format!("`{version}` in `{s}` is not a version ({e}), e.g. `1.2.0`"))?;
        Ok(Self {
            name: name.to_owned(),
            version,
        })
    }
}

/// Yanks or unyanks; a refusal exits with 2.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let client = args.registry.client()?;
    let NameAtVersion { name, version } = &args.target;
    let token = &args.token.token;
    let done = block_on(async {
        if args.undo {
            client.unyank(name, version, token).await
        } else {
            client.yank(name, version, token).await
        }
    })?;
    match done {
        Ok(s) if s.yanked => println!(
            "yanked {}@{}: new installs no longer resolve it (it stays downloadable); `--undo` restores it",
            s.name, s.version
        ),
        Ok(s) => println!(
            "unyanked {}@{}: new installs resolve it again",
            s.name, s.version
        ),
        Err(e) => return refused(e),
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_at_version() {
        let t: NameAtVersion = "weather@1.2.0-rc.1".parse().unwrap();
        assert_eq!(
            (t.name.as_str(), t.version.to_string().as_str()),
            ("weather", "1.2.0-rc.1")
        );
        assert!(
            "weather"
                .parse::<NameAtVersion>()
                .unwrap_err()
                .contains("NAME@VERSION")
        );
        assert!(
            "weather@1"
                .parse::<NameAtVersion>()
                .unwrap_err()
                .contains("not a version")
        );
    }
}
