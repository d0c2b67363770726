//! `plugin.toml`: a plugin's manifest, parsed into types that cannot be invalid.
//!
//! A manifest names the plugin ([`PluginName`], semver version, vendor), the
//! WIT world version it was built for, the event types it subscribes to and
//! publishes ([`TypePattern`]s), the host interfaces it imports
//! ([`Capability`]), the data classes it asks to receive (`data-classes`,
//! [`DataClass`]: `personal`, `health`), the [`Limits`] it asks the host for, and the JSON Schema
//! of its configuration ([`ConfigSchema`]).
//!
//! [`Manifest::parse`] reports *every* problem it finds at once, each with the
//! file, line and column and a caret under the offending value
//! ([`Diagnostics`]); a TOML syntax error or an unknown key stops parsing at
//! that point, since nothing after it can be trusted.
//!
//! ```
//! let toml = r#"
//! name = "traffic"
//! version = "0.1.0"
//! vendor = "Sở Giao thông Vận tải Lạng Sơn"
//! description = "Congestion from traffic readings"
//! world = "0.1.0"
//! subscribes = ["city.traffic.reading"]
//! publishes = ["city.traffic.congestion"]
//! capabilities = ["state", "log"]
//! "#;
//! let m = cityhub_manifest::Manifest::parse("plugin.toml".as_ref(), toml).unwrap();
//! assert_eq!(m.name.as_str(), "traffic");
//! assert_eq!(m.limits.memory.bytes(), 16 << 20);
//! use cityhub_manifest::Capability;
//! assert_eq!(m.capabilities, [Capability::Log, Capability::State]);
//! ```

mod capability;
mod config_schema;
mod diagnostic;
mod limits;
mod manifest;
mod name;
mod raw;
mod units;

pub use capability::Capability;
pub use cityhub_cloudevents::{DataClass, EventType, TypePattern};
pub use config_schema::{ConfigError, ConfigSchema};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use limits::Limits;
pub use manifest::Manifest;
pub use name::PluginName;
pub use units::{ByteSize, Millis};
