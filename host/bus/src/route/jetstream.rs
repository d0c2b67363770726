//! A route's delivery on the JetStream bus: windows pulled from the route's
//! durable consumer, which every node shares, so each message reaches one
//! node at a time.
//!
//! The nodes take turns at the route (a PostgreSQL advisory lock per route,
//! [`cityhub_store::Turns`]): one window of a route runs at a time across
//! the city, so a partition key's events reach the plugin in order, as on
//! the embedded bus; different routes run on different nodes at once. A
//! turn that finds messages still out (a node died holding them) waits
//! for JetStream to redeliver them, which it does before newer ones.
//!
//! A window is the messages one pull returned. Inputs already marked done
//! for the route (a node died after its commit, before its ack) are acked
//! and skipped; the rest run as on the embedded bus and commit with their
//! done marks and the plugin's state version ([`cityhub_store::Shared`]).
//! A commit refused because the plugin's state changed meanwhile (another
//! route to the same plugin, on another node) runs the window again on the
//! newer state. Only then are the messages acked; while the window runs,
//! they are kept alive ("in progress") so a slow plugin does not make
//! JetStream hand them to another node. Events deferred by a suspension are
//! handed back (nak) to come again.

use std::{collections::HashSet, sync::Arc, time::Duration};

use async_nats::jetstream::{self, AckKind, consumer::PullConsumer};
use cityhub_runtime::Worker;
use cityhub_store::Seq;
use futures_util::StreamExt;
use tracing::{debug, info, warn};

use super::{Item, REPLAY_ROUND, Route, item_of_letter};
use crate::{
    Error,
    jetstream::{JetStream, forward, message},
};

/// How long one fetch waits for messages.
const FETCH_WAIT: Duration = Duration::from_secs(1);

/// How often the route's position is read back from the store.
const POSITION_REFRESH: Duration = Duration::from_secs(1);

/// Times a window runs again after conflicting commits before its
/// messages are left to be redelivered.
const CONFLICT_TRIES: u32 = 20;

/// Up to `max` messages: those waiting now (`wait` = `None`), or the
/// first `max` to arrive within `wait`.
async fn pull(
    consumer: &PullConsumer,
    max: usize,
    wait: Option<Duration>,
    route: &str,
) -> Result<Vec<jetstream::Message>, Error> {
    let failed = |e: &dyn std::fmt::Display| Error::JetStream {
        what: format!("pulling from consumer `route-{route}`"),
        why: e.to_string(),
    };
    let mut batch = match wait {
        None => consumer.fetch().max_messages(max).messages().await,
        Some(wait) => {
            consumer
                .batch()
                .max_messages(max)
                .expires(wait)
                .messages()
                .await
        }
    }
    .map_err(|e| failed(&e))?;
    let mut pulled = Vec::new();
    while let Some(m) = batch.next().await {
        match m {
            Ok(msg) => pulled.push(msg),
            Err(e) => {
                warn!(route, "a message could not be pulled: {e}");
                break;
            }
        }
    }
    Ok(pulled)
}

/// A message and the event it carries.
struct Pulled {
    msg: jetstream::Message,
    item: Option<Item>,
    seq: Seq,
}

impl Route {
    pub(super) async fn deliver_jetstream(self: Arc<Self>) -> Result<(), Error> {
        let Some(js) = self.core.jetstream.clone() else {
            return Err(Error::JetStream {
                what: "starting a route".to_owned(),
                why: "the bus has no JetStream connection".to_owned(),
            });
        };
        let store = &self.core.store;
        // Events up to the route's start line were in the log before the
        // route existed: skipped, as on the embedded bus. `Bus::start_route`
        // stored it before the first request; this is only its fallback.
        let start = store
            .position_or_init(&super::start_key(&self.consumer), self.core.last_seq())
            .await
            .map_err(Error::store("reading the route's start"))?;
        let mut stop = self.stop.clone();
        let mut consumer = js.consumer(self.entry.name.as_str()).await?;
        let mut turns = store
            .turns(&format!("route-turn:{}", self.entry.name))
            .await
            .map_err(Error::store("opening the route's turns"))?;
        let mut workers = self.no_workers();
        let limit = self.window_limit(1_000, 5_000) as usize;
        debug!(start, "route started on JetStream");
        let mut refreshed = std::time::Instant::now() - POSITION_REFRESH;
        loop {
            if self.stopped() {
                return Ok(());
            }
            // Other nodes move the route too: its lag (ingest's `max-lag`,
            // the monitor) reads the stored position.
            if refreshed.elapsed() >= POSITION_REFRESH {
                refreshed = std::time::Instant::now();
                if let Ok(p) = store.position(&self.consumer).await {
                    self.stats
                        .position
                        .fetch_max(p, std::sync::atomic::Ordering::Relaxed);
                }
            }
            if self.wait_while_suspended(&mut stop).await {
                continue;
            }
            // One window of the route at a time across the nodes, so a
            // key's events reach the plugin in order (dropped while waiting,
            // `turns` is dropped too: the supervisor starts a new one).
            tokio::select! {
                taken = turns.take() => taken.map_err(Error::store("waiting for the route's turn"))?,
                _ = stop.changed() => return Ok(()),
            }
            let went_on = self
                .take_turn(&mut consumer, &js, start, limit, &mut workers)
                .await;
            turns
                .give()
                .await
                .map_err(Error::store("giving the route's turn back"))?;
            if !went_on? {
                return Ok(());
            }
        }
    }

