//! `cityhub plugin verify FILE --key VENDOR.pub | --city city.toml`: checks
//! a package as a city would before installing it, against the given
//! vendors' keys or the city's `[trust.vendors]`, and shows what it asks for.

use std::{fmt::Write as _, path::PathBuf, process::ExitCode};

use anyhow::{Context, bail};
use cityhub_package::{Error, MAX_PACKAGE, Package, PublicKeyFile, Trust, Verified};

use super::pack::read_at_most;
use crate::table::thousands;

/// Arguments of `plugin verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The package (`NAME-VERSION.chpkg`).
    file: PathBuf,
    /// A trusted vendor's public key file (`VENDOR.pub`, from `cityhub
    /// keygen`); repeat for several vendors.
    #[arg(long = "key", required_unless_present = "city")]
    keys: Vec<PathBuf>,
    /// Trust the vendors of this city's `[trust.vendors]` (as `plugin
    /// install` does).
    #[arg(long)]
    city: Option<PathBuf>,
}

/// Prints the verified package's contents; a refusal is an error naming the
/// file and why.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut trust = trust_from_files(&args.keys)?;
    if let Some(city) = &args.city {
        let settings =
            cityhub_config::InstallSettings::load(city).map_err(|d| anyhow::anyhow!("{d}"))?;
        for (vendor, key) in settings.trust.iter() {
            trust.insert(vendor.clone(), *key);
        }
    }
    let bytes = read_at_most(&args.file, MAX_PACKAGE, "package")?;
    let verified = match Package::open(&bytes, &trust) {
        Ok(v) => v,
        Err(e) => {
            let hint = match e {
                Error::UnknownVendor { .. } => {
                    "\n(here, the trusted vendors are those of the `--key` files and `--city`'s [trust.vendors]: pass the vendor's `.pub` file)"
                }
                _ => "",
            };
            bail!("`{}` is refused: {e}{hint}", args.file.display());
        }
    };
    print!("verified {}\n{}", args.file.display(), describe(&verified));
    Ok(ExitCode::SUCCESS)
}

/// The vendors and keys of `VENDOR.pub` files.
fn trust_from_files(files: &[PathBuf]) -> anyhow::Result<Trust> {
    let mut trust = Trust::new();
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading public key file `{}`", file.display()))?;
        let (vendor, key) =
            PublicKeyFile::parse(&text).with_context(|| format!("`{}`", file.display()))?;
        if let Some(other) = trust.insert(vendor.clone(), key)
            && other != key
        {
            bail!(
                "two `--key` files give different keys for vendor `{vendor}` (the last is `{}`); pass only the one you trust",
                file.display()
            );
        }
    }
    Ok(trust)
}

/// What a verified package is and asks for, a line each: plugin, vendor
/// and key, digest, world, sizes, limits, and each capability with what it
/// allows.
pub fn describe(v: &Verified) -> String {
    let m = &v.manifest;
    let l = &m.limits;
    let mut out = String::new();
    let key = v
        .package
        .signer()
        .map(|(_, k)| k.to_text())
        .unwrap_or_default();
    let rows = [
        ("plugin", format!("{} {}", m.name, m.version)),
        (
            "vendor",
            format!("{} ({key}); plugin.toml names \"{}\"", v.vendor, m.vendor),
        ),
        ("digest", v.digest.to_string()),
        ("world", format!("cityhub:plugin@{}", m.world)),
        (
            "size",
            format!(
                "component {} bytes, plugin.toml {} bytes",
                thousands(v.package.component().len() as i64),
                thousands(v.package.manifest_text().len() as i64)
            ),
        ),
        (
            "limits",
            format!(
                "memory {}, time-per-batch {}, outputs-per-batch {}, output-bytes {}, state-quota {}",
                l.memory,
                l.time_per_batch,
                thousands(i64::from(l.outputs_per_batch)),
                l.output_bytes,
                l.state_quota
            ),
        ),
    ];
    for (name, value) in rows {
        let _ = writeln!(out, "  {name:<13} {value}");
    }
    if m.capabilities.is_empty() {
        let _ = writeln!(out, "  {:<13} none", "capabilities");
    }
    for (i, c) in m.capabilities.iter().enumerate() {
        let label = if i == 0 { "capabilities" } else { "" };
        let _ = writeln!(out, "  {label:<13} {:<6} {}", c.name(), c.describe());
    }
    let list = |l: Vec<String>| {
        if l.is_empty() {
            "none".to_owned()
        } else {
            l.join(", ")
        }
    };
    let publishes = list(m.publishes.iter().map(|p| p.to_string()).collect());
    let _ = writeln!(out, "  {:<13} {publishes}", "publishes");
    let classes = list(m.data_classes.iter().map(|c| c.to_string()).collect());
    let _ = writeln!(
        out,
        "  {:<13} {classes} (data classes it asks to receive)",
        "data classes"
    );
    out
}
