//! `cityhub plugin sign FILE --key VENDOR.key`: the vendor signs a package
//! (in place, or into `--out`).

use std::{path::PathBuf, process::ExitCode};

use anyhow::{Context, bail};
use cityhub_manifest::Manifest;
use cityhub_package::{MAX_PACKAGE, Package, SecretKey};

use super::pack::{read_at_most, write_package};

/// Arguments of `plugin sign`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The package (`NAME-VERSION.chpkg`, from `cityhub plugin pack`).
    file: PathBuf,
    /// The vendor's secret key file (`VENDOR.key`, from `cityhub keygen`).
    #[arg(long)]
    key: PathBuf,
    /// Write the signed package here instead of over FILE.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Signs, writes, prints the digest and the vendor.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let key = read_secret_key(&args.key)?;
    let bytes = read_at_most(&args.file, MAX_PACKAGE, "package")?;
    let mut package =
        Package::read_unverified(&bytes).with_context(|| format!("`{}`", args.file.display()))?;
    // Nobody can install a package whose manifest is invalid: refuse to
    // vouch for one. Errors name it `FILE/plugin.toml`.
    let manifest = Manifest::parse(&args.file.join("plugin.toml"), package.manifest_text())
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    if let Some((vendor, old)) = package.signer() {
        if *old == key.public_key() {
            eprintln!(
                "note: `{}` was already signed with this key; signing again",
                args.file.display()
            );
        } else {
            eprintln!(
                "note: replacing the signature of vendor `{vendor}` ({old}) in `{}`",
                args.file.display()
            );
        }
    }
    package.sign(&key);
    let out = args.out.unwrap_or(args.file);
    write_package(&out, &package.to_bytes())?;
    println!(
        "signed {} {} as vendor `{}` into {}",
        manifest.name,
        manifest.version,
        key.vendor(),
        out.display()
    );
    println!("  digest  {}", package.digest());
    println!("  key     {}", key.public_key());
    Ok(ExitCode::SUCCESS)
}

/// A `VENDOR.key` file; warns when others may read it.
fn read_secret_key(path: &std::path::Path) -> anyhow::Result<SecretKey> {
    let meta = std::fs::metadata(path).with_context(|| {
        format!(
            "reading secret key file `{}`; make one with `cityhub keygen VENDOR`",
            path.display()
        )
    })?;
    if meta.len() > 4096 {
        bail!(
            "`{}` is not a secret key file: it is {} bytes; pass the `VENDOR.key` file `cityhub keygen` wrote",
            path.display(),
            meta.len()
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading secret key file `{}`", path.display()))?;
    let key = SecretKey::from_text(&text).with_context(|| format!("`{}`", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if meta.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "warning: `{}` can be read by other users; make it private with `chmod 600 {}`",
                path.display(),
                path.display()
            );
        }
    }
    Ok(key)
}
