//! Failed authentication: counted for `/metrics`
//! (`cityhub_auth_failures_total{reason}`), and recorded in the audit log
//! as `auth.failed` at most [`RECORDS_PER_MINUTE`] times a minute per host;
//! the failures beyond that are counted, and their number is written in the
//! next record's `detail.suppressed`, so a flood of bad tokens cannot flood
//! the audit log.

use std::{
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

/// The most `auth.failed` records a host writes in a minute.
pub const RECORDS_PER_MINUTE: u32 = 60;

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No credentials (`401`).
    Missing,
    /// A token the host does not know (`401`).
    Unknown,
    /// A revoked token (`401`).
    Revoked,
    /// A role without the route's permission (`403`).
    Forbidden,
    /// A cookie-authenticated unsafe request from another origin (`403`).
    CrossOrigin,
}

impl Reason {
    const ALL: [Reason; 5] = [
        Reason::Missing,
        Reason::Unknown,
        Reason::Revoked,
        Reason::Forbidden,
        Reason::CrossOrigin,
    ];

    /// The metric label and the audit record's `detail.reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Unknown => "unknown",
            Self::Revoked => "revoked",
            Self::Forbidden => "forbidden",
            Self::CrossOrigin => "cross_origin",
        }
    }
}

/// A host's failure counters and audit rate cap; one per [`crate::ApiConfig`].
#[derive(Debug, Default)]
pub struct AuthStats {
    counts: [AtomicU64; 5],
    cap: Mutex<Cap>,
}

#[derive(Debug, Default)]
struct Cap {
    window: Option<Instant>,
    recorded: u32,
    suppressed: u64,
}

impl AuthStats {
    /// Counts a failure.
    pub fn count(&self, reason: Reason) {
        self.counts[reason as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Whether the next `auth.failed` may be written: `Some(n)` with the
    /// number of failures left unrecorded since the last record, or `None`
    /// when this minute's [`RECORDS_PER_MINUTE`] are spent.
    pub fn admit_record(&self) -> Option<u64> {
        let mut cap = self
            .cap
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if cap
            .window
            .is_none_or(|start| now.duration_since(start) >= Duration::from_secs(60))
        {
            cap.window = Some(now);
            cap.recorded = 0;
        }
        if cap.recorded >= RECORDS_PER_MINUTE {
            cap.suppressed += 1;
            return None;
        }
        cap.recorded += 1;
        Some(std::mem::take(&mut cap.suppressed))
    }

    /// `(reason, count)` for every reason, for `/metrics`.
    pub fn counts(&self) -> Vec<(&'static str, u64)> {
        Reason::ALL
            .iter()
            .map(|r| (r.as_str(), self.counts[*r as usize].load(Ordering::Relaxed)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_capped_per_minute_and_the_rest_summarised() {
        let stats = AuthStats::default();
        for _ in 0..RECORDS_PER_MINUTE {
            assert_eq!(stats.admit_record(), Some(0));
        }
        assert_eq!(stats.admit_record(), None);
        assert_eq!(stats.admit_record(), None);
        // A minute later, the next record carries the two left out.
        stats.cap.lock().unwrap().window = Some(Instant::now() - Duration::from_secs(61));
        assert_eq!(stats.admit_record(), Some(2));
        assert_eq!(stats.admit_record(), Some(0));
    }

    #[test]
    fn counts_are_per_reason() {
        let stats = AuthStats::default();
        stats.count(Reason::Unknown);
        stats.count(Reason::Unknown);
        stats.count(Reason::Forbidden);
        let counts = stats.counts();
        assert!(counts.contains(&("unknown", 2)));
        assert!(counts.contains(&("forbidden", 1)));
        assert!(counts.contains(&("missing", 0)));
    }
}
