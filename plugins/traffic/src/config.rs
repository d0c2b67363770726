//! The plugin's configuration: thresholds and smoothing, validated while it
//! is deserialized. `plugin.toml`'s `config-schema` describes the same
//! fields with the same defaults (a test keeps them in step).

use std::num::NonZeroU32;

use cityhub_sdk::Error;
use serde::Deserialize;

/// How the plugin decides that a segment is congested.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// A segment is congested while its smoothed speed is below this (km/h).
    pub speed_threshold_kmh: Kmh,
    /// ... and severely congested below this (km/h).
    pub severe_speed_kmh: Kmh,
    /// The weight of the newest reading in the moving averages.
    pub alpha: Alpha,
    /// Readings a segment needs before it can be called congested.
    pub min_samples: NonZeroU32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            speed_threshold_kmh: Kmh(20.0),
            severe_speed_kmh: Kmh(10.0),
            alpha: Alpha(0.3),
            min_samples: NonZeroU32::MIN.saturating_add(2),
        }
    }
}

impl Config {
    /// Checks what the fields cannot check alone.
    pub fn check(&self) -> Result<(), Error> {
        if self.severe_speed_kmh.0 >= self.speed_threshold_kmh.0 {
            return Err(Error::config(format!(
                "`severe_speed_kmh` ({}) must be below `speed_threshold_kmh` ({}): severe congestion is the slower kind",
                self.severe_speed_kmh.0, self.speed_threshold_kmh.0
            )));
        }
        Ok(())
    }
}

/// A speed in km/h: finite and above zero.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Kmh(pub f64);

impl TryFrom<f64> for Kmh {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v.is_finite() && v > 0.0 {
            Ok(Kmh(v))
        } else {
            Err(format!("must be a speed above 0 km/h, got {v}"))
        }
    }
}

/// The EWMA weight of the newest reading: 0 < alpha <= 1 (1 means "no
/// smoothing").
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Alpha(pub f64);

impl TryFrom<f64> for Alpha {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v > 0.0 && v <= 1.0 {
            Ok(Alpha(v))
        } else {
            Err(format!("must be in (0, 1], got {v}"))
        }
    }
}
