//! [`Connector`]: the broker connection (one task polling it, reconnecting
//! with backoff) and the worker that turns messages into events, ingests
//! them and acks them once durable.

use std::{
    hash::{BuildHasher, RandomState},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use cityhub_config::MqttConfig;
use rumqttc::{
    AsyncClient, Event, EventLoop, MqttOptions, Packet, Publish, QoS, SubscribeFilter,
    SubscribeReasonCode,
};
use tokio::{
    sync::{mpsc, watch},
    task::JoinHandle,
};
use tracing::{debug, info, warn};

use crate::{Admitted, Ingest, MqttStats, Outcome, Refusal, to_event};

/// The first wait before reconnecting; doubled after each failure.
const BACKOFF_MIN: Duration = Duration::from_millis(100);
/// The longest wait before reconnecting.
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// The most messages ingested in one transaction.
const BATCH: usize = 256;
/// How long [`Connector::stop`] waits for the broker connection to close.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// A running MQTT source connector; [`Connector::stop`] ends it.
#[derive(Debug)]
pub struct Connector {
    stop: watch::Sender<bool>,
    close: watch::Sender<bool>,
    poller: JoinHandle<()>,
    worker: JoinHandle<()>,
    stats: Arc<MqttStats>,
}

/// A message, with the connection it came on.
struct Message {
    publish: Publish,
    connection: u64,
}

impl Connector {
    /// Connects to `config`'s broker and starts reading its topics into
    /// `ingest`. Returns at once: the connection is made (and remade) in
    /// the background, each failure logged at `warn`. `max_event_bytes` is
    /// `[server] max-event`, the largest event accepted.
    pub fn start<I: Ingest>(config: MqttConfig, max_event_bytes: usize, ingest: I) -> Self {
        let stats = Arc::new(MqttStats::for_config(&config));
        Self::start_with(config, max_event_bytes, ingest, stats)
    }

    /// [`Connector::start`], counting into `stats` (kept across connectors:
    /// on several nodes one node at a time runs the connector, and a node
    /// may run it again).
    pub fn start_with<I: Ingest>(
        config: MqttConfig,
        max_event_bytes: usize,
        ingest: I,
        stats: Arc<MqttStats>,
    ) -> Self {
        let config = Arc::new(config);
        let mut opts = MqttOptions::new(&config.client_id, &config.host, config.port);
        opts.set_clean_session(false);
        opts.set_manual_acks(true);
        // A packet holds the topic and the payload: room for the largest event.
        opts.set_max_packet_size(max_event_bytes.saturating_add(64 << 10), 64 << 10);
        if let Some(k) = config.keep_alive {
            opts.set_keep_alive(k);
        }
        let (client, eventloop) = AsyncClient::new(opts, 256);
        // `stop` ends the worker; then `close` ends the connection, so the
        // worker's last acks go out before the goodbye.
        let (stop, stop_rx) = watch::channel(false);
        let (close, close_rx) = watch::channel(false);
        // Messages wait here while the worker ingests; the broker sends at
        // most its in-flight window of unacked QoS 1 messages, which bounds it.
        let (tx, rx) = mpsc::unbounded_channel();
        let connection = Arc::new(AtomicU64::new(0));
        let poller = tokio::spawn(poll(
            config.clone(),
            client.clone(),
            eventloop,
            tx,
            connection.clone(),
            stats.clone(),
            close_rx,
        ));
        let worker = tokio::spawn(
            Worker {
                config,
                client,
                ingest,
                stats: stats.clone(),
                connection,
                max_event_bytes,
                stop: stop_rx,
            }
            .run(rx),
        );
        Self {
            stop,
            close,
            poller,
            worker,
            stats,
        }
    }

    /// The connector's counters.
    pub fn stats(&self) -> Arc<MqttStats> {
        self.stats.clone()
    }

    /// Stops reading: the batch being ingested finishes and is acked, the
    /// messages not yet ingested stay unacked (the broker keeps them for
    /// the next start), and the connection is closed. Waits at most a few
    /// seconds for the broker.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.worker.await;
        let _ = self.close.send(true);
        let mut poller = self.poller;
        if tokio::time::timeout(STOP_WAIT, &mut poller).await.is_err() {
            poller.abort();
        }
        self.stats.set_connected(false);
    }
}

