//! The JetStream bus (`[bus] backend = "jetstream"`): the store stays the
//! log of record; JetStream carries it to the routes of every node.
//!
//! - [`forward`]: one node at a time (a store lock) forwards the log to the
//!   stream, each event on `<stream>.<type>` with `Nats-Msg-Id` = its seq,
//!   so a range forwarded twice (a node dying mid-way) is stored once.
//! - Each route has a durable pull consumer, `route-<name>`, shared by every
//!   node: JetStream hands each message to one of them
//!   (`crate::route::Route::deliver_jetstream`). A window commits to the
//!   store with a done mark per input and the plugin's state version, then
//!   is acked; an unacked message goes to another node after `ack-wait`.
//! - [`exclusive`]: the work one node does at a time (projections, the
//!   clock, retention, the lag monitor), each under a store lock that a
//!   dead node loses with its connection.
//! - [`message`]: the event on the wire (structured CloudEvent JSON, seq,
//!   origin and recording time in headers).

pub(crate) mod exclusive;
pub(crate) mod forward;
pub(crate) mod message;
pub(crate) mod poll;
pub(crate) mod replay;

use async_nats::jetstream::{self, consumer::pull, stream};
use cityhub_config::JetStreamConfig;
use tracing::info;

use crate::Error;

/// The connection to the city's stream.
#[derive(Debug)]
pub(crate) struct JetStream {
    /// The plain NATS connection (progress acks).
    pub client: async_nats::Client,
    pub js: jetstream::Context,
    pub config: JetStreamConfig,
}

/// How many times creating the stream is tried when the server fails.
const STREAM_ATTEMPTS: u32 = 5;

/// Whether creating the stream failed on the server's side or went
/// unanswered (worth another try), rather than on what was asked.
fn passing(e: &jetstream::context::CreateStreamError) -> bool {
    use jetstream::context::CreateStreamErrorKind as K;
    match e.kind() {
        K::JetStream(e) => e.code() >= 500,
        K::TimedOut | K::JetStreamUnavailable => true,
        _ => false,
    }
}

/// How long JetStream remembers message ids to drop duplicates.
const DUPLICATE_WINDOW: std::time::Duration = std::time::Duration::from_secs(120);

impl JetStream {
    /// Connects and makes sure the stream exists (created with its subjects
    /// `<stream>.>`, file storage, the configured age and replicas).
    pub async fn connect(config: &JetStreamConfig) -> Result<Self, Error> {
        let client = async_nats::ConnectOptions::new()
            .name("cityhub")
            .connect(config.url.as_str())
            .await
            .map_err(|e| Error::JetStream {
                what: format!("connecting to NATS at {}", config.url),
                why: format!(
                    "{e}; is nats-server running with JetStream (`nats-server -js`)? \
                     check `[bus] url`"
                ),
            })?;
        let js = jetstream::new(client.clone());
        let wanted = stream::Config {
            name: config.stream.clone(),
            subjects: vec![format!("{}.>", config.stream)],
            max_age: config.max_age,
            num_replicas: config.replicas,
            duplicate_window: DUPLICATE_WINDOW.min(config.max_age),
            storage: stream::StorageType::File,
            ..Default::default()
        };
        let mut attempt = 1;
        loop {
            match js.get_or_create_stream(wanted.clone()).await {
                Ok(_) => break,
                // The server's own failure (its storage, a cluster between
                // leaders) or no answer: passing, so tried again a few times.
                Err(e) if attempt < STREAM_ATTEMPTS && passing(&e) => {
                    tracing::warn!(stream = %config.stream, attempt, "creating the stream failed, trying again: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(200 << attempt)).await;
                    attempt += 1;
                }
                Err(e) => {
                    let why = if passing(&e) {
                        format!("{e}, {attempt} times; see the NATS server's log")
                    } else {
                        format!(
                            "{e}; another stream may already take subjects `{}.>`: choose another `[bus] stream`",
                            config.stream
                        )
                    };
                    return Err(Error::JetStream {
                        what: format!("creating stream `{}`", config.stream),
                        why,
                    });
                }
            }
        }
        info!(url = %config.url, stream = %config.stream, "bus on NATS JetStream");
        Ok(Self {
            client,
            js,
            config: config.clone(),
        })
    }

    /// The subject an event of type `ty` is published on.
    pub fn subject(&self, ty: &str) -> String {
        format!("{}.{ty}", self.config.stream)
    }

    /// The subject replays for `route` are published on.
    pub fn replay_subject(&self, route: &str) -> String {
        format!("{}.cityhub-replay.{route}", self.config.stream)
    }

    /// The durable consumer of route `route`, created if missing. Every
    /// node's route task pulls from the same one, so each message goes to
    /// one node. It takes the whole stream (NATS 2.9 filters one subject);
    /// the route filters as on the embedded bus.
    pub async fn consumer(
        &self,
        route: &str,
    ) -> Result<jetstream::consumer::Consumer<pull::Config>, Error> {
        let name = format!("route-{route}");
        let err = |what: String| {
            move |e: &dyn std::fmt::Display| Error::JetStream {
                what,
                why: e.to_string(),
            }
        };
        let stream = self
            .js
            .get_stream(&self.config.stream)
            .await
            .map_err(|e| err(format!("opening stream `{}`", self.config.stream))(&e))?;
        stream
            .get_or_create_consumer(
                &name,
                pull::Config {
                    durable_name: Some(name.clone()),
                    ack_policy: jetstream::consumer::AckPolicy::Explicit,
                    ack_wait: self.config.ack_wait,
                    max_ack_pending: 20_000,
                    deliver_policy: jetstream::consumer::DeliverPolicy::All,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| err(format!("creating consumer `{name}`"))(&e))
    }
}
