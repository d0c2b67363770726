//! [`RetryPolicy`]: how often, and after how long, a failed batch is tried again.

use std::{
    hash::{BuildHasher, RandomState},
    time::{Duration, Instant},
};

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Retries with exponential backoff and jitter. Every failure kind is retried
/// except a plugin's own `invalid-input` and `config` errors, which another
/// attempt cannot fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Calls in all, the first included; 1 never retries.
    pub attempts: u32,
    /// The wait before the first retry; it doubles after each attempt, up to
    /// 10 s, times a random factor between 0.5 and 1.5.
    pub backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            backoff: Duration::from_millis(200),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let base = self
            .backoff
            .saturating_mul(1 << attempt.saturating_sub(1).min(16))
            .min(MAX_BACKOFF);
        // Jitter spreads retries of many consumers apart; it needs no quality
        // randomness, so a randomly keyed hash of the time will do.
        let noise = RandomState::new().hash_one((attempt, Instant::now()));
        let factor = 0.5 + (noise % 1000) as f64 / 1000.0;
        base.mul_f64(factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_cap() {
        let p = RetryPolicy {
            attempts: 10,
            backoff: Duration::from_millis(100),
        };
        for (attempt, base) in [(1, 100), (2, 200), (3, 400)] {
            let d = p.delay(attempt).as_millis();
            assert!(
                (base / 2..=base * 3 / 2).contains(&d),
                "attempt {attempt}: {d} ms"
            );
        }
        assert!(p.delay(30) <= MAX_BACKOFF.mul_f64(1.5));
    }
}
