//! [`NearDeadline`]: calls that succeed but live close to their deadline.
//!
//! A call past `time-per-batch` is stopped and its batch fails, loudly. A
//! plugin that finishes at 90% of it on every call fails nothing yet — until
//! a slower machine, a bigger batch or a busy core tips it over. The host
//! counts such calls (`cityhub_plugin_near_deadline_total`) and warns about
//! them, naming the plugin and its limit, at most once per
//! [`NearDeadline::WARN_EVERY`] per plugin, so a plugin living at its
//! deadline on every call cannot flood the log either.

use std::{
    sync::{
        Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use cityhub_manifest::Millis;

/// One plugin's near-deadline calls, shared by its workers.
#[derive(Debug, Default)]
pub struct NearDeadline {
    calls: AtomicU64,
    /// When the last warning went out, and the near calls since.
    warned: Mutex<(Option<Instant>, u64)>,
}

impl NearDeadline {
    /// A call is near its deadline when it used at least this share of it
    /// (in percent).
    pub const SHARE_PERCENT: u32 = 80;
    /// At most one warning per plugin this often.
    pub const WARN_EVERY: Duration = Duration::from_secs(60);

    /// Calls near their deadline since the plugin was loaded.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Records a call of `plugin` that returned after `used` of its `limit`:
    /// counts it if it is near, and warns unless a warning went out within
    /// [`NearDeadline::WARN_EVERY`]. Returns whether it was near. Called
    /// after every call that returned (a call stopped at its deadline is a
    /// failure, reported as such).
    pub(crate) fn record(&self, plugin: &str, used: Duration, limit: Millis) -> bool {
        let percent = used.as_millis() * 100 / u128::from(limit.as_millis().max(1));
        if percent < u128::from(Self::SHARE_PERCENT) {
            return false;
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        let mut warned = self.warned.lock().unwrap_or_else(PoisonError::into_inner);
        warned.1 += 1;
        if warned.0.is_some_and(|at| at.elapsed() < Self::WARN_EVERY) {
            return true;
        }
        let calls = std::mem::take(&mut warned.1);
        warned.0 = Some(Instant::now());
        drop(warned);
        tracing::warn!(
            plugin,
            used_ms = used.as_millis() as u64,
            limit = %limit,
            calls,
            "plugin `{plugin}` is living near its deadline: a call took {} ms, {percent}% of its \
             `time-per-batch` of {limit} ({calls} calls over {}% since the last warning); a call \
             past the limit is stopped and its batch fails: make the plugin faster, send it \
             smaller batches (the route's `batch-size`) or raise its `time-per-batch`",
            used.as_millis(),
            Self::SHARE_PERCENT,
        );
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calls_over_80_percent_and_warns_once_a_window() {
        let near = NearDeadline::default();
        let limit = Millis::new(500);
        assert!(!near.record("p", Duration::from_millis(399), limit));
        assert!(near.record("p", Duration::from_millis(400), limit));
        assert!(near.record("p", Duration::from_millis(499), limit));
        assert_eq!(near.calls(), 2);
        let warned = near.warned.lock().unwrap();
        assert!(warned.0.is_some(), "the first near call warned");
        assert_eq!(warned.1, 1, "the second is left for the next warning");
    }
}
