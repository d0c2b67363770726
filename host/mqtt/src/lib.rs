//! The MQTT source connector: sensors publish to a broker, the city reads
//! their topics as CloudEvents.
//!
//! [`Connector::start`] subscribes to each `[[mqtt.topics]]` filter with QoS 1
//! on a persistent session (clean session off, under `[mqtt] client-id`), so
//! QoS 1 messages published while the host is down wait at the broker. Each
//! message becomes one CloudEvent ([`to_event`]): a payload that is itself a
//! structured-mode CloudEvent is taken as is (its type must be the mapped
//! one); any other JSON payload becomes `data`, with the mapping's `type` and
//! `source`, a new UUIDv7 `id`, `time` now and `subject` the MQTT topic.
//!
//! Events go through [`Ingest`] — in `cityhub serve`, the bus's own
//! admission (`[ingest] accepts`, classes, backpressure), the same as HTTP —
//! and a message is acked to the broker only once its event is durable in
//! the store. Backpressure waits and tries the same messages again, unacked;
//! a message that can never be admitted (not JSON, a bad CloudEvent, refused
//! by the city) is logged, counted in [`MqttStats`] and acked, so it does not
//! come back for ever.
//!
//! Delivery is at least once: a message whose event was stored but whose
//! ack did not reach the broker (the host or the connection died between
//! the two) comes again, and becomes a second event with a new `id`
//! (structured CloudEvents keep theirs, so the store drops the copy).
//!
//! Lost connections are retried with exponential backoff (100 ms doubling to
//! 30 s, with jitter), each attempt logged at `warn` with the broker's address.

mod connector;
mod event;
mod ingest;
mod stats;

pub use connector::Connector;
pub use event::{Invalid, to_event};
pub use ingest::{Admitted, Ingest, Refusal};
pub use stats::{MqttStats, Outcome};
