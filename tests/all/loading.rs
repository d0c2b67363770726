//! Loading plugins: what the runtime refuses, and that a refusal says why.

use std::path::Path;

use cityhub_manifest::Manifest;
use cityhub_runtime::{Error, Runtime, RuntimeConfig};
use serde_json::json;

use crate::support::plugins;

fn manifest(edit: impl FnOnce(String) -> String) -> Manifest {
    let text =
        std::fs::read_to_string(Path::new(plugins::TRAFFIC_DIR).join("plugin.toml")).unwrap();
    Manifest::parse(Path::new("plugin.toml"), &edit(text)).unwrap()
}

fn runtime() -> Runtime {
    Runtime::new(RuntimeConfig {
        max_instances: 8,
        ..RuntimeConfig::default()
    })
    .unwrap()
}

#[test]
fn a_manifest_world_that_differs_from_the_component_is_refused_naming_both() {
    let m = manifest(|t| t.replace("world = \"0.1.0\"", "world = \"0.2.0\""));
    let err = runtime()
        .load(m, Path::new(plugins::TRAFFIC_WASM), json!({}))
        .unwrap_err();
    assert!(matches!(err, Error::WorldMismatch { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("0.2.0") && msg.contains("cityhub:plugin@0.1.0"),
        "{msg}"
    );
}

#[test]
fn a_component_importing_a_capability_its_manifest_does_not_declare_is_refused() {
    let m = manifest(|t| {
        t.replace(
            r#"capabilities = ["log", "state", "clock"]"#,
            r#"capabilities = ["log", "clock"]"#,
        )
    });
    assert!(
        !m.capabilities
            .contains(&cityhub_manifest::Capability::State)
    );
    let err = runtime()
        .load(m, Path::new(plugins::TRAFFIC_WASM), json!({}))
        .unwrap_err();
    assert!(matches!(err, Error::Undeclared { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("imports `cityhub:plugin/state`")
            && msg.contains("add it to `capabilities` in plugin.toml"),
        "{msg}"
    );
}

#[test]
fn bytes_that_are_not_a_component_are_refused() {
    let err = runtime()
        .load_bytes(
            manifest(|t| t),
            Path::new("junk.wasm"),
            b"\0asm\x01\0\0\0",
            json!({}),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Compile { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("`junk.wasm` is not a valid WebAssembly component"),
        "{err}"
    );
}

#[test]
fn configuration_is_validated_against_the_manifest_schema_before_init() {
    let err = runtime()
        .load(
            manifest(|t| t),
            Path::new(plugins::TRAFFIC_WASM),
            json!({"speed_threshold_kmh": "fast"}),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err}");
    assert!(err.to_string().contains("/speed_threshold_kmh"), "{err}");
}

#[test]
fn a_missing_component_says_how_to_build_it() {
    let err = runtime()
        .load(
            manifest(|t| t),
            Path::new("/no/such/plugin.wasm"),
            json!({}),
        )
        .unwrap_err();
    assert!(err.to_string().contains("cityhub plugin build"), "{err}");
}

#[test]
fn the_compile_cache_serves_the_second_load() {
    let cache = tempfile::tempdir().unwrap();
    let rt = Runtime::new(RuntimeConfig {
        cache_dir: Some(cache.path().to_owned()),
        max_instances: 8,
        ..RuntimeConfig::default()
    })
    .unwrap();
    rt.load(manifest(|t| t), Path::new(plugins::TRAFFIC_WASM), json!({}))
        .unwrap();
    let entries: Vec<_> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].extension().is_some_and(|e| e == "cwasm"));
    // A corrupt entry is dropped and the component compiled again.
    std::fs::write(&entries[0], b"garbage").unwrap();
    rt.load(manifest(|t| t), Path::new(plugins::TRAFFIC_WASM), json!({}))
        .unwrap();
    assert!(
        std::fs::metadata(&entries[0]).unwrap().len() > 1000,
        "the entry was rewritten"
    );
}

#[test]
fn a_component_built_for_another_world_version_is_refused_naming_both() {
    // The traffic component with its export renamed to a future version of
    // the package (same length, so the binary stays well-formed).
    let mut bytes = std::fs::read(plugins::TRAFFIC_WASM).unwrap();
    let (from, to) = (
        b"cityhub:plugin/handler@0.1.0",
        b"cityhub:plugin/handler@0.9.0",
    );
    let mut patched = 0;
    for i in 0..bytes.len() - from.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            patched += 1;
        }
    }
    assert!(patched > 0, "the component names its handler export");
    let err = runtime()
        .load_bytes(manifest(|t| t), Path::new("future.wasm"), &bytes, json!({}))
        .unwrap_err();
    assert!(matches!(err, Error::WorldVersion { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("cityhub:plugin@0.9.0") && msg.contains("cityhub:plugin@0.1.0"),
        "{msg}"
    );
}
