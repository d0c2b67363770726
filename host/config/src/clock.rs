//! `[clock]`: how often the bus announces the time (`cityhub.clock.tick`).

use std::time::Duration;

use crate::{checker::Checker, raw::RawClock};

/// `[clock]`: the platform's clock ticks.
///
/// ```toml
/// [clock]
/// tick = "1m"      # default; between 100ms and 1440m (a day)
/// ```
///
/// Every `tick` the bus stores a `cityhub.clock.tick` event (source
/// `/cityhub`, data `{"now": "<RFC 3339, +07:00>"}`). Plugins that track
/// deadlines subscribe to it, so "now" moves even when no input arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockConfig {
    /// The time between two ticks (default one minute).
    pub tick: Duration,
}

impl ClockConfig {
    /// The default tick: one minute.
    pub const DEFAULT_TICK: Duration = Duration::from_secs(60);
}

impl Default for ClockConfig {
    fn default() -> Self {
        Self {
            tick: Self::DEFAULT_TICK,
        }
    }
}

impl Checker<'_> {
    /// `[clock]`, with its default where a value is wrong (after recording it).
    pub fn clock(&mut self, raw: &RawClock) -> ClockConfig {
        let tick = self
            .duration(
                raw.tick.as_ref(),
                "tick",
                (Duration::from_millis(100), Duration::from_secs(86_400)),
                ClockConfig::DEFAULT_TICK,
            )
            .unwrap_or(ClockConfig::DEFAULT_TICK);
        ClockConfig { tick }
    }
}
