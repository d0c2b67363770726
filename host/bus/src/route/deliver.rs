//! Delivering one lane: its batches in order, each retried per the route's
//! policy; a batch that still fails is split to find the events at fault,
//! which are given up (dead letters) while the rest are delivered.

use std::sync::Arc;

use cityhub_runtime::{BatchFailure, BatchOutput, FailureKind, Plugin, Worker};
use tracing::{debug, warn};

use super::{Given, Item, LaneOutcome, Route, RouteStats, SUSPENDED};
use crate::{
    encode_batch, retry,
    slot::{Slot, WindowState},
};

/// How one batch ended.
enum Delivered {
    Ok(BatchOutput),
    /// Failed on every attempt; `attempts` calls were made.
    Failed(BatchFailure, u32),
    /// The route was asked to stop while waiting to retry.
    Stopped,
}

impl Route {
    /// Runs a lane's batches in order on `worker` (replaced by one of
    /// `plugin`, the window's version, if it runs another), returning the
    /// worker for the next window.
    ///
    /// With `may_defer` (the window has one lane, so its events are handled
    /// in log order), a suspension of the plugin stops the lane: the events
    /// not yet handled are deferred, left in the log for after the plugin
    /// resumes. Otherwise the lane finishes its window.
    pub(crate) async fn run_lane(
        self: Arc<Self>,
        items: Vec<Item>,
        plugin: &Arc<Plugin>,
        worker: Option<Worker>,
        state: Arc<WindowState>,
        may_defer: bool,
    ) -> (Option<Worker>, LaneOutcome) {
        let mut worker = LaneWorker {
            plugin,
            // A worker of another version than the window's is dropped.
            worker: worker.filter(|w| Arc::ptr_eq(w.plugin(), plugin)),
        };
        let mut out = LaneOutcome {
            may_defer,
            ..LaneOutcome::default()
        };
        for batch in items.chunks(self.entry.batch_size.max(1) as usize) {
            if out.deferred.is_some() || out.stopped {
                break;
            }
            if self.slot.breaker.is_suspended() {
                if may_defer {
                    out.deferred = Some(batch[0].stored.seq);
                    break;
                }
                for item in batch {
                    self.give_up_suspended(item, 0, &mut out);
                }
                continue;
            }
            match self.deliver_batch(batch, &mut worker, &state).await {
                Delivered::Ok(o) => self.accept(batch, o, &state, &mut out),
                Delivered::Stopped => {
                    out.stopped = true;
                    break;
                }
                Delivered::Failed(f, attempts) if batch.len() == 1 => {
                    self.give_up(&batch[0], &f, attempts, &mut out).await;
                }
                Delivered::Failed(f, attempts) => {
                    warn!(
                        failure = f.kind.label(),
                        attempts,
                        events = batch.len(),
                        "a batch failed on every attempt; trying its events one by one to find the ones at fault"
                    );
                    self.isolate(batch, attempts, &mut worker, &state, &mut out)
                        .await;
                }
            }
        }
        (worker.worker, out)
    }

    fn accept(&self, batch: &[Item], o: BatchOutput, state: &WindowState, out: &mut LaneOutcome) {
        self.slot.breaker.record_success();
        // With `RUST_LOG=cityhub_bus=debug`, this line links each input id
        // to the ids it produced, inside the route's span: an event can be
        // followed from route to route by its ids.
        debug!(
            events = batch.len(),
            outputs = o.events.len(),
            first.seq = batch[0].stored.seq,
            input.ids = %ids(batch.iter().map(|i| i.stored.event.id.as_str())),
            output.ids = %ids(o.events.iter().map(|e| e.id.as_str())),
            "batch delivered"
        );
        out.outputs.extend(o.events);
        state.record(o.state);
        for i in batch {
            match i.replay_of {
                Some(id) => out.replayed.push(id),
                None => out.arrivals.push(i.stored.recorded_at.clone()),
            }
        }
    }

    /// Tries each event of a failed batch alone, once. Once the breaker
    /// opens, the rest are deferred (see [`Route::run_lane`]) or, when the
    /// lane may not defer, given up untried.
    async fn isolate(
        &self,
        batch: &[Item],
        attempts: u32,
        worker: &mut LaneWorker<'_>,
        state: &WindowState,
        out: &mut LaneOutcome,
    ) {
        for item in batch {
            if self.stopped() {
                out.stopped = true;
                return;
            }
            if self.slot.breaker.is_suspended() && out.may_defer {
                out.deferred = Some(item.stored.seq);
                return;
            }
            if self.slot.breaker.is_suspended() {
                self.give_up_suspended(item, attempts, out);
                continue;
            }
            let single = std::slice::from_ref(item);
            match self.call(single, worker, state).await {
                Ok(o) => self.accept(single, o, state, out),
                Err(f) => self.give_up(item, &f, attempts + 1, out).await,
            }
        }
    }

