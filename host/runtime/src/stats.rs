//! [`PluginStats`]: what a plugin's workers count, for metrics and health.

use std::{
    collections::BTreeMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use crate::{FailureKind, NearDeadline};

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
    /// Successful calls that used 80% or more of `time-per-batch`.
    pub near_deadline: NearDeadline,
    /// Log records dropped for being over the per-call budget.
    pub logs_dropped: AtomicU64,
    /// Bytes the plugin wrote to its stdout and stderr (taken and discarded).
    pub stdio_bytes: AtomicU64,
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

/// Upper bounds of the buckets, in seconds: 100 µs to 5 s, then `+Inf`;
/// finer between 1 ms and 30 ms, where the bus's latency targets lie.
pub const BUCKETS: [f64; 19] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05,
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
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

    /// The `q` quantile (0 to 1) estimated from the buckets, interpolating
    /// linearly inside the bucket that holds it (as Prometheus's
    /// `histogram_quantile` does); `None` with no observations. Past the
    /// last finite bound it answers that bound.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        quantile(&self.cumulative(), q)
    }

    /// The sum of all observations, in seconds.
    pub fn sum_seconds(&self) -> f64 {
        self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
    }
}

/// [`Histogram::quantile`] over `(upper bound, cumulative count)` buckets,
/// e.g. read back from a Prometheus exposition.
pub fn quantile(buckets: &[(f64, u64)], q: f64) -> Option<f64> {
    let total = buckets.last()?.1;
    if total == 0 {
        return None;
    }
    let rank = q.clamp(0.0, 1.0) * total as f64;
    let (mut lo, mut below) = (0.0, 0);
    for &(bound, count) in buckets {
        if count as f64 >= rank && count > below {
            if bound.is_infinite() {
                return Some(lo);
            }
            let within = (rank - below as f64) / (count - below) as f64;
            return Some(lo + (bound - lo) * within);
        }
        lo = bound;
        below = count;
    }
    Some(lo)
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

    #[test]
    fn quantiles_interpolate_inside_their_bucket() {
        let h = Histogram::default();
        assert_eq!(h.quantile(0.5), None);
        // 100 observations spread over (2 ms, 3 ms]: the median is ~2.5 ms.
        for i in 0..100 {
            h.observe(Duration::from_micros(2_005 + i * 9));
        }
        let p50 = h.quantile(0.5).unwrap();
        assert!((p50 - 0.0025).abs() < 1e-9, "{p50}");
        assert!((h.quantile(0.99).unwrap() - 0.00299).abs() < 1e-9);
        h.observe(Duration::from_secs(60));
        assert_eq!(
            h.quantile(1.0),
            Some(5.0),
            "past the last bound: that bound"
        );
    }
}
