//! cityhub's end-to-end tests live in `tests/all` (one test binary, one
//! module per scenario). This library holds what they share.

/// The test plugins, compiled to WebAssembly components by `build.rs`:
/// `TRAFFIC_WASM` / `ALERTS_WASM` / `HOSTILE_WASM` are absolute paths of the
/// `.wasm` files, `TRAFFIC_DIR` / `ALERTS_DIR` / `HOSTILE_DIR` of the
/// plugins' folders (with `plugin.toml` and `events/`).
pub mod plugins {
    include!(concat!(env!("OUT_DIR"), "/plugins.rs"));
}
