//! One route's task: log → filter → lanes of batches → plugin → one commit.
//!
//! The task reads a window of the log after its committed position, keeps
//! the events the route wants ([`Route::wants`]), splits them into lanes by
//! partition key ([`lanes`]), and runs the lanes concurrently, each lane's
//! batches in order. When every lane is done, the outputs, state writes and
//! dead letters of the whole window and the route's new position commit in
//! one transaction: a crash replays the window, never half of it.
//!
//! A failed batch is retried per the route's policy ([`deliver`]); if it
//! still fails, its events are tried one by one to find the ones at fault,
//! which become dead letters. An event of a data class the plugin is not
//! approved for is withheld: never delivered, passed by the position,
//! counted by class. Dead letters asked to be replayed are picked up
//! before the next window. While the plugin's breaker is open the task
//! waits; events wait in the log.

mod deliver;
mod jetstream;
mod lanes;
mod stats;

use std::{sync::Arc, time::Duration};

use cityhub_config::RouteEntry;
use cityhub_runtime::{Plugin, StateWrite, Worker};
use cityhub_store::{BatchCommit, DeadLetter, NewDeadLetter, Seq, StoredEvent};
use tokio::sync::watch;
use tracing::{Instrument, debug, error, info_span};

pub use stats::RouteStats;

use crate::{
    Error,
    core::Core,
    slot::{Slot, WindowState},
};

/// How long a route waits before trying again after a store error.
const STORE_RETRY: Duration = Duration::from_secs(1);

/// Dead letters replayed per round.
const REPLAY_ROUND: u32 = 100;

/// The failure kind of an event given up untried because its plugin was
/// suspended; always kept as a dead letter, whatever `dead-letter` says.
pub(crate) const SUSPENDED: &str = "suspended";

/// An event on its way to the plugin; `replay_of` is set for a replayed
/// dead letter.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub stored: Arc<StoredEvent>,
    pub replay_of: Option<i64>,
}

/// An event given up, to be committed as a dead letter.
#[derive(Debug)]
pub(crate) struct Given {
    pub item: Item,
    pub failure: String,
    pub reason: String,
    pub attempts: u32,
}

/// What one lane produced.
#[derive(Debug, Default)]
pub(crate) struct LaneOutcome {
    pub outputs: Vec<cityhub_cloudevents::CloudEvent>,
    pub given_up: Vec<Given>,
    pub replayed: Vec<i64>,
    /// When the delivered events (not replays) arrived in the log.
    pub arrivals: Vec<cityhub_cloudevents::Timestamp>,
    /// The route was asked to stop mid-lane: commit nothing.
    pub stopped: bool,
    /// Whether the lane may stop early when the plugin is suspended.
    pub may_defer: bool,
    /// It did, at the event with this seq: it and the lane's later events
    /// stay in the log.
    pub deferred: Option<Seq>,
}

/// The parts of a route its lanes share.
#[derive(Debug)]
pub(crate) struct Route {
    pub entry: RouteEntry,
    /// The key of its position in the store.
    pub consumer: String,
    pub slot: Arc<Slot>,
    pub core: Arc<Core>,
    pub stats: Arc<RouteStats>,
    pub stop: watch::Receiver<bool>,
}

/// The key of a route's start line on the JetStream bus: events up to it
/// were in the log before the route existed, and it never delivers them
/// (the embedded bus's route starts at its first position the same way).
pub(crate) fn start_key(consumer: &str) -> String {
    format!("{consumer}:start")
}

/// The position key of route `name`.
pub fn consumer_id(name: &str) -> String {
    format!("route:{name}")
}

