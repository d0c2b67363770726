//! [`MqttStats`]: the connector's counters, read by `GET /metrics`.

use std::{
    collections::BTreeMap,
    sync::{
        Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

/// What became of one MQTT message (the `outcome` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Stored as a new event, then acked.
    Ingested,
    /// Its event was already stored (same `source` and `id`); acked.
    Duplicate,
    /// The payload is not JSON: dropped and acked.
    NotJson,
    /// A structured CloudEvent that does not parse, has another type than
    /// the mapping's, or is larger than `[server] max-event`: dropped and acked.
    Invalid,
    /// The city refused the event for good (not accepted, data class): dropped and acked.
    Refused,
    /// Its topic matches no configured filter (a subscription left in the
    /// persistent session by an earlier configuration): dropped and acked.
    Unmatched,
}

impl Outcome {
    /// Every outcome, for zero-valued series.
    pub const ALL: [Self; 6] = [
        Self::Ingested,
        Self::Duplicate,
        Self::NotJson,
        Self::Invalid,
        Self::Refused,
        Self::Unmatched,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ingested => "ingested",
            Self::Duplicate => "duplicate",
            Self::NotJson => "not_json",
            Self::Invalid => "invalid",
            Self::Refused => "refused",
            Self::Unmatched => "unmatched",
        }
    }
}

/// The connector's counters since the host started.
#[derive(Debug, Default)]
pub struct MqttStats {
    connected: AtomicBool,
    connects: AtomicU64,
    retries: AtomicU64,
    messages: Mutex<BTreeMap<(String, Outcome), u64>>,
}

impl MqttStats {
    /// Stats with a zero for every outcome of every filter of `config`.
    pub fn for_config(config: &cityhub_config::MqttConfig) -> Self {
        Self::new(config.topics.iter().map(|t| t.filter.as_str()))
    }

    /// Stats with a zero for every outcome of every filter.
    pub(crate) fn new<'a>(filters: impl IntoIterator<Item = &'a str>) -> Self {
        let s = Self::default();
        if let Ok(mut m) = s.messages.lock() {
            for f in filters {
                for o in Outcome::ALL {
                    m.insert((f.to_owned(), o), 0);
                }
            }
        }
        s
    }

    /// Whether the connector is connected to the broker now.
    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }

    /// Connections made (the first and every reconnection).
    pub fn connects(&self) -> u64 {
        self.connects.load(Ordering::Relaxed)
    }

    /// Ingest attempts refused for backpressure and tried again.
    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    /// Messages by topic filter and outcome (`""` for unmatched topics).
    pub fn messages(&self) -> Vec<(String, Outcome, u64)> {
        self.messages
            .lock()
            .map(|m| m.iter().map(|((f, o), n)| (f.clone(), *o, *n)).collect())
            .unwrap_or_default()
    }

    pub(crate) fn set_connected(&self, up: bool) {
        if up {
            self.connects.fetch_add(1, Ordering::Relaxed);
        }
        self.connected.store(up, Ordering::Relaxed);
    }

    pub(crate) fn retried(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count(&self, filter: &str, outcome: Outcome) {
        if let Ok(mut m) = self.messages.lock() {
            *m.entry((filter.to_owned(), outcome)).or_default() += 1;
        }
    }
}