/// Polls the broker connection until stopped: hands messages to the
/// worker, subscribes on every connection, reconnects with backoff.
async fn poll(
    config: Arc<MqttConfig>,
    client: AsyncClient,
    mut eventloop: EventLoop,
    tx: mpsc::UnboundedSender<Message>,
    connection: Arc<AtomicU64>,
    stats: Arc<MqttStats>,
    mut close: watch::Receiver<bool>,
) {
    let broker = config.address();
    let filters: Vec<SubscribeFilter> = config
        .topics
        .iter()
        .map(|t| SubscribeFilter::new(t.filter.as_str().to_owned(), QoS::AtLeastOnce))
        .collect();
    let mut backoff = BACKOFF_MIN;
    let mut disconnecting = false;
    loop {
        if !disconnecting && *close.borrow() {
            // The worker has stopped and queued its last acks: say goodbye
            // after them, then poll until the connection is gone.
            disconnecting = client.try_disconnect().is_ok();
            if !disconnecting || !stats.connected() {
                return;
            }
        }
        let polled = tokio::select! {
            p = eventloop.poll() => p,
            // Wake to disconnect when closed while waiting for the broker.
            _ = close.changed(), if !disconnecting => continue,
        };
        match polled {
            Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                connection.fetch_add(1, Ordering::SeqCst);
                stats.set_connected(true);
                backoff = BACKOFF_MIN;
                info!(broker = %broker, client_id = %config.client_id, session_present = ack.session_present, "connected to the MQTT broker");
                // Subscriptions live in the persistent session; subscribing
                // again is harmless and covers a new or changed session.
                if let Err(e) = client.try_subscribe_many(filters.clone()) {
                    warn!(broker = %broker, error = %e, "could not ask the MQTT broker for the subscriptions");
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                let connection = connection.load(Ordering::SeqCst);
                if tx
                    .send(Message {
                        publish,
                        connection,
                    })
                    .is_err()
                {
                    // The worker has stopped: leave the message unacked.
                    debug!("a message arrived while stopping; the broker keeps it");
                }
            }
            Ok(Event::Incoming(Packet::SubAck(ack))) => {
                for (f, code) in filters.iter().zip(&ack.return_codes) {
                    if *code == SubscribeReasonCode::Failure {
                        warn!(broker = %broker, filter = %f.path, "the MQTT broker refused the subscription: check its ACL for this client id");
                    } else {
                        info!(broker = %broker, filter = %f.path, "subscribed to the MQTT topic filter (QoS 1)");
                    }
                }
            }
            Ok(_) => {}
            Err(e) => {
                stats.set_connected(false);
                if disconnecting || *close.borrow() {
                    return;
                }
                let wait = jitter(backoff);
                warn!(broker = %broker, error = %e, retry_in = ?wait, "the MQTT broker connection failed; reconnecting (is the broker running at this address?)");
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    _ = close.changed() => return,
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
            }
        }
    }
}

/// `d` less up to a quarter, so that many hosts do not reconnect in step.
fn jitter(d: Duration) -> Duration {
    let r = RandomState::new().hash_one(d) % 1000;
    d - d / 4 * u32::try_from(r).unwrap_or(0) / 1000
}

struct Worker<I> {
    config: Arc<MqttConfig>,
    client: AsyncClient,
    ingest: I,
    stats: Arc<MqttStats>,
    connection: Arc<AtomicU64>,
    max_event_bytes: usize,
    stop: watch::Receiver<bool>,
}

/// A message on its way: its filter (`""` when none matches) and its event,
/// or the outcome it already has.
struct Pending {
    message: Message,
    filter: String,
    event: Result<cityhub_cloudevents::CloudEvent, Outcome>,
}

