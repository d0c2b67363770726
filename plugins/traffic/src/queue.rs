//! What the plugin remembers per border gate: a bounded ring of its recent
//! counts, stored under `gate/<id>` as JSON (`{"counts": [[at, waiting,
//! cleared], …]}`, oldest first, `at` in Unix seconds), and the rates and
//! trend computed from it.
//!
//! The ring holds the counts within `rate_window` of the newest one, and at
//! most [`MAX_COUNTS`]: a gate counted more often than every `rate_window /
//! MAX_COUNTS` has its rates measured over its last `MAX_COUNTS` counts.

use serde::{Deserialize, Serialize};

/// State keys of gates: this prefix and the gate id.
pub const KEY_PREFIX: &str = "gate/";

/// The most counts kept per gate.
pub const MAX_COUNTS: usize = 120;

/// One count: when (Unix seconds), trucks waiting, trucks cleared since the
/// previous count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count(pub i64, pub u32, pub u32);

/// A gate's recent counts, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    /// The counts.
    pub counts: Vec<Count>,
}

/// Which way a queue is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// Growing by more than `steady_band_per_hour`.
    Growing,
    /// Within ± `steady_band_per_hour`.
    Steady,
    /// Shrinking by more than `steady_band_per_hour`.
    Shrinking,
}

impl Trend {
    /// The trend of a queue growing by `growth` trucks per hour.
    pub fn of(growth: f64, band: f64) -> Self {
        if growth > band {
            Trend::Growing
        } else if growth < -band {
            Trend::Shrinking
        } else {
            Trend::Steady
        }
    }
}

/// A queue's rates, trucks per hour, rounded to 0.1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// How fast the queue grows (negative: shrinks).
    pub growth_per_hour: f64,
    /// How fast trucks cross.
    pub clearance_per_hour: f64,
}

impl Queue {
    /// The newest count, if any.
    pub fn newest(&self) -> Option<Count> {
        self.counts.last().copied()
    }

    /// Adds `count`, newer than every count held, then drops the counts
    /// older than `window` seconds before it and the oldest beyond
    /// [`MAX_COUNTS`].
    pub fn push(&mut self, count: Count, window: i64) {
        self.counts.push(count);
        let horizon = count.0.saturating_sub(window);
        let old = self
            .counts
            .iter()
            .take_while(|c| c.0 < horizon)
            .count()
            .max(self.counts.len().saturating_sub(MAX_COUNTS));
        self.counts.drain(..old);
    }

    /// The rates over the counts held: growth is the change in trucks
    /// waiting from the oldest count to the newest, clearance the trucks
    /// cleared by every count after the oldest (those crossed between the
    /// two), both per hour of the time between them. Zero with fewer than
    /// two counts.
    pub fn rates(&self) -> Rates {
        let (Some(first), Some(last)) = (self.counts.first(), self.counts.last()) else {
            return Rates::ZERO;
        };
        let span = last.0.saturating_sub(first.0);
        if span <= 0 {
            return Rates::ZERO;
        }
        let hours = span as f64 / 3600.0;
        let growth = (f64::from(last.1) - f64::from(first.1)) / hours;
        let cleared: u64 = self.counts[1..].iter().map(|c| u64::from(c.2)).sum();
        Rates {
            growth_per_hour: round(growth),
            clearance_per_hour: round(cleared as f64 / hours),
        }
    }
}

impl Rates {
    /// No movement.
    pub const ZERO: Rates = Rates {
        growth_per_hour: 0.0,
        clearance_per_hour: 0.0,
    };
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_per_hour_over_the_window() {
        let mut q = Queue::default();
        // 07:00 .. 08:00 every 15 minutes: +30 waiting and ~21 cleared each.
        for (i, cleared) in [(0, 20), (1, 21), (2, 22), (3, 21), (4, 21)] {
            q.push(Count(i * 900, 2280 + 30 * i as u32, cleared), 3600);
        }
        assert_eq!(q.counts.len(), 5, "the count exactly one hour old stays");
        let r = q.rates();
        assert_eq!((r.growth_per_hour, r.clearance_per_hour), (120.0, 85.0));
        // One more: the oldest leaves the window.
        q.push(Count(5 * 900, 2430, 20), 3600);
        assert_eq!(q.counts[0], Count(900, 2310, 21));
        assert_eq!(q.rates().growth_per_hour, 120.0);
        assert_eq!(q.rates().clearance_per_hour, 84.0);
    }

    #[test]
    fn one_count_or_none_has_no_rates() {
        let mut q = Queue::default();
        assert_eq!(q.rates(), Rates::ZERO);
        q.push(Count(0, 2400, 85), 3600);
        assert_eq!(q.rates(), Rates::ZERO);
    }

    #[test]
    fn the_ring_is_bounded() {
        let mut q = Queue::default();
        for i in 0..500 {
            q.push(Count(i, 10, 1), 86_400);
        }
        assert_eq!(q.counts.len(), MAX_COUNTS);
        assert_eq!(q.counts[0].0, 500 - MAX_COUNTS as i64);
    }

    #[test]
    fn trends_follow_the_band() {
        assert_eq!(Trend::of(120.0, 10.0), Trend::Growing);
        assert_eq!(Trend::of(10.0, 10.0), Trend::Steady);
        assert_eq!(Trend::of(-10.0, 10.0), Trend::Steady);
        assert_eq!(Trend::of(-10.5, 10.0), Trend::Shrinking);
        assert_eq!(Trend::of(0.0, 0.0), Trend::Steady);
    }
}
