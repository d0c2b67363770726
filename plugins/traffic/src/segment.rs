//! What the plugin remembers per road segment, and how a reading moves it:
//! exponentially weighted moving averages of speed and intensity, a sample
//! count, and the congestion level, stored under `segment/<id>` as a fixed
//! 30-byte binary record ([`Segment::to_bytes`]). Binary rather than JSON:
//! formatting and parsing floats is most of a JSON round trip, and wasm32
//! does it without native 128-bit multiplication, so JSON state made the
//! component ~40% slower per reading.

use serde::{Deserialize, Serialize};

use crate::config::Config;

/// State keys are this prefix and the segment id.
pub const KEY_PREFIX: &str = "segment/";

/// How congested a segment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Traffic flows (or too few readings to tell).
    #[default]
    Free,
    /// Smoothed speed below `speed_threshold_kmh`.
    Heavy,
    /// Smoothed speed below `severe_speed_kmh`.
    Severe,
}

impl Level {
    /// The `level` of a congestion event announcing this level.
    pub fn as_event_level(self) -> &'static str {
        match self {
            Level::Free => "cleared",
            Level::Heavy => "heavy",
            Level::Severe => "severe",
        }
    }
}

/// The size of an encoded [`Segment`]: version, speed, intensity, samples, level, last.
pub const ENCODED_LEN: usize = 1 + 8 + 8 + 4 + 1 + 8;
/// The encoding's version byte; a record with another is treated as unreadable.
const VERSION: u8 = 1;

/// One segment's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// EWMA of the average speed, km/h, rounded to 0.01.
    pub speed: f64,
    /// EWMA of the vehicle count per window, rounded to 0.01.
    pub intensity: f64,
    /// Readings folded in.
    pub samples: u32,
    /// The level last announced.
    pub level: Level,
    /// End of the newest reading's window, Unix seconds: older or repeated
    /// readings (a redelivery) are skipped so they are not counted twice.
    pub last: i64,
}

impl Segment {
    /// The record stored in state: little-endian fields after a version byte.
    pub fn to_bytes(&self) -> [u8; ENCODED_LEN] {
        let mut b = [0u8; ENCODED_LEN];
        b[0] = VERSION;
        b[1..9].copy_from_slice(&self.speed.to_le_bytes());
        b[9..17].copy_from_slice(&self.intensity.to_le_bytes());
        b[17..21].copy_from_slice(&self.samples.to_le_bytes());
        b[21] = match self.level {
            Level::Free => 0,
            Level::Heavy => 1,
            Level::Severe => 2,
        };
        b[22..30].copy_from_slice(&self.last.to_le_bytes());
        b
    }

    /// Reads a record written by [`Segment::to_bytes`]; `None` if its length,
    /// version or level byte is not one this version writes.
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        let b: &[u8; ENCODED_LEN] = b.try_into().ok()?;
        if b[0] != VERSION {
            return None;
        }
        let f64_at = |i: usize| b[i..i + 8].try_into().ok().map(f64::from_le_bytes);
        let level = match b[21] {
            0 => Level::Free,
            1 => Level::Heavy,
            2 => Level::Severe,
            _ => return None,
        };
        Some(Segment {
            speed: f64_at(1)?,
            intensity: f64_at(9)?,
            samples: u32::from_le_bytes(b[17..21].try_into().ok()?),
            level,
            last: i64::from_le_bytes(b[22..30].try_into().ok()?),
        })
    }

    /// The state after the first reading of a segment.
    pub fn first(speed: f64, intensity: f64, at: i64) -> Self {
        Segment {
            speed: round(speed),
            intensity: round(intensity),
            samples: 1,
            level: Level::Free,
            last: at,
        }
    }

    /// Folds in a reading; returns the new level if it changed.
    pub fn update(
        &mut self,
        speed: f64,
        intensity: f64,
        at: i64,
        config: &Config,
    ) -> Option<Level> {
        let a = config.alpha.0;
        self.speed = round(a * speed + (1.0 - a) * self.speed);
        self.intensity = round(a * intensity + (1.0 - a) * self.intensity);
        self.samples = self.samples.saturating_add(1);
        self.last = at;
        self.classify(config)
    }

    /// Sets the level the averages call for; returns it if it changed.
    pub fn classify(&mut self, config: &Config) -> Option<Level> {
        let level = if self.samples < config.min_samples.get()
            || self.speed >= config.speed_threshold_kmh.0
        {
            Level::Free
        } else if self.speed < config.severe_speed_kmh.0 {
            Level::Severe
        } else {
            Level::Heavy
        };
        (level != self.level).then(|| {
            self.level = level;
            level
        })
    }
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ewma_weights_the_newest_reading_by_alpha() {
        let config = Config::default();
        let mut s = Segment::first(28.0, 10.0, 0);
        assert_eq!(s.update(15.0, 20.0, 1, &config), None);
        assert_eq!((s.speed, s.intensity), (24.1, 13.0));
        assert_eq!(s.update(9.0, 30.0, 2, &config), Some(Level::Heavy)); // third sample, 19.57 km/h
        assert_eq!(s.speed, 19.57);
        assert_eq!(s.samples, 3);
    }

    #[test]
    fn levels_follow_the_thresholds_both_ways() {
        let config = Config::default();
        let mut s = Segment {
            speed: 9.99,
            intensity: 0.0,
            samples: 3,
            level: Level::Free,
            last: 0,
        };
        assert_eq!(s.classify(&config), Some(Level::Severe));
        s.speed = 10.0;
        assert_eq!(s.classify(&config), Some(Level::Heavy));
        assert_eq!(s.classify(&config), None);
        s.speed = 20.0;
        assert_eq!(s.classify(&config), Some(Level::Free));
        s.speed = 1.0;
        s.samples = 2;
        assert_eq!(s.classify(&config), None, "too few samples to call it");
    }

    #[test]
    fn state_round_trips_in_30_bytes() {
        let s = Segment {
            speed: 15.52,
            intensity: 41.3,
            samples: 5,
            level: Level::Heavy,
            last: 1_795_741_500,
        };
        let b = s.to_bytes();
        assert_eq!(b.len(), 30);
        assert_eq!(Segment::from_bytes(&b), Some(s));
        assert_eq!(Segment::from_bytes(&b[..29]), None);
        let mut other = b;
        other[0] = 2;
        assert_eq!(
            Segment::from_bytes(&other),
            None,
            "another version is unreadable"
        );
    }
}
