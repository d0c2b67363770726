//! [`Ingest`]: where the connector hands its events, and how a refusal is
//! told apart (wait and retry, or never).

use std::{future::Future, time::Duration};

use cityhub_cloudevents::CloudEvent;

/// The admission the connector ingests through. `cityhub serve` implements
/// it with `cityhub_bus::Bus::ingest`, so MQTT events meet the same checks
/// and backpressure as events sent over HTTP.
///
/// Called once per batch of messages that arrived together, from one task:
/// never concurrently. `Ok` means every event is durable in the store.
pub trait Ingest: Send + Sync + 'static {
    /// Stores `events` (one transaction), answering for each in order.
    fn ingest(
        &self,
        events: Vec<CloudEvent>,
    ) -> impl Future<Output = Result<Vec<Admitted>, Refusal>> + Send;
}

/// What became of one ingested event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admitted {
    /// Stored.
    New,
    /// An event with the same `source` and `id` was already stored.
    Duplicate,
}

/// Why a batch was not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not now (a route too far behind, too many events pending, the store
    /// or bus unavailable): the same messages are tried again after
    /// `retry_after`, unacked.
    Busy {
        /// When to try again.
        retry_after: Duration,
        /// What the bus said.
        reason: String,
    },
    /// Never as it is (a type not accepted, a data class refused): the
    /// message is logged, counted and acked.
    Permanent(String),
    /// The host is shutting down: the connector stops, leaving the
    /// messages unacked for the next start.
    ShuttingDown,
}