    /// One turn of the route: dead letters to replay, else one window
    /// pulled, run, committed and acked. `false` if the route was stopped.
    async fn take_turn(
        self: &Arc<Self>,
        consumer: &mut PullConsumer,
        js: &JetStream,
        start: Seq,
        limit: usize,
        workers: &mut [Option<Worker>],
    ) -> Result<bool, Error> {
        if self.replay_letters(workers).await? {
            return Ok(true);
        }
        self.await_redeliveries(consumer, js).await;
        let name = self.entry.name.as_str();
        let mut pulled = pull(consumer, limit, None, name).await?;
        if pulled.is_empty() {
            // Nothing waiting: wait for one, then take what came with it.
            pulled = pull(consumer, 1, Some(FETCH_WAIT), name).await?;
            if pulled.is_empty() {
                self.caught_up(consumer, js).await;
                return Ok(true);
            }
            if limit > 1 {
                pulled.extend(pull(consumer, limit - 1, None, name).await?);
            }
        }
        let window = self.sort_out(pulled, start).await;
        self.run_pulled(window, workers).await
    }

    /// Messages still out when this node's turn begins were taken by a node
    /// that died (or lost its turn) before acking them: they come back
    /// after `ack-wait`, and JetStream hands redeliveries out first, so the
    /// turn waits for them rather than running newer events before older
    /// ones. Acks of the previous turn still on their way clear at once.
    async fn await_redeliveries(&self, consumer: &mut PullConsumer, js: &JetStream) {
        let began = std::time::Instant::now();
        let due = js.config.ack_wait + Duration::from_millis(200);
        let mut told = false;
        loop {
            let pending = match consumer.info().await {
                Ok(info) => info.num_ack_pending,
                Err(_) => return,
            };
            if pending == 0 || began.elapsed() >= due || self.stopped() {
                return;
            }
            if !told && began.elapsed() >= Duration::from_millis(500) {
                told = true;
                info!(
                    pending,
                    "events of this route are out with a node that did not ack them: waiting up to {due:?} for them to come back, in order"
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// With nothing left in the route's consumer (no message waiting or
    /// out with a node), the route has handled everything forwarded so
    /// far: its position moves to the forwarder's, as the embedded bus's
    /// passes events it does not want. The forwarder's position is read
    /// first, so every event up to it was on the stream when the consumer
    /// was found empty.
    async fn caught_up(&self, consumer: &mut PullConsumer, js: &JetStream) {
        let store = &self.core.store;
        let Ok(forwarded) = store.position(&forward::consumer(js)).await else {
            return;
        };
        let Ok(info) = consumer.info().await else {
            return;
        };
        if info.num_pending > 0 || info.num_ack_pending > 0 {
            return;
        }
        if forwarded > self.stats.position()
            && store
                .advance_position(&self.consumer, forwarded)
                .await
                .is_ok()
        {
            self.stats
                .position
                .fetch_max(forwarded, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Decodes the messages: those that are not this route's to deliver
    /// (unreadable, another route's replay, before the start line) are acked
    /// at once and kept only for their seq.
    async fn sort_out(&self, pulled: Vec<jetstream::Message>, start: Seq) -> Vec<Pulled> {
        let serving = self.slot.plugin();
        let mut out = Vec::with_capacity(pulled.len());
        for msg in pulled {
            let decoded = match message::decode(msg.headers.as_ref(), &msg.payload) {
                Ok(d) => d,
                Err(why) => {
                    warn!(subject = %msg.subject, "a message on the stream is not a cityhub event ({why}); dropped");
                    let _ = msg.ack_with(AckKind::Term).await;
                    continue;
                }
            };
            let seq = decoded.stored.seq;
            let mine = match &decoded.replay_for {
                Some(r) => r == self.entry.name.as_str(),
                None => seq > start,
            };
            let stored = Arc::new(decoded.stored);
            let item =
                (mine && self.wants(&stored) && !self.withholds(&serving, &stored)).then(|| Item {
                    stored,
                    replay_of: None,
                });
            if item.is_none() {
                let _ = msg.ack().await;
                super::RouteStats::add(&self.stats.skipped, 1);
                continue;
            }
            out.push(Pulled { msg, item, seq });
        }
        out.sort_by_key(|p| p.seq);
        out
    }

    /// Runs a window of pulled messages to its commit, then acks them.
    /// `false` if the route was stopped (nothing acked: redelivered later).
    async fn run_pulled(
        self: &Arc<Self>,
        mut window: Vec<Pulled>,
        workers: &mut [Option<Worker>],
    ) -> Result<bool, Error> {
        if window.is_empty() {
            return Ok(true);
        }
        let keepalive = self.keep_alive(&window);
        let result = async {
            for _ in 0..CONFLICT_TRIES {
                let seqs: Vec<Seq> = window.iter().map(|p| p.seq).collect();
                let done: HashSet<Seq> = self
                    .core
                    .store
                    .done_among(&self.consumer, &seqs)
                    .await
                    .map_err(Error::store("reading the route's done marks"))?;
                if !done.is_empty() {
                    for p in window.iter().filter(|p| done.contains(&p.seq)) {
                        let _ = p.msg.ack().await;
                    }
                    window.retain(|p| !done.contains(&p.seq));
                }
                let items: Vec<Item> = window.iter().filter_map(|p| p.item.clone()).collect();
                if items.is_empty() {
                    return Ok(Some(Seq::MAX));
                }
                let upto = seqs.iter().copied().max().unwrap_or(0);
                match self.run_window(items, upto, workers).await {
                    Err(Error::Store {
                        source: cityhub_store::Error::Conflict { what, .. },
                        ..
                    }) => {
                        self.stats.conflict();
                        debug!("window runs again: {what}");
                    }
                    other => return other,
                }
            }
            Ok(Some(0))
        }
        .await;
        keepalive.abort();
        let upto = match result? {
            Some(upto) => upto,
            None => {
                // Stopped mid-window: hand the messages back at once, for
                // another node (or this one's next start).
                for p in &window {
                    let _ = p.msg.ack_with(AckKind::Nak(None)).await;
                }
                return Ok(false);
            }
        };
        for p in &window {
            if p.seq <= upto {
                let _ = p.msg.ack().await;
            } else {
                // Deferred (suspended plugin) or too many conflicts: back
                // to JetStream, to come again.
                let _ = p
                    .msg
                    .ack_with(AckKind::Nak(Some(Duration::from_secs(1))))
                    .await;
            }
        }
        Ok(true)
    }

    /// Tells JetStream, every third of `ack-wait`, that the window's
    /// messages are still being worked on.
    fn keep_alive(&self, window: &[Pulled]) -> tokio::task::JoinHandle<()> {
        let every = self
            .core
            .jetstream
            .as_ref()
            .map_or(Duration::from_secs(10), |j| j.config.ack_wait / 3)
            .max(Duration::from_millis(300));
        let replies: Vec<_> = window.iter().filter_map(|p| p.msg.reply.clone()).collect();
        let client = self.core.jetstream.as_ref().map(|j| j.client.clone());
        tokio::spawn(async move {
            let Some(client) = client else { return };
            loop {
                tokio::time::sleep(every).await;
                // What `AckKind::Progress` sends, without holding the messages.
                for r in &replies {
                    let _ = client.publish(r.clone(), "+WPI".into()).await;
                }
            }
        })
    }

    /// Dead letters asked to be replayed, one round (within the route's
    /// turn, so by one node at a time); `true` if it ran one.
    async fn replay_letters(
        self: &Arc<Self>,
        workers: &mut [Option<Worker>],
    ) -> Result<bool, Error> {
        let replays = self
            .core
            .store
            .pending_replays(self.entry.name.as_str(), REPLAY_ROUND)
            .await
            .map_err(Error::store("reading dead letters to replay"))?;
        if replays.is_empty() {
            return Ok(false);
        }
        let items = replays.into_iter().map(item_of_letter).collect();
        let position = self.stats.position();
        self.run_window(items, position, workers).await?;
        Ok(true)
    }
}
