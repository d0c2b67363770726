//! The crate's one error type.

use std::time::Duration;

/// What the bus can refuse or fail at.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// NATS JetStream failed or refused (`[bus] backend = "jetstream"`).
    #[error("JetStream: {what}: {why}")]
    JetStream {
        /// What the bus was doing.
        what: String,
        /// Why it failed, and what to check.
        why: String,
    },
    /// The store failed; the message names the operation.
    #[error("{operation}: {source}")]
    Store {
        /// What the bus was doing.
        operation: String,
        /// The store's error.
        source: cityhub_store::Error,
    },
    /// Ingest is refused because a route is too far behind (HTTP `429`).
    #[error(
        "route `{route}` is {lag} events behind (its limit is {max_lag}): send again after {}s, \
         or raise its `max-lag`", retry_after.as_secs()
    )]
    RouteBehind {
        /// The route furthest behind.
        route: String,
        /// How far.
        lag: u64,
        /// Its `max-lag`.
        max_lag: u64,
        /// When to try again.
        retry_after: Duration,
    },
    /// Ingest is refused because too many events wait for the log (HTTP `503`).
    #[error(
        "{pending} events are already waiting to be stored (the limit is {max}): send again \
         after {}s, or raise `[ingest] max-pending`", retry_after.as_secs()
    )]
    LogBusy {
        /// Events waiting.
        pending: u64,
        /// `[ingest] max-pending`.
        max: u64,
        /// When to try again.
        retry_after: Duration,
    },
    /// An event type not in `[ingest] accepts`.
    #[error(
        "event `{id}` has type `{ty}`, which this city does not accept: add a pattern matching \
         it to `[ingest] accepts` in city.toml"
    )]
    NotAccepted {
        /// The event's id.
        id: String,
        /// Its type.
        ty: String,
    },
    /// An event's data class conflicts with `[ingest] classes` or is not a
    /// class name (HTTP `400`).
    #[error("{0}")]
    DataClass(cityhub_cloudevents::dataclass::ClassError),
    /// A field report sent with the citizen's contact inside (HTTP `400`).
    #[error(
        "event `{id}` is a `{ty}` carrying `data.contact`: personal data does not travel in reports; send the contact as its own `{contact}` event (subject = the report's `service_request_id`, `dataclass` `{class}`) and the report without it"
    )]
    ContactInReport {
        /// The event's id.
        id: String,
        /// `city.fieldreport.submitted`.
        ty: &'static str,
        /// `city.fieldreport.contact`.
        contact: &'static str,
        /// `personal`.
        class: &'static str,
    },
    /// No route of that name.
    #[error("no route named `{0}`: `GET /v1/routes` lists them")]
    UnknownRoute(String),
    /// No plugin of that name.
    #[error("no plugin named `{0}`: `GET /v1/plugins` lists them")]
    UnknownPlugin(String),
    /// A new version of a plugin did not start; the old one serves on.
    #[error(
        "plugin `{plugin}` {version} was not swapped in, the running version serves on: {reason}"
    )]
    UpgradeRefused {
        /// The plugin.
        plugin: String,
        /// The version refused.
        version: String,
        /// Why.
        reason: String,
    },
    /// A replay asked to move a route forward, which would skip events.
    #[error(
        "route `{route}` is at position {current}: replay goes back to an earlier position or time, \
         and {position} is not one; to skip events, stop the route instead"
    )]
    ReplayForward {
        /// The route.
        route: String,
        /// Where the replay would have started.
        position: i64,
        /// Where the route is.
        current: i64,
    },
    /// A task of the bus panicked (a bug); the route starts again from its
    /// committed position.
    #[error("{what} panicked; delivery starts again from the committed position")]
    Panicked {
        /// What panicked.
        what: String,
    },
    /// The bus is shutting down.
    #[error("the host is shutting down: send again to another node or after it restarts")]
    ShuttingDown,
}

impl Error {
    /// A failure talking to NATS JetStream (`[bus] backend = "jetstream"`).
    pub(crate) fn jetstream(what: impl Into<String>) -> impl FnOnce(String) -> Self {
        let what = what.into();
        move |why| Self::JetStream { what, why }
    }

    pub(crate) fn store(operation: impl Into<String>) -> impl FnOnce(cityhub_store::Error) -> Self {
        let operation = operation.into();
        move |source| Self::Store { operation, source }
    }
}