impl<I: Ingest> Worker<I> {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Message>) {
        loop {
            let first = tokio::select! {
                m = rx.recv() => m,
                _ = self.stop.changed() => None,
            };
            let Some(first) = first else { return };
            if *self.stop.borrow() {
                return;
            }
            let mut batch = vec![first];
            while batch.len() < BATCH
                && let Ok(m) = rx.try_recv()
            {
                batch.push(m);
            }
            if !self.handle(batch).await {
                return;
            }
        }
    }

    /// Ingests `batch` and acks it; `false` when the host is stopping.
    async fn handle(&self, batch: Vec<Message>) -> bool {
        let mut pending: Vec<Pending> = batch.into_iter().map(|m| self.prepare(m)).collect();
        let events: Vec<_> = pending
            .iter_mut()
            .filter_map(|p| p.event.as_ref().ok().cloned())
            .collect();
        if !events.is_empty() {
            let Some(answers) = self.store(events).await else {
                return false;
            };
            let mut answers = answers.into_iter();
            for p in pending.iter_mut().filter(|p| p.event.is_ok()) {
                let outcome = answers.next().unwrap_or(Outcome::Ingested);
                p.event = Err(outcome);
            }
        }
        for p in pending {
            let outcome = p.event.err().unwrap_or(Outcome::Ingested);
            self.stats.count(&p.filter, outcome);
            self.ack(&p.message).await;
        }
        true
    }

    /// The message's filter and event, or its outcome when it has none.
    fn prepare(&self, message: Message) -> Pending {
        let topic = message.publish.topic.clone();
        let Some(mapping) = self.config.mapping(&topic) else {
            warn!(topic = %topic, "a message on a topic no `[[mqtt.topics]]` filter matches (a subscription left in the broker's session by an earlier configuration?); dropped");
            return Pending {
                message,
                filter: String::new(),
                event: Err(Outcome::Unmatched),
            };
        };
        let event = to_event(
            &topic,
            &message.publish.payload,
            mapping,
            self.max_event_bytes,
        )
        .map_err(|e| {
            warn!(topic = %topic, filter = %mapping.filter, "{e}; the message is dropped");
            match e {
                crate::Invalid::NotJson(_) => Outcome::NotJson,
                crate::Invalid::BadEvent(_) => Outcome::Invalid,
            }
        });
        Pending {
            message,
            filter: mapping.filter.to_string(),
            event,
        }
    }

    /// Stores `events`, waiting out backpressure; each one's outcome, or
    /// `None` when the host is stopping. A batch refused for good is
    /// stored one event at a time, so only the refused ones are dropped.
    async fn store(&self, events: Vec<cityhub_cloudevents::CloudEvent>) -> Option<Vec<Outcome>> {
        match self.retrying(events.clone()).await? {
            Ok(answers) => Some(answers.into_iter().map(outcome).collect()),
            Err(why) if events.len() == 1 => {
                let e = &events[0];
                warn!(event.id = %e.id, r#type = %e.ty, "the city refused an MQTT message's event: {why}; the message is dropped");
                Some(vec![Outcome::Refused])
            }
            Err(_) => {
                let mut all = Vec::with_capacity(events.len());
                for e in events {
                    all.extend(Box::pin(self.store(vec![e])).await?);
                }
                Some(all)
            }
        }
    }

    /// `ingest`, tried again while busy; `None` when the host is stopping,
    /// `Err` with the reason of a permanent refusal.
    async fn retrying(
        &self,
        events: Vec<cityhub_cloudevents::CloudEvent>,
    ) -> Option<Result<Vec<Admitted>, String>> {
        let mut stop = self.stop.clone();
        loop {
            match self.ingest.ingest(events.clone()).await {
                Ok(a) => return Some(Ok(a)),
                Err(Refusal::Permanent(why)) => return Some(Err(why)),
                Err(Refusal::ShuttingDown) => return None,
                Err(Refusal::Busy {
                    retry_after,
                    reason,
                }) => {
                    self.stats.retried();
                    let wait = retry_after.clamp(BACKOFF_MIN, Duration::from_secs(5));
                    debug!(retry_in = ?wait, "MQTT messages wait: {reason}");
                    if *stop.borrow() {
                        return None;
                    }
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        _ = stop.changed() => return None,
                    }
                }
            }
        }
    }

    /// Acks `message` if its connection is still the current one: acks for
    /// an older one are dropped by the client, and the broker sends the
    /// message again (a duplicate, stored again).
    async fn ack(&self, message: &Message) {
        if message.connection != self.connection.load(Ordering::SeqCst) {
            debug!(topic = %message.publish.topic, "the connection changed before the ack; the broker will send the message again");
            return;
        }
        if let Err(e) = self.client.ack(&message.publish).await {
            debug!(error = %e, "could not ack an MQTT message; the broker will send it again");
        }
    }
}

fn outcome(a: Admitted) -> Outcome {
    match a {
        Admitted::New => Outcome::Ingested,
        Admitted::Duplicate => Outcome::Duplicate,
    }
}
