//! Backoff between attempts of a failed batch.

use std::{
    hash::{BuildHasher, RandomState},
    time::{Duration, Instant},
};

use cityhub_config::Retry;

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// The wait after failed attempt number `attempt` (1-based): `backoff`
/// doubled per attempt, capped at 10 s, times a random factor in 0.5..1.5.
pub(crate) fn delay(policy: &Retry, attempt: u32) -> Duration {
    let base = policy
        .backoff
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    // Jitter spreads retries of many routes apart; it needs no quality
    // randomness, so a randomly keyed hash of the time will do.
    let noise = RandomState::new().hash_one((attempt, Instant::now()));
    let factor = 0.5 + (noise % 1000) as f64 / 1000.0;
    base.mul_f64(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_cap() {
        let p = Retry {
            attempts: 10,
            backoff: Duration::from_millis(100),
        };
        for (attempt, base) in [(1, 100), (2, 200), (3, 400)] {
            let d = delay(&p, attempt).as_millis();
            assert!(
                (base / 2..=base * 3 / 2).contains(&d),
                "attempt {attempt}: {d} ms"
            );
        }
        assert!(delay(&p, 30) <= MAX_BACKOFF.mul_f64(1.5));
    }
}
