//! Open311 requests counted by endpoint and outcome, for `/metrics`.

use std::sync::Mutex;

/// Counts since the host started, by (endpoint, outcome).
#[derive(Debug, Default)]
pub struct Stats {
    counts: Mutex<Vec<(&'static str, &'static str, u64)>>,
}

impl Stats {
    /// Counts one request to `endpoint` (`services`, `submit`, `request`,
    /// `requests`) that ended in `outcome` (`ok`, `invalid`, `not_found`,
    /// `busy`, `error`).
    pub fn count(&self, endpoint: &'static str, outcome: &'static str) {
        let Ok(mut c) = self.counts.lock() else {
            return;
        };
        match c
            .iter_mut()
            .find(|(e, o, _)| *e == endpoint && *o == outcome)
        {
            Some(row) => row.2 += 1,
            None => c.push((endpoint, outcome, 1)),
        }
    }

    /// Every count.
    pub fn snapshot(&self) -> Vec<(&'static str, &'static str, u64)> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// The outcome label of an answer's status.
    pub fn outcome(status: u16) -> &'static str {
        match status {
            200..=299 => "ok",
            404 => "not_found",
            400..=499 if status != 429 => "invalid",
            429 | 503 => "busy",
            _ => "error",
        }
    }
}
