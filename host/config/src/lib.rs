//! `city.toml`: the host's configuration, parsed into types that cannot be invalid.
//!
//! [`CityConfig::load`] reads the file, checks every value, loads every
//! plugin's manifest, and reports every problem at once ([`Diagnostics`], each
//! with file, line, column and a caret), so an integrator fixes a whole file
//! in one pass. `cityhub serve` refuses to start on any of them.
//!
//! ```toml
//! [server]
//! listen = "127.0.0.1:8080"
//!
//! [store]
//! url = "sqlite://.cityhub/city.db"
//!
//! [plugins.traffic]
//! path = "plugins/traffic"                 # the folder holding plugin.toml
//! config = { speed_threshold_kmh = 20 }
//! ```
//!
//! Relative paths are resolved against the folder that holds `city.toml`.

mod city;
mod raw;

pub use city::{CityConfig, PluginEntry, Retry, ServerConfig};
pub use cityhub_manifest::{Diagnostic, Diagnostics};
