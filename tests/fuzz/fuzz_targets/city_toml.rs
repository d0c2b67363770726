//! `city.toml`: the input is the file's text, parsed as if it were the
//! repository's `city.toml` (so `plugins/traffic` and the config tests'
//! `host/config/tests/ui/fixture/*` folders load). Every refusal renders
//! (file, line, caret) and says something; a city that loads answers
//! `unrouted_plugins`.
#![no_main]

use cityhub_config::CityConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = cityhub_fuzz::repo_root().join("city.toml");
    match CityConfig::parse(&file, text) {
        Ok(city) => {
            assert!(!city.plugins.is_empty(), "a city without plugins loaded");
            for name in city.unrouted_plugins() {
                assert!(city.plugins.iter().any(|p| &p.name == name));
            }
        }
        Err(diagnostics) => cityhub_fuzz::check_refusal(&diagnostics),
    }
});
