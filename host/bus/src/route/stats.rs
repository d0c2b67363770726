//! [`RouteStats`]: what a route counts, for metrics, the API and backpressure.

use std::{
    collections::BTreeMap,
    sync::{
        Mutex,
        atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
    },
};

use cityhub_runtime::Histogram;

/// Counters of one route since it started (lock-free).
#[derive(Debug, Default)]
pub struct RouteStats {
    /// Its committed position in the log.
    pub position: AtomicI64,
    /// Events delivered to the plugin (each attempt counts once per event).
    pub events_in: AtomicU64,
    /// Output events committed.
    pub events_out: AtomicU64,
    /// Plugin calls that succeeded.
    pub batches_ok: AtomicU64,
    /// Plugin calls that failed, any kind, retries included.
    pub batches_failed: AtomicU64,
    /// Failed calls tried again.
    pub retries: AtomicU64,
    /// Events given up and stored as dead letters.
    pub dead_lettered: AtomicU64,
    /// Events given up and dropped (`dead-letter = false`).
    pub dropped: AtomicU64,
    /// Dead letters replayed successfully.
    pub replayed: AtomicU64,
    /// Windows run again because another node committed first (the
    /// JetStream bus: the plugin's state or an input changed under them).
    pub conflicts: AtomicU64,
    /// Events read from the log that the route did not want (other types,
    /// filtered out, or the plugin's own outputs).
    pub skipped: AtomicU64,
    /// Events withheld from the plugin because of their data class (it is
    /// not approved for it), by class.
    pub withheld: Mutex<BTreeMap<String, u64>>,
    /// From an event's arrival in the log to the commit of its batch.
    pub latency: Histogram,
    /// Whether a `cityhub.route.lagging` was raised and not yet recovered.
    pub lagging: AtomicBool,
    /// While replaying: the end of the log when the replay began (0 when
    /// not replaying).
    pub replaying_until: AtomicI64,
}

impl RouteStats {
    /// Counts a window run again after a conflicting commit.
    pub(crate) fn conflict(&self) {
        self.conflicts.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds `n` to a counter.
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// The committed position.
    pub fn position(&self) -> i64 {
        self.position.load(Ordering::Relaxed)
    }

    /// Counts an event of `class` withheld from the plugin.
    pub(crate) fn withhold(&self, class: &str) {
        let mut w = self.withheld.lock().unwrap_or_else(|p| p.into_inner());
        match w.get_mut(class) {
            Some(n) => *n += 1,
            None => {
                w.insert(class.to_owned(), 1);
            }
        }
    }

    /// The events withheld so far, by class.
    pub fn withheld(&self) -> BTreeMap<String, u64> {
        self.withheld
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether a replay has not reached its goal yet.
    pub fn is_replaying(&self) -> bool {
        self.position() < self.replaying_until.load(Ordering::Relaxed)
    }
}
