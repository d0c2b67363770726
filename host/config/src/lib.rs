//! `city.toml`: the host's configuration, parsed into types that cannot be invalid.
//!
//! [`CityConfig::load`] reads the file, checks every value, loads every
//! plugin's manifest, checks the routes against those manifests, and reports
//! every problem at once ([`Diagnostics`], each with file, line, column and a
//! caret), so an integrator fixes a whole file in one pass. `cityhub serve`
//! refuses to start on any of them.
//!
//! ```toml
//! [server]
//! listen = "127.0.0.1:8080"
//!
//! [store]
//! url = "sqlite://.cityhub/city.db"
//!
//! [ingest]
//! accepts = ["city.traffic.reading"]       # optional: absent accepts any type
//! classes = { "city.fieldreport.contact" = "personal" }  # data class by type
//!
//! [plugins.traffic]
//! path = "plugins/traffic"                 # the folder holding plugin.toml
//! config = { speed_threshold_kmh = 20 }
//! circuit = { failures = 5, cool-down = "30s" }
//! publishes = ["city.traffic.congestion"]  # approved outputs (default: the manifest's)
//! data-classes = []                        # classes it may receive (default none)
//!
//! [clock]
//! tick = "1m"                              # cityhub.clock.tick every minute (default)
//!
//! [open311]                                # optional: serve Open311 GeoReport v2
//! plugin = "field-reports"                 # whose `config.services` lists the services
//!
//! [bus]                                  # optional: "embedded" (default) or NATS JetStream
//! backend = "jetstream"                    # with url, stream, ack-wait, max-age, replicas
//! url = "nats://127.0.0.1:4222"
//!
//! [mqtt]                                   # optional: sensors over MQTT (see `MqttConfig`)
//! url = "mqtt://127.0.0.1:1883"
//! topics = [{ filter = "langson/traffic/+/reading", type = "city.traffic.reading", source = "/sensors/traffic" }]
//!
//! [routes.readings]                        # events reach plugins only through routes
//! from = "city.traffic.reading"            # or a list; NATS-style `*` and `>`
//! to = "traffic"
//! filter = { "data.speed_kmh" = { lt = 200 }, subject = { prefix = "QL" } }
//! partition-key = "data.segment"
//! ```
//!
//! Relative paths are resolved against the folder that holds `city.toml`.
//!
//! Besides each value, the routes are checked as a whole ([`RouteEntry`] has
//! every option): each goes `to` a configured plugin that subscribes to all of
//! its `from`; something publishes each `from` pattern (`[ingest] accepts`, a
//! plugin's `publishes`, or [`PLATFORM_EVENTS`]); and no chain of routes
//! carries a plugin's outputs back to it. A plugin's approvals stay within
//! its manifest: `publishes` within what it declares, `data-classes` among
//! what it asks for (`grant.rs`). A plugin no route reaches is not an
//! error: [`CityConfig::unrouted_plugins`] lists them for a warning.

mod bus;
mod checker;
mod city;
mod clock;
mod filter;
mod grant;
mod installed;
mod mqtt;
mod open311;
mod plugin;
mod raw;
mod route;
mod routes;
mod server;
mod settings;
mod topology;
mod trust;

pub use bus::{BusBackend, JetStreamConfig};
pub use city::CityConfig;
pub use clock::ClockConfig;
pub use installed::{Installed, write_atomic};
pub use mqtt::{MqttConfig, MqttTopic, TopicFilter};
pub use open311::{
    CONTACT as OPEN311_CONTACT, Open311Config, PERSONAL, SUBMITTED as OPEN311_SUBMITTED, Service,
};
pub use plugin::{Code, InstalledPackage, PluginEntry};
pub use route::{Circuit, IngestConfig, Retry, RouteEntry};
pub use server::ServerConfig;
pub use settings::{Approved, InstallSettings, store_url};

/// The event types the platform itself publishes (source `/cityhub`); routes
/// may take them `from` like any other. `cityhub.clock.tick` comes every
/// `[clock] tick`, with data `{"now": "<RFC 3339, +07:00>"}`.
pub const PLATFORM_EVENTS: [&str; 7] = [
    "cityhub.clock.tick",
    "cityhub.plugin.suspended",
    "cityhub.plugin.resumed",
    "cityhub.plugin.upgraded",
    "cityhub.plugin.upgrade-failed",
    "cityhub.route.lagging",
    "cityhub.route.recovered",
];
pub use cityhub_manifest::{Diagnostic, Diagnostics};
