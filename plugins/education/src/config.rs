//! The plugin's configuration: the attendance thresholds, how long resolved
//! incidents are remembered, and where the schools are. `plugin.toml`'s
//! `config-schema` describes the same fields with the same defaults (a test
//! keeps them in step).

use std::collections::BTreeMap;

use cityhub_sdk::Error;
use cityhub_sdk::city::Span;
use serde::Deserialize;

/// When the plugin alerts, and what it knows of the province's schools.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// A `low-attendance` alert (severity `medium`) opens when a school's
    /// attendance (`present / enrolled`) is below this ratio, and resolves
    /// when it is back at or above it.
    pub low_attendance_ratio: Ratio,
    /// ... and is `high` below this one.
    pub severe_attendance_ratio: Ratio,
    /// A resolved incident is remembered this long (event time), so a
    /// redelivery cannot reopen it; incident events older than this are
    /// ignored.
    pub incident_retention: Span,
    /// Where schools are, by school id: `[longitude, latitude]` (WGS84), the
    /// `location` of their alerts. A school not listed has alerts without a
    /// location.
    pub school_locations: BTreeMap<String, [f64; 2]>,
}

impl Default for Config {
    fn default() -> Self {
        let locations = [
            ("thpt-chuyen-chu-van-an", [106.7545, 21.8468]),
            ("thpt-viet-bac", [106.7603, 21.8555]),
            ("thcs-hoang-van-thu", [106.7621, 21.8502]),
            ("thcs-chi-lang-tp", [106.7688, 21.8451]),
            ("th-dong-dang", [106.7041, 21.9436]),
            ("thpt-huu-lung", [106.3427, 21.5031]),
        ];
        Self {
            low_attendance_ratio: Ratio(0.85),
            severe_attendance_ratio: Ratio(0.7),
            incident_retention: Span::hours(30 * 24),
            school_locations: locations
                .into_iter()
                .map(|(id, at)| (id.to_owned(), at))
                .collect(),
        }
    }
}

impl Config {
    /// Checks what the fields cannot check alone.
    pub fn check(&self) -> Result<(), Error> {
        let (low, severe) = (self.low_attendance_ratio.0, self.severe_attendance_ratio.0);
        if severe >= low {
            return Err(Error::config(format!(
                "`severe_attendance_ratio` ({severe}) must be below `low_attendance_ratio` ({low}): severe is the lower attendance"
            )));
        }
        for (id, [lon, lat]) in &self.school_locations {
            if !(-180.0..=180.0).contains(lon) || !(-90.0..=90.0).contains(lat) {
                return Err(Error::config(format!(
                    "`school_locations.{id}` must be [longitude, latitude], got [{lon}, {lat}]"
                )));
            }
        }
        Ok(())
    }
}

/// An attendance ratio in configuration: above 0 and at most 1.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Ratio(pub f64);

impl TryFrom<f64> for Ratio {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v > 0.0 && v <= 1.0 {
            Ok(Ratio(v))
        } else {
            Err(format!("must be a ratio in (0, 1], got {v}"))
        }
    }
}
