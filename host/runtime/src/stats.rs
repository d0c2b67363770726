//! [`PluginStats`]: what a plugin's workers count, for metrics and health.

use std::{
    collections::BTreeMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use crate::FailureKind;

/// Counters of one loaded plugin, updated by its workers (lock-free, except
/// the per-kind failure map, touched only when a batch fails).
#[derive(Debug, Default)]
pub struct PluginStats {
    /// Batches that succeeded.
    pub batches_ok: AtomicU64,
    /// Batches that failed, any kind.
    pub batches_failed: AtomicU64,
    /// Input events handed to successful and failed calls.
    pub events_in: AtomicU64,
    /// Output events of successful calls.
    pub events_out: AtomicU64,
    /// Instances started (the first, and one after each failure).
    pub instances_started: AtomicU64,
    /// Failed batches tried again (counted by the bus, which retries).
    pub retries: AtomicU64,
    /// How long calls took, successful or not (instance start included).
    pub call_seconds: Histogram,
    failures: Mutex<BTreeMap<&'static str, u64>>,
}

impl PluginStats {
    pub(crate) fn record_failure(&self, kind: FailureKind) {
        self.batches_failed.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut m) = self.failures.lock() {
            *m.entry(kind.label()).or_default() += 1;
        }
    }

    /// Failures so far, by [`FailureKind::label`].
    pub fn failures_by_kind(&self) -> BTreeMap<&'static str, u64> {
        self.failures.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// A latency histogram with fixed buckets, Prometheus-style (cumulative on
/// export). Recording is two relaxed atomic adds.
#[derive(Debug, Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

/// Upper bounds of the buckets, in seconds: 100 µs to 5 s, then `+Inf`.
pub const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BUCKETS.len());
        self.counts[i].fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    /// `(upper bound, cumulative count)` per bucket, `+Inf` last as `f64::INFINITY`.
    pub fn cumulative(&self) -> Vec<(f64, u64)> {
        let mut total = 0;
        BUCKETS
            .iter()
            .copied()
            .chain([f64::INFINITY])
            .zip(&self.counts)
            .map(|(bound, c)| {
                total += c.load(Ordering::Relaxed);
                (bound, total)
            })
            .collect()
    }

    /// The sum of all observations, in seconds.
    pub fn sum_seconds(&self) -> f64 {
        self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_the_sum_adds_up() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(50));
        h.observe(Duration::from_millis(3));
        h.observe(Duration::from_secs(9));
        let c = h.cumulative();
        assert_eq!(c[0], (0.0001, 1));
        assert_eq!(c.iter().find(|(b, _)| *b == 0.005).map(|x| x.1), Some(2));
        assert_eq!(c.last().copied(), Some((f64::INFINITY, 3)));
        assert!((h.sum_seconds() - 9.00305).abs() < 1e-9);
    }
}
