//! The input: a `city.traffic.congestion` event as the traffic plugin emits
//! it, read in place and checked field by field.

use std::borrow::Cow;

use cityhub_sdk::city::Input;
use cityhub_sdk::{Error, Event, Timestamp, geo::Point};
use serde::{Deserialize, Serialize};

use crate::record::CLOSED_PREFIX;

/// The longest segment id: `closed/<id>`, the longer of the plugin's state
/// keys, must fit a 256-byte state key. (The traffic plugin's ids are at
/// most 248 bytes, so every one fits.)
pub const MAX_SEGMENT_ID: usize = 256 - CLOSED_PREFIX.len();

/// The highest plausible average speed, km/h; more is a sensor fault.
const MAX_SPEED_KMH: f64 = 300.0;

/// How congested a segment is, as the congestion event says; ordered from
/// free-flowing to severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The congestion is over.
    Cleared,
    /// Heavy congestion.
    Heavy,
    /// Severe congestion.
    Severe,
}

impl Level {
    /// The name used in events: `cleared`, `heavy` or `severe`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Cleared => "cleared",
            Level::Heavy => "heavy",
            Level::Severe => "severe",
        }
    }
}

/// The data of a `city.traffic.congestion` event. Its other attributes
/// (`intensity`, `samples`, ...) are accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Congestion<'a> {
    /// The road segment, e.g. `QL1A-km2`.
    #[serde(borrow)]
    pub ref_road_segment: Cow<'a, str>,
    /// Where the segment's sensor is.
    #[serde(borrow)]
    pub location: Point<'a>,
    /// The segment's smoothed average speed, km/h.
    pub average_vehicle_speed: f64,
    /// How congested the segment now is.
    pub level: Level,
    /// `false` exactly when `level` is `cleared`; optional.
    #[serde(default)]
    pub congested: Option<bool>,
    /// When the traffic was observed, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl Congestion<'_> {
    /// Checks the values serde cannot, and returns when the traffic was
    /// observed. Errors are invalid-input errors naming `event` and the field.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        let input = Input::of(event);
        input.id("refRoadSegment", &self.ref_road_segment, MAX_SEGMENT_ID)?;
        input.location("location", &self.location)?;
        input.number(
            "averageVehicleSpeed",
            self.average_vehicle_speed,
            0.0..=MAX_SPEED_KMH,
            "km/h",
        )?;
        let congested = self.level != Level::Cleared;
        if self.congested.is_some_and(|c| c != congested) {
            return Err(input.invalid(
                "congested",
                format_args!(
                    "must be {congested} when `data.level` is {:?}",
                    self.level.as_str()
                ),
            ));
        }
        input.time("observedAt", &self.observed_at)
    }
}
