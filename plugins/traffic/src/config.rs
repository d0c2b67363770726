//! The plugin's configuration: congestion thresholds and smoothing, the
//! border gates and how their queues' rates are measured, and which
//! incidents raise an alert; validated while it is deserialized, then by
//! [`Config::check`]. `plugin.toml`'s `config-schema` describes the same
//! fields with the same defaults (a test keeps them in step).

use std::num::NonZeroU32;

use cityhub_sdk::Error;
use cityhub_sdk::city::Span;
use serde::Deserialize;

use crate::gate::{Gate, default_gates};
use crate::report::Category;

/// How the plugin decides that a segment is congested, which border gates
/// it knows, and which incidents it alerts on.
#[derive(Debug, Clone, PartialEq, Deserialize)]
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
    /// A gate's growth and clearance rates are measured over its counts
    /// within this span of its newest count (default `1h`).
    pub rate_window: Span,
    /// A queue whose growth is within ± this many trucks per hour is
    /// `steady`; above it `growing`, below its negative `shrinking`.
    pub steady_band_per_hour: Rate,
    /// The border gates whose counts the plugin accepts: id, names, road
    /// and location. Defaults to Lạng Sơn's five main crossings.
    pub gates: Vec<Gate>,
    /// Incident categories that raise a `city.traffic.alert` when they
    /// happen on a national road (`QL…`) or expressway (`CT…`); empty: none
    /// do.
    pub incident_alert_categories: Vec<Category>,
    /// How long a cleared incident is remembered, in event time, so that a
    /// late or repeated report of it changes nothing.
    pub incident_retention: Span,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            speed_threshold_kmh: Kmh(20.0),
            severe_speed_kmh: Kmh(10.0),
            alpha: Alpha(0.3),
            min_samples: NonZeroU32::MIN.saturating_add(2),
            rate_window: Span::hours(1),
            steady_band_per_hour: Rate(10.0),
            gates: default_gates(),
            incident_alert_categories: vec![Category::Accident, Category::Landslide],
            incident_retention: Span::hours(7 * 24),
        }
    }
}

impl Config {
    /// Checks what the fields cannot check alone: the thresholds' order,
    /// the gates (see [`Gate::check`]) and repeated entries.
    pub fn check(&self) -> Result<(), Error> {
        if self.severe_speed_kmh.0 >= self.speed_threshold_kmh.0 {
            return Err(Error::config(format!(
                "`severe_speed_kmh` ({}) must be below `speed_threshold_kmh` ({}): severe congestion is the slower kind",
                self.severe_speed_kmh.0, self.speed_threshold_kmh.0
            )));
        }
        if self.gates.is_empty() {
            return Err(Error::config(
                "`gates` is empty: configure at least one border gate, such as `huu-nghi`",
            ));
        }
        for (i, gate) in self.gates.iter().enumerate() {
            gate.check()
                .map_err(|(field, why)| Error::config(format!("`gates[{i}].{field}` {why}")))?;
            if self.gates[..i].iter().any(|g| g.id == gate.id) {
                return Err(Error::config(format!(
                    "`gates` lists `{}` twice: remove one",
                    gate.id
                )));
            }
        }
        for (i, category) in self.incident_alert_categories.iter().enumerate() {
            if self.incident_alert_categories[..i].contains(category) {
                return Err(Error::config(format!(
                    "`incident_alert_categories` lists `{}` twice: remove one",
                    category.as_str()
                )));
            }
        }
        Ok(())
    }

    /// The configured gate `id`, if any.
    pub fn gate(&self, id: &str) -> Option<&Gate> {
        self.gates.iter().find(|g| g.id == id)
    }

    /// The configured gates' ids, for an error message: `huu-nghi`, `tan-thanh`.
    pub fn gate_ids(&self) -> String {
        let ids: Vec<String> = self.gates.iter().map(|g| format!("`{}`", g.id)).collect();
        ids.join(", ")
    }
}

/// Trucks per hour, finite and 0 or more.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Rate(pub f64);

impl TryFrom<f64> for Rate {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v.is_finite() && v >= 0.0 {
            Ok(Rate(v))
        } else {
            Err(format!(
                "must be a number of trucks per hour, 0 or more, got {v}"
            ))
        }
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
