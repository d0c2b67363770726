//! `cityhub plugin build DIR`: cargo → wasm32-wasip2 component → `DIR/plugin.wasm`.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{Context, bail};

/// Builds the crate in `dir` with the `plugin` profile for `wasm32-wasip2`,
/// streaming cargo's progress to stderr, and copies the component to
/// `dir/plugin.wasm`. Returns that path.
pub fn build(dir: &Path) -> anyhow::Result<PathBuf> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        bail!(
            "no Cargo.toml in `{}`: `cityhub plugin build` takes a plugin's source folder",
            dir.display()
        );
    }
    let manifest = manifest
        .canonicalize()
        .with_context(|| format!("resolving `{}`", manifest.display()))?;
    eprintln!(
        "building plugin in {} (wasm32-wasip2, profile `plugin`)",
        dir.display()
    );
    // `cargo` through rustup, so that the plugin's own rust-toolchain.toml
    // (with its wasm32-wasip2 target) decides the toolchain, not ours.
    let mut child = Command::new("cargo")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .args([
            "build",
            "--profile",
            "plugin",
            "--target",
            "wasm32-wasip2",
            "--message-format",
            "json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(&manifest)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("running cargo; is the Rust toolchain installed (`rustup toolchain install`)?")?;
    let mut artifact = None;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line.context("reading cargo's output")?;
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if msg["reason"] != "compiler-artifact"
                || msg["manifest_path"].as_str().map(Path::new) != Some(manifest.as_path())
            {
                continue;
            }
            if let Some(files) = msg["filenames"].as_array() {
                artifact = files
                    .iter()
                    .filter_map(|f| f.as_str())
                    .find(|f| f.ends_with(".wasm"))
                    .map(PathBuf::from)
                    .or(artifact);
            }
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    if !status.success() {
        bail!(
            "building `{}` failed (see cargo's errors above)",
            dir.display()
        );
    }
    let Some(artifact) = artifact else {
        bail!(
            "cargo built `{}` but produced no .wasm: is the crate's `crate-type` `[\"cdylib\"]`?",
            dir.display()
        );
    };
    let dest = dir.join("plugin.wasm");
    std::fs::copy(&artifact, &dest)
        .with_context(|| format!("copying `{}` to `{}`", artifact.display(), dest.display()))?;
    let size = std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(0);
    eprintln!("built {} ({} KiB)", dest.display(), size / 1024);
    Ok(dest)
}
