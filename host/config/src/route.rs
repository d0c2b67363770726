//! Routes (`[routes.NAME]`): which events go to which plugin, and how.

use std::time::Duration;

use cityhub_cloudevents::{
    ClassPolicy, TypePattern,
    filter::{Field, Filter},
};
use cityhub_manifest::PluginName;

/// One `[routes.NAME]` table: events whose type matches `from` and that pass
/// `filter` are delivered to plugin `to`, in batches, with retries, dead
/// letters and a committed position of the route's own.
///
/// ```toml
/// [routes.readings]
/// from = "city.traffic.reading"            # or a list; NATS-style `*` and `>`
/// to = "traffic"
/// filter = { "data.speed_kmh" = { lt = 200 }, subject = { prefix = "QL" } }
/// batch-size = 100
/// linger = "5ms"
/// concurrency = 4
/// partition-key = "data.segment"           # or "partitionkey" (the extension)
/// retry = { attempts = 3, backoff = "200ms" }
/// dead-letter = true
/// max-lag = 100000
/// lag-alert = 10000
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RouteEntry {
    /// The route's name: its key in positions, metrics and dead letters.
    pub name: PluginName,
    /// The event types it carries (at least one), as written. Each is
    /// published by something (`[ingest] accepts`, a plugin, or
    /// [`crate::PLATFORM_EVENTS`]) when `[ingest] accepts` is set.
    pub from: Vec<TypePattern>,
    /// The plugin it delivers to; that plugin subscribes to every `from`.
    pub to: PluginName,
    /// Which of those events it keeps (default: all); its conditions are in
    /// the order written.
    pub filter: Filter,
    /// The most events per plugin call (default 100, 1 to 10,000).
    pub batch_size: u32,
    /// How long a partial batch may wait for more events (default 0, at most
    /// 10 s).
    pub linger: Duration,
    /// Batches in flight at once (default 1, 1 to 64). Events with the same
    /// partition key are always delivered in order, one batch at a time.
    pub concurrency: u32,
    /// What orders events (default: none; with `concurrency = 1` the log's
    /// order is kept anyway).
    pub partition_key: Option<Field>,
    /// How a failed batch is retried.
    pub retry: Retry,
    /// Whether events that still fail after the retries are kept as dead
    /// letters (default `true`); `false` logs and drops them.
    pub dead_letter: bool,
    /// When this route is more events than this behind the log, ingest
    /// answers `429` (default 100,000; 1 to 1,000,000,000).
    pub max_lag: u64,
    /// When it is more than this behind, the bus raises
    /// `cityhub.route.lagging` (default 10,000, or `max-lag` if that is
    /// smaller; 1 to `max-lag`).
    pub lag_alert: u64,
}

impl RouteEntry {
    /// A route from `from` to `to` with every option at its default, as a
    /// `[routes.NAME]` table giving only `from` and `to` would be.
    pub fn new(name: PluginName, from: Vec<TypePattern>, to: PluginName) -> Self {
        Self {
            name,
            from,
            to,
            filter: Filter::default(),
            batch_size: 100,
            linger: Duration::ZERO,
            concurrency: 1,
            partition_key: None,
            retry: Retry::default(),
            dead_letter: true,
            max_lag: 100_000,
            lag_alert: 10_000,
        }
    }
}

/// How a failed batch is retried before its events are dead-lettered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Calls in all, the first included (default 3, 1 to 100); 1 never retries.
    pub attempts: u32,
    /// The wait before the first retry (default 200ms); it doubles after each
    /// attempt, up to 10 s, with random jitter of ±50%.
    pub backoff: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 3,
            backoff: Duration::from_millis(200),
        }
    }
}

/// When a plugin that keeps failing is suspended (`[plugins.NAME] circuit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Circuit {
    /// Dead-lettered calls in a row that suspend the plugin (default 5, 1 to
    /// 1,000).
    pub failures: u32,
    /// How long it stays suspended before it is tried again (default 30s,
    /// 1 s to 1 day); `cityhub plugin resume` resumes it at once.
    pub cool_down: Duration,
}

impl Default for Circuit {
    fn default() -> Self {
        Self {
            failures: 5,
            cool_down: Duration::from_secs(30),
        }
    }
}

/// Ingest limits (`[ingest]`).
#[derive(Debug, Clone, PartialEq)]
pub struct IngestConfig {
    /// The event types senders may post (default: any); others get `400`.
    /// `cityhub check` also reads it to know what the city publishes.
    pub accepts: Option<Vec<TypePattern>>,
    /// The most events waiting for the log at once (default 100,000; 1 to
    /// 10,000,000); more get `503` with `Retry-After`.
    pub max_pending: u32,
    /// The data class of each event type (`[ingest] classes`, pattern →
    /// class): stamped on every event entering the log whose type matches,
    /// whether sent, made by Open311 or output by a plugin; an event
    /// claiming another class is refused. Default: none.
    pub classes: ClassPolicy,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            accepts: None,
            max_pending: 100_000,
            classes: ClassPolicy::default(),
        }
    }
}