    /// Gives up an event untried because the plugin is suspended (in a lane
    /// that may not defer): always a dead letter, to replay once it works.
    fn give_up_suspended(&self, item: &Item, attempts: u32, out: &mut LaneOutcome) {
        let reason = format!(
            "not delivered: plugin `{}` was suspended by its circuit breaker; replay once it is fixed",
            self.slot.name()
        );
        self.give_up_as(item, SUSPENDED, &reason, attempts, out);
    }

    /// Gives up one event: counts it against the breaker (announcing a
    /// suspension) and keeps it for the commit.
    async fn give_up(&self, item: &Item, f: &BatchFailure, attempts: u32, out: &mut LaneOutcome) {
        self.give_up_as(item, f.kind.label(), &f.reason, attempts, out);
        if let Some(t) = self.slot.breaker.record_failure(&f.reason) {
            self.core.announce(self.slot.name(), t).await;
        }
    }

    fn give_up_as(
        &self,
        item: &Item,
        failure: &str,
        reason: &str,
        attempts: u32,
        out: &mut LaneOutcome,
    ) {
        warn!(
            event.id = %item.stored.event.id,
            event.source = %item.stored.event.source,
            seq = item.stored.seq,
            failure,
            attempts,
            dead_letter = self.entry.dead_letter || item.replay_of.is_some() || failure == SUSPENDED,
            "giving up on an event: {reason}"
        );
        out.given_up.push(Given {
            item: item.clone(),
            failure: failure.to_owned(),
            reason: reason.to_owned(),
            attempts,
        });
    }

    /// One batch with retries: exponential backoff with jitter between
    /// attempts, none for failures another attempt cannot fix.
    async fn deliver_batch(
        &self,
        batch: &[Item],
        worker: &mut LaneWorker<'_>,
        state: &WindowState,
    ) -> Delivered {
        let policy = self.entry.retry;
        let mut stop = self.stop.clone();
        let mut attempt = 1;
        loop {
            match self.call(batch, worker, state).await {
                Ok(o) => return Delivered::Ok(o),
                Err(f) if attempt < policy.attempts && f.kind.is_retryable() => {
                    let wait = retry::delay(&policy, attempt);
                    RouteStats::add(&self.stats.retries, 1);
                    worker
                        .plugin
                        .stats()
                        .retries
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    warn!(
                        failure = f.kind.label(),
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "retrying a failed batch"
                    );
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        // Nothing was committed: the window is delivered again.
                        _ = stop.changed() => return Delivered::Stopped,
                    }
                    attempt += 1;
                }
                Err(f) => return Delivered::Failed(f, attempt),
            }
        }
    }

    /// One plugin call on a blocking thread (a call may take up to the
    /// plugin's `time-per-batch`).
    async fn call(
        &self,
        batch: &[Item],
        worker: &mut LaneWorker<'_>,
        state: &WindowState,
    ) -> Result<BatchOutput, BatchFailure> {
        let state = state.snapshot();
        let frame = encode_batch(batch.iter().map(|i| &*i.stored));
        let mut w = worker.take(&self.slot);
        let plugin = w.plugin().clone();
        RouteStats::add(&self.stats.events_in, batch.len() as u64);
        let (w, result) = match tokio::task::spawn_blocking(move || {
            let r = w.handle(&frame, state);
            (w, r)
        })
        .await
        {
            Ok(r) => r,
            Err(join) => (
                Worker::new(plugin),
                Err(BatchFailure {
                    kind: FailureKind::Trap,
                    reason: format!("the call's thread failed: {join}"),
                    event_id: None,
                }),
            ),
        };
        worker.worker = Some(w);
        match &result {
            Ok(_) => RouteStats::add(&self.stats.batches_ok, 1),
            Err(_) => RouteStats::add(&self.stats.batches_failed, 1),
        }
        result
    }
}

/// A lane's worker during one window: always one of the window's version.
pub(crate) struct LaneWorker<'a> {
    plugin: &'a Arc<Plugin>,
    worker: Option<Worker>,
}

impl LaneWorker<'_> {
    /// The worker for the next call: the lane's, else the slot's spare
    /// (started when the version was tried) or a fresh one.
    fn take(&mut self, slot: &Slot) -> Worker {
        self.worker
            .take()
            .unwrap_or_else(|| slot.worker(self.plugin))
    }
}

/// The most ids one log line lists.
const MAX_LOGGED_IDS: usize = 1000;

fn ids<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let mut s = String::new();
    for (n, id) in ids.enumerate() {
        if n == MAX_LOGGED_IDS {
            s.push_str(",…");
            break;
        }
        if n > 0 {
            s.push(',');
        }
        s.push_str(id);
    }
    s
}
