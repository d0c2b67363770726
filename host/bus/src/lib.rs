//! The integration bus: from the event log, along routes, to plugins and back.
//!
//! Every accepted event is in the log ([`cityhub_store`]) before the sender
//! hears `202`. The [`Bus`] runs one task per route (`[routes.NAME]` in
//! city.toml, [`cityhub_config::RouteEntry`]): it reads the log after the
//! route's committed position, keeps the events whose type matches the
//! route's patterns and that pass its filter, splits them into lanes by
//! partition key, calls the plugin in batches on blocking threads, and
//! commits the outputs, the plugin's state writes, the dead letters and the
//! route's new position in one transaction. A crash therefore never loses a
//! step nor applies half of one: on restart each route resumes from its last
//! committed position, and appends are idempotent on `(source, id)`.
//!
//! Plugin outputs go back into the log, so other routes carry them on
//! (chains and fan-out). A plugin never receives its own outputs.
//!
//! Failures: a failed batch is retried per the route's policy (exponential
//! backoff with jitter); if it still fails, its events are tried one by one
//! and those that fail become dead letters ([`cityhub_store::DeadLetter`]),
//! replayable once the plugin is fixed. A plugin whose calls keep failing is
//! suspended by its circuit breaker: its routes pause, the others run on,
//! and it resumes after a cool-down or on command ([`Bus::resume`]).
//! Suspension, resumption and lag are announced as platform events
//! (`cityhub.plugin.suspended`, `cityhub.plugin.resumed`,
//! `cityhub.route.lagging`, `cityhub.route.recovered`).
//!
//! Data classes: every event entering the log gets the class `[ingest]
//! classes` gives its type (`classes.rs`; plugin outputs in the runtime), and
//! a route withholds from its plugin the events of a class the plugin is not
//! approved for: not delivered, its position moves on, counted per class
//! ([`RouteStats::withheld`]).
//!
//! Backpressure: ingest is refused, storing nothing, when a running route is
//! more than its `max-lag` behind (`429`) or when `max-pending` events wait
//! for the log (`503`); see [`Bus::ingest`].
//!
//! The bus also keeps time and read models: a `cityhub.clock.tick` event
//! every [`Bus::set_tick`] period ([`clock`]), the Open311 view of field
//! reports ([`BusOptions::open311`], [`Bus::wait_projected`]) and the ops
//! read model of the operations centre ([`BusOptions::ops`],
//! [`Bus::wait_ops_projected`]), projected from the log as it grows
//! ([`projection`]).
//!
//! [`Bus::replay`] runs a route again from a time or position;
//! [`Bus::apply`] swaps in a new configuration, restarting only the routes
//! that changed. With a retention period, a background task removes old
//! events every route has passed.

pub mod audit;
mod backpressure;
mod breaker;
mod bus;
mod classes;
pub mod clock;
mod core;
mod encode;
mod error;
mod jetstream;
mod monitor;
pub mod platform;
pub mod projection;
mod retention;
mod retry;
mod route;
mod slot;
pub mod stream;
mod tail;
mod upgrade;

pub use breaker::Status as PluginStatus;
pub use bus::{Applied, Bus, BusOptions, PluginInfo, ReplayFrom, RouteInfo, unix_seconds};
pub use encode::encode_batch;
pub use error::Error;
pub use projection::ops::ALERT_ACTION;
pub use route::{RouteStats, consumer_id};
pub use slot::{PluginHandle, UpgradeFailure};
pub use upgrade::Upgraded;
