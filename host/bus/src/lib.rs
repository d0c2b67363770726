//! The integration bus: from the event log to plugins and back.
//!
//! Every accepted event is in the log ([`cityhub_store`]) before the sender
//! hears `202`. The [`Bus`] runs one [`consumer`] task per plugin, which reads
//! the log after its committed position, picks the events the plugin
//! subscribes to, calls the plugin in batches on a blocking thread, and
//! commits the outputs, the plugin's state writes and its new position in one
//! transaction. A crash therefore never loses a step nor applies half of one:
//! on restart the consumer resumes from its last committed position, and
//! outputs are idempotent on `(source, id)`.
//!
//! Plugin outputs go back into the log, so other plugins can consume them
//! (chains and fan-out). A plugin never receives its own outputs.
//!
//! With a retention period set ([`BusOptions::retention`]), a background task
//! removes events older than it that every consumer has passed.
//!
//! A failed batch is retried per the plugin's [`RetryPolicy`] (exponential
//! backoff with jitter); when the attempts run out it is logged and skipped.
//!
//! Not built yet (issue 3): routes with filters, dead letters for batches
//! given up, circuit breaking, backpressure on ingest, and replay.

mod bus;
mod consumer;
mod encode;
mod error;
mod retention;
mod retry;

pub use bus::{Bus, BusOptions, PluginHandle};
pub use encode::encode_batch;
pub use error::Error;
pub use retry::RetryPolicy;

/// The id under which a plugin's consumer keeps its position in the store.
pub fn consumer_id(plugin: &str) -> String {
    consumer::Consumer::id_of(plugin)
}
