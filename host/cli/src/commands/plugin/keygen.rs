//! `cityhub keygen VENDOR`: a vendor's signing key pair, `VENDOR.key`
//! (secret, mode 0600) and `VENDOR.pub` (for cities to trust).

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{Context, bail};
use cityhub_package::{PublicKeyFile, SecretKey, VendorId};

/// Arguments of `keygen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The vendor's id (lowercase letters, digits, `-`), e.g. `acme`; it names
    /// the key in packages, in cities' `[trust.vendors]` and in registries.
    vendor: String,
    /// The folder to write VENDOR.key and VENDOR.pub in (created if missing).
    #[arg(long, default_value = ".")]
    out: PathBuf,
}

/// Writes both files, never over existing ones, and prints the public key.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let vendor: VendorId = args.vendor.parse()?;
    let secret_path = args.out.join(format!("{vendor}.key"));
    let public_path = args.out.join(format!("{vendor}.pub"));
    for path in [&secret_path, &public_path] {
        if path.exists() {
            bail!(
                "`{}` already exists; a vendor keeps one key, which cities trust: to really make a new one, move the old `{vendor}.key` and `{vendor}.pub` away first",
                path.display()
            );
        }
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating `{}`", args.out.display()))?;
    let key = SecretKey::generate(vendor.clone())?;
    let public = key.public_key();
    write_new(&secret_path, &key.to_text(), 0o600)?;
    write_new(
        &public_path,
        &PublicKeyFile::to_text(&vendor, &public),
        0o644,
    )?;

    println!("public key of vendor `{vendor}`: {public}");
    println!(
        "wrote {} (secret) and {} (public)",
        secret_path.display(),
        public_path.display()
    );
    println!(
        "keep {vendor}.key secret: anyone holding it can sign plugins as `{vendor}`; never commit or share it"
    );
    println!(
        "give {vendor}.pub to the cities that install your plugins; they trust it in city.toml:"
    );
    println!("  [trust.vendors]");
    println!("  {vendor} = \"{public}\"");
    Ok(ExitCode::SUCCESS)
}

/// Creates `path` (failing if it exists) with `mode` on Unix, and writes `text`.
fn write_new(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options
        .open(path)
        .with_context(|| format!("creating `{}`", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing `{}`", path.display()))
}