impl Route {
    /// Runs until stopped. Delivery runs supervised: a store error or even a
    /// panic is logged and delivery starts again from the committed
    /// position, so neither stops the route for good.
    pub(crate) async fn run(self: Arc<Self>) {
        let span = info_span!("route", route = %self.entry.name, plugin = %self.entry.to);
        let mut stop = self.stop.clone();
        loop {
            let delivery = if self.core.jetstream.is_some() {
                tokio::spawn(self.clone().deliver_jetstream().instrument(span.clone()))
            } else {
                tokio::spawn(self.clone().deliver().instrument(span.clone()))
            };
            let why = match delivery.await {
                Ok(Ok(())) => return,
                Ok(Err(e)) => e.to_string(),
                Err(panic) => format!("delivery panicked: {panic}"),
            };
            // A commit may or may not have happened: reload the state.
            self.slot.forget_state();
            span.in_scope(|| error!("delivery stopped: {why}; starting again in {STORE_RETRY:?}"));
            tokio::select! {
                _ = tokio::time::sleep(STORE_RETRY) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// A worker slot per lane, each started at its first batch.
    fn no_workers(&self) -> Vec<Option<Worker>> {
        (0..self.entry.concurrency.max(1)).map(|_| None).collect()
    }

    /// The events a window reads: four batches per lane, within `min..=max`.
    fn window_limit(&self, min: u32, max: u32) -> u32 {
        self.entry
            .batch_size
            .saturating_mul(self.entry.concurrency.max(1))
            .saturating_mul(4)
            .clamp(min, max)
    }

    /// Whether the route was asked to stop (or its bus is gone).
    pub(crate) fn stopped(&self) -> bool {
        *self.stop.borrow() || self.stop.has_changed().is_err()
    }

    /// Whether the route delivers `e`: a type it carries, passing its filter,
    /// and not the plugin's own output.
    pub(crate) fn wants(&self, e: &StoredEvent) -> bool {
        e.origin.as_deref() != Some(self.slot.name())
            && self.entry.from.iter().any(|p| p.matches(&e.event.ty))
            && self.entry.filter.matches(&e.event)
    }

    /// While the plugin's breaker is open, waits for it to close (announcing
    /// the resume) or for a stop; `false` at once when it is closed.
    async fn wait_while_suspended(&self, stop: &mut watch::Receiver<bool>) -> bool {
        if !self.slot.breaker.is_suspended() {
            return false;
        }
        tokio::select! {
            t = self.slot.breaker.wait_running() => {
                if let Some(t) = t {
                    self.core.announce(self.slot.name(), t).await;
                }
            }
            _ = stop.changed() => {}
        }
        true
    }

    /// Whether `e` is withheld from `plugin`: its data class (if any) is
    /// not one the plugin is approved for. Counts it and logs it at debug.
    fn withholds(&self, plugin: &Plugin, e: &StoredEvent) -> bool {
        let Some(class) = cityhub_cloudevents::dataclass::class_of(&e.event) else {
            return false;
        };
        if plugin.approval().may_receive(class) {
            return false;
        }
        self.stats.withhold(class);
        debug!(
            event.id = %e.event.id,
            seq = e.seq,
            class,
            "event withheld: plugin `{}` is not approved for data class `{class}` (`[plugins.{}] data-classes`)",
            self.slot.name(),
            self.slot.name()
        );
        true
    }

    async fn deliver(self: Arc<Self>) -> Result<(), Error> {
        let store = &self.core.store;
        let mut position = store
            .position_or_init(&self.consumer, self.core.last_seq())
            .await
            .map_err(Error::store("reading the route's position"))?;
        self.stats
            .position
            .store(position, std::sync::atomic::Ordering::Relaxed);
        let mut workers = self.no_workers();
        let limit = self.window_limit(100, 20_000);
        let mut stop = self.stop.clone();
        debug!(position, "route started");
        loop {
            if self.stopped() {
                return Ok(());
            }
            if self.wait_while_suspended(&mut stop).await {
                continue;
            }
            // Register for wake-ups before reading, so an append between the
            // read and the wait is never missed.
            let notified = self.core.appended.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();

            let replays = store
                .pending_replays(self.entry.name.as_str(), REPLAY_ROUND)
                .await
                .map_err(Error::store("reading dead letters to replay"))?;
            if !replays.is_empty() {
                let items = replays.into_iter().map(item_of_letter).collect();
                if self
                    .run_window(items, position, &mut workers)
                    .await?
                    .is_none()
                {
                    return Ok(());
                }
                continue;
            }

            let mut window = self
                .core
                .read_after(position, limit)
                .await
                .map_err(Error::store("reading the log"))?;
            if window.is_empty() {
                tokio::select! {
                    _ = &mut notified => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            if !self.entry.linger.is_zero() && window.len() < limit as usize {
                let wanted = window.iter().filter(|e| self.wants(e)).count();
                if wanted > 0 && wanted < self.entry.batch_size as usize {
                    tokio::select! {
                        _ = tokio::time::sleep(self.entry.linger) => {}
                        _ = stop.changed() => continue,
                    }
                    window = self
                        .core
                        .read_after(position, limit)
                        .await
                        .map_err(Error::store("reading the log"))?;
                }
            }
            let last = window.last().map_or(position, |e| e.seq);
            let total = window.len();
            // The serving version's approval: a change in city.toml loads
            // the plugin anew, so it holds from the next window on.
            let serving = self.slot.plugin();
            let wanted: Vec<_> = window.into_iter().filter(|e| self.wants(e)).collect();
            let wanted_n = wanted.len();
            let items: Vec<Item> = wanted
                .into_iter()
                .filter(|e| !self.withholds(&serving, e))
                .map(|stored| Item {
                    stored,
                    replay_of: None,
                })
                .collect();
            RouteStats::add(&self.stats.skipped, (total - wanted_n) as u64);
            match self.run_window(items, last, &mut workers).await? {
                Some(upto) => position = upto,
                None => return Ok(()),
            }
        }
    }

    /// Delivers `items` and commits them with the position `upto` (less if
    /// a suspension deferred some events). Returns the position committed,
    /// or `None` if the route was stopped mid-way (nothing committed).
    async fn run_window(
        self: &Arc<Self>,
        items: Vec<Item>,
        upto: Seq,
        workers: &mut [Option<Worker>],
    ) -> Result<Option<Seq>, Error> {
        let replay = items.first().is_some_and(|i| i.replay_of.is_some());
        // One version handles the whole window, even if a new one is swapped
        // in meanwhile: the next window takes that one.
        let plugin = self.slot.plugin();
        // The state is loaded before any call: a store error here retries
        // the window rather than failing the plugin. Nodes sharing the store
        // (JetStream) read it anew, with its version, every window.
        let (base, version) = if self.core.jetstream.is_some() {
            let (version, entries) = self
                .core
                .store
                .load_state_versioned(self.slot.name())
                .await
                .map_err(Error::store("loading plugin state"))?;
            (
                Arc::new(cityhub_runtime::StateMap::from_entries(entries)),
                Some(version),
            )
        } else {
            (self.slot.state(&self.core.store).await?, None)
        };
        // What the window marks done on a shared store: its inputs from the
        // log (not replayed letters, already marked when given up).
        let inputs: Vec<Seq> = items
            .iter()
            .filter(|i| i.replay_of.is_none())
            .map(|i| i.stored.seq)
            .collect();
        let state = Arc::new(WindowState::new(base));
        let outcomes: Vec<LaneOutcome> = if items.is_empty() {
            Vec::new()
        } else {
            let lanes = lanes::split(items, self.entry.partition_key.as_ref(), workers.len());
            if lanes.len() == 1 {
                let lane = lanes.into_iter().next().unwrap_or_default();
                let (w, o) = self
                    .clone()
                    .run_lane(lane, &plugin, workers[0].take(), state.clone(), true)
                    .await;
                workers[0] = w;
                vec![o]
            } else {
                let mut set = tokio::task::JoinSet::new();
                for (i, lane) in lanes.into_iter().enumerate() {
                    let worker = workers[i].take();
                    let (route, state, plugin) = (self.clone(), state.clone(), plugin.clone());
                    set.spawn(async move {
                        (i, route.run_lane(lane, &plugin, worker, state, false).await)
                    });
                }
                let mut outcomes: Vec<(usize, LaneOutcome)> = Vec::new();
                while let Some(joined) = set.join_next().await {
                    match joined {
                        Ok((i, (w, o))) => {
                            workers[i] = w;
                            outcomes.push((i, o));
                        }
                        // The supervisor starts delivery again from the
                        // committed position.
                        Err(e) => {
                            return Err(Error::Panicked {
                                what: format!("a lane of route `{}`: {e}", self.entry.name),
                            });
                        }
                    }
                }
                outcomes.sort_by_key(|(i, _)| *i);
                outcomes.into_iter().map(|(_, o)| o).collect()
            }
        };
        if outcomes.iter().any(|o| o.stopped) {
            return Ok(None);
        }
        // Replayed letters are not in the log's order: the position stays.
        let upto = match outcomes.iter().filter_map(|o| o.deferred).min() {
            Some(seq) if !replay => (seq - 1).min(upto),
            _ => upto,
        };
        let writes = match Arc::try_unwrap(state) {
            Ok(s) => s.into_writes(),
            // Every lane has ended, so no clone is left; stay total anyway.
            Err(_) => {
                return Err(Error::Panicked {
                    what: "a lane still held the window's state".to_owned(),
                });
            }
        };
        let done: Vec<Seq> = inputs.into_iter().filter(|s| *s <= upto).collect();
        let shared = version.map(|state_version| cityhub_store::Shared {
            done: &done,
            state_version,
        });
        self.commit(outcomes, &plugin, &writes, upto, shared)
            .await?;
        self.slot.apply_committed(&writes);
        Ok(Some(upto))
    }

    async fn commit(
        &self,
        mut outcomes: Vec<LaneOutcome>,
        plugin: &Plugin,
        state: &[StateWrite],
        upto: Seq,
        shared: Option<cityhub_store::Shared<'_>>,
    ) -> Result<(), Error> {
        let name = self.slot.name();
        let version = plugin.manifest().version.to_string();
        let (outputs, replayed) = if outcomes.len() == 1 {
            let o = &mut outcomes[0];
            (
                std::mem::take(&mut o.outputs),
                std::mem::take(&mut o.replayed),
            )
        } else {
            let mut all = (Vec::new(), Vec::new());
            for o in &mut outcomes {
                all.0.append(&mut o.outputs);
                all.1.append(&mut o.replayed);
            }
            all
        };
        let given: Vec<&Given> = outcomes.iter().flat_map(|o| &o.given_up).collect();
        let keep = self.entry.dead_letter;
        let letters: Vec<NewDeadLetter<'_>> = given
            .iter()
            // A replayed letter that fails again stays a letter either way,
            // and so does an event given up untried (plugin suspended).
            .filter(|g| keep || g.item.replay_of.is_some() || g.failure == SUSPENDED)
            .map(|g| NewDeadLetter {
                replay_of: g.item.replay_of,
                route: self.entry.name.as_str(),
                plugin: name,
                plugin_version: &version,
                seq: g.item.stored.seq,
                event: &g.item.stored.event,
                failure: &g.failure,
                reason: &g.reason,
                attempts: g.attempts,
            })
            .collect();
        self.core
            .commit(&BatchCommit {
                consumer: &self.consumer,
                position: upto,
                origin: name,
                outputs: &outputs,
                plugin: name,
                state,
                dead_letters: &letters,
                replayed: &replayed,
                shared,
            })
            .await
            .map_err(Error::store("committing a batch"))?;
        let now = cityhub_cloudevents::Timestamp::now();
        for t in outcomes.iter().flat_map(|o| &o.arrivals) {
            self.stats.latency.observe(since(t, &now));
        }
        let s = &self.stats;
        s.position
            .fetch_max(upto, std::sync::atomic::Ordering::Relaxed);
        RouteStats::add(&s.events_out, outputs.len() as u64);
        RouteStats::add(&s.replayed, replayed.len() as u64);
        let fresh = given.iter().filter(|g| g.item.replay_of.is_none());
        let kept = fresh
            .clone()
            .filter(|g| keep || g.failure == SUSPENDED)
            .count() as u64;
        RouteStats::add(&s.dead_lettered, kept);
        RouteStats::add(&s.dropped, fresh.count() as u64 - kept);
        Ok(())
    }
}

fn since(then: &cityhub_cloudevents::Timestamp, now: &cityhub_cloudevents::Timestamp) -> Duration {
    let d = now.datetime() - then.datetime();
    Duration::try_from(d).unwrap_or_default()
}

fn item_of_letter(d: DeadLetter) -> Item {
    Item {
        stored: Arc::new(StoredEvent {
            seq: d.seq,
            recorded_at: d.failed_at,
            origin: None,
            event: d.event,
        }),
        replay_of: Some(d.id),
    }
}
