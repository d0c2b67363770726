//! The test plugins were built as components by `build.rs`.

use std::io::Read;
use std::path::Path;

use cityhub_tests::plugins;

/// `\0asm`, then the component-model version and layer (0x0d 0x00, 0x01 0x00).
const COMPONENT_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/// The first eight bytes of the file at `path`.
fn header(path: &str) -> std::io::Result<[u8; 8]> {
    let mut header = [0; 8];
    std::fs::File::open(path)?.read_exact(&mut header)?;
    Ok(header)
}

#[test]
fn the_traffic_plugin_is_a_component() {
    assert_eq!(
        header(plugins::TRAFFIC_WASM).ok(),
        Some(COMPONENT_HEADER),
        "{}",
        plugins::TRAFFIC_WASM
    );
    assert!(plugins::TRAFFIC_WASM.ends_with("/cityhub_plugin_traffic.wasm"));
    assert!(
        Path::new(plugins::TRAFFIC_DIR)
            .join("plugin.toml")
            .is_file()
    );
}

#[test]
fn the_hostile_plugin_is_a_component() {
    assert_eq!(
        header(plugins::HOSTILE_WASM).ok(),
        Some(COMPONENT_HEADER),
        "{}",
        plugins::HOSTILE_WASM
    );
    assert!(plugins::HOSTILE_WASM.ends_with("/cityhub_plugin_hostile.wasm"));
    assert!(
        Path::new(plugins::HOSTILE_DIR)
            .join("plugin.toml")
            .is_file()
    );
}
