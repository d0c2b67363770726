//! `plugin.toml`: the input is the manifest's text. Every refusal renders
//! and says something; a manifest that parses has a name and version, and
//! its configuration schema can check a few configurations without failing
//! in any way but an error.
#![no_main]

use std::path::Path;

use cityhub_manifest::Manifest;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Manifest::parse(Path::new("plugins/fuzz/plugin.toml"), text) {
        Ok(m) => {
            assert!(!m.name.as_str().is_empty());
            for config in [
                json!({}),
                json!(null),
                json!({"services": [], "threshold": 1.5}),
            ] {
                let _ = m.config_schema.validate(&config);
            }
            for p in m.subscribes.iter().chain(&m.publishes) {
                let _ = m.may_publish(p.as_str());
            }
        }
        Err(diagnostics) => cityhub_fuzz::check_refusal(&diagnostics),
    }
});
