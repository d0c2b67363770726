//! `cityhub plugin pack DIR`: `DIR/plugin.toml` and the built
//! `DIR/plugin.wasm` into one unsigned `NAME-VERSION.chpkg`.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{Context, bail};
use cityhub_manifest::Manifest;
use cityhub_package::{MAX_COMPONENT, Package};

use crate::table::thousands;

/// Arguments of `plugin pack`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plugin's folder (holding plugin.toml and plugin.wasm, built by
    /// `cityhub plugin build`).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Where to write the package (default `DIR/NAME-VERSION.chpkg`).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Packs, writes the package, prints what it holds.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let manifest_path = args.dir.join("plugin.toml");
    if !manifest_path.is_file() {
        bail!(
            "no plugin.toml in `{}`: `cityhub plugin pack` takes a plugin's folder",
            args.dir.display()
        );
    }
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("reading `{}`", manifest_path.display()))?;
    // Parsed here too, so that errors point into the file on disk.
    let manifest = Manifest::parse(&manifest_path, &text).map_err(|d| anyhow::anyhow!("{d}"))?;
    let wasm = args.dir.join("plugin.wasm");
    if !wasm.is_file() {
        bail!(
            "no plugin.wasm in `{}`: build it first with `cityhub plugin build {}`",
            args.dir.display(),
            args.dir.display()
        );
    }
    let component = read_at_most(&wasm, MAX_COMPONENT, "component")?;
    let package = Package::pack(&text, component)
        .with_context(|| format!("packing `{}`", args.dir.display()))?;
    let file_name = format!("{}-{}.chpkg", manifest.name, manifest.version);
    let out = args.out.unwrap_or_else(|| args.dir.join(&file_name));
    let bytes = package.to_bytes();
    write_package(&out, &bytes)?;

    println!(
        "packed {} {} into {}",
        manifest.name,
        manifest.version,
        out.display()
    );
    println!("  digest  {}", package.digest());
    println!(
        "  size    {} bytes (component {}, plugin.toml {})",
        thousands(bytes.len() as i64),
        thousands(package.component().len() as i64),
        thousands(text.len() as i64)
    );
    println!(
        "unsigned: sign it with `cityhub plugin sign {} --key VENDOR.key`",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `path`'s bytes, refused before reading when larger than `max` (what a
/// package can hold); `what` names the file in errors.
pub(super) fn read_at_most(path: &Path, max: u64, what: &str) -> anyhow::Result<Vec<u8>> {
    let reading = || format!("reading {what} `{}`", path.display());
    let len = std::fs::metadata(path).with_context(reading)?.len();
    if len > max {
        bail!(
            "{what} `{}` is {} bytes, more than a package can hold ({})",
            path.display(),
            thousands(len as i64),
            thousands(max as i64)
        );
    }
    std::fs::read(path).with_context(reading)
}

/// Writes a package file whole or not at all (a temporary file beside it,
/// then a rename over `path`).
pub(super) fn write_package(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    cityhub_config::write_atomic(path, bytes)
        .with_context(|| format!("writing `{}`", path.display()))
}
