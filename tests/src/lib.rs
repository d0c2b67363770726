//! cityhub's end-to-end tests live in `tests/all` (one test binary, one
//! module per scenario). This library holds what they share.

/// The test plugins, compiled to WebAssembly components by `build.rs`:
/// `<NAME>_WASM` is the absolute path of a plugin's `.wasm` file and
/// `<NAME>_DIR` of its folder (with `plugin.toml` and `events/`), for every
/// plugin of the demo city (`TRAFFIC`, `ALERTS`, `ECOMMERCE`, `TOURISM`,
/// `HEALTH`, `EDUCATION`, `FIELD_REPORTS`, `PUBLIC_ADMIN`, `REPORTING`,
/// `IOC`, all also in `CITY_PLUGINS`) and the test-only `HOSTILE`.
pub mod plugins {
    include!(concat!(env!("OUT_DIR"), "/plugins.rs"));
}
