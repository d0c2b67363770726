//! `cityhub plugin new NAME`: scaffold a plugin that builds and passes its own test.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{Context, bail};
use cityhub_manifest::PluginName;
use cityhub_runtime::SUPPORTED_WORLD;

const CARGO: &str = include_str!("../../scaffold/Cargo.toml.tmpl");
const MANIFEST: &str = include_str!("../../scaffold/plugin.toml.tmpl");
const LIB: &str = include_str!("../../scaffold/lib.rs.tmpl");
const TEST: &str = include_str!("../../scaffold/test.rs.tmpl");
const SAMPLE: &str = include_str!("../../scaffold/sample.json.tmpl");
const TOOLCHAIN: &str = include_str!("../../../../../rust-toolchain.toml");

/// Where this checkout's SDK is, as built.
fn default_sdk() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sdk/rust")
}

/// Creates `NAME/` with Cargo.toml, plugin.toml, src/lib.rs, tests/, events/.
pub fn run(name: &str, sdk: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let plugin = PluginName::new(name).map_err(anyhow::Error::msg)?;
    let dir = PathBuf::from(plugin.as_str());
    if dir.exists() {
        bail!(
            "`{}` already exists; choose another name or remove it",
            dir.display()
        );
    }
    let sdk = sdk.unwrap_or_else(default_sdk);
    let sdk = sdk
        .canonicalize()
        .with_context(|| format!("cityhub-sdk not found at `{}`; pass `--sdk PATH` to the sdk/rust folder of a cityhub checkout", sdk.display()))?;
    let fill = |t: &str| {
        t.replace("{{name}}", plugin.as_str())
            .replace("{{crate}}", &plugin.as_str().replace('-', "_"))
            .replace("{{sdk}}", &sdk.display().to_string())
            .replace("{{world}}", SUPPORTED_WORLD)
    };
    for (path, text) in [
        ("Cargo.toml", fill(CARGO)),
        ("plugin.toml", fill(MANIFEST)),
        ("rust-toolchain.toml", TOOLCHAIN.to_owned()),
        ("src/lib.rs", fill(LIB)),
        ("tests/plugin.rs", fill(TEST)),
        ("events/sample.json", fill(SAMPLE)),
        (".gitignore", "/target/\n*.wasm\n".to_owned()),
    ] {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating `{}`", parent.display()))?;
        }
        std::fs::write(&file, text).with_context(|| format!("writing `{}`", file.display()))?;
    }
    println!("created plugin `{plugin}` in ./{plugin}/");
    println!("next:");
    println!("  cd {plugin} && cargo test                 # the plugin's own tests, natively");
    println!("  cityhub plugin build {plugin}             # → {plugin}/plugin.wasm");
    println!("  cityhub plugin test {plugin} --events {plugin}/events/sample.json");
    Ok(ExitCode::SUCCESS)
}
