//! The input: a `city.traffic.reading` event whose data is shaped after
//! FIWARE's TrafficFlowObserved, read in place and checked field by field.

use std::borrow::Cow;

use cityhub_sdk::{Error, Event, Timestamp, geo::Point};
use serde::Deserialize;

/// The longest segment id: `segment/<id>` must fit a 256-byte state key.
pub const MAX_SEGMENT_ID: usize = 256 - crate::segment::KEY_PREFIX.len();

/// The highest plausible average speed, km/h; more is a sensor fault.
const MAX_SPEED_KMH: f64 = 300.0;

/// A TrafficFlowObserved reading. Other TrafficFlowObserved attributes
/// (`occupancy`, `congested`, ...) are accepted and ignored. Readings of
/// every lane (`laneId`) feed the segment's averages.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reading<'a> {
    /// The road segment, e.g. `QL1A-km2`.
    #[serde(borrow)]
    pub ref_road_segment: Cow<'a, str>,
    /// Where the sensor is.
    #[serde(borrow)]
    pub location: Point<'a>,
    /// Vehicles counted in the observation window.
    pub intensity: f64,
    /// Their average speed, km/h.
    pub average_vehicle_speed: f64,
    /// Start of the window, RFC 3339.
    #[serde(borrow)]
    pub date_observed_from: Cow<'a, str>,
    /// End of the window, RFC 3339.
    #[serde(borrow)]
    pub date_observed_to: Cow<'a, str>,
    /// The lane, when the sensor counts lanes apart.
    #[serde(default)]
    pub lane_id: Option<u32>,
}

impl Reading<'_> {
    /// Checks the values serde cannot, and returns when the window ended.
    /// Errors are invalid-input errors naming `event` and the field.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        let bad =
            |field: &str, why: String| Error::invalid_input(event, format!("`data.{field}` {why}"));
        let segment = &self.ref_road_segment;
        if segment.is_empty() || segment.len() > MAX_SEGMENT_ID {
            return Err(bad(
                "refRoadSegment",
                format!("must be 1 to {MAX_SEGMENT_ID} bytes, got {}", segment.len()),
            ));
        }
        self.location
            .check()
            .map_err(|(member, why)| bad(&format!("location.{member}"), why))?;
        if !(self.intensity.is_finite() && self.intensity >= 0.0) {
            return Err(bad(
                "intensity",
                format!(
                    "must be a vehicle count of 0 or more, got {}",
                    self.intensity
                ),
            ));
        }
        let speed = self.average_vehicle_speed;
        if !(0.0..=MAX_SPEED_KMH).contains(&speed) {
            return Err(bad(
                "averageVehicleSpeed",
                format!("must be 0 to {MAX_SPEED_KMH} km/h, got {speed}"),
            ));
        }
        let time = |field: &str, text: &str| {
            Timestamp::parse_rfc3339(text)
                .ok_or_else(|| bad(field, format!("must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got {text:?}")))
        };
        let from = time("dateObservedFrom", &self.date_observed_from)?;
        let to = time("dateObservedTo", &self.date_observed_to)?;
        if to < from {
            return Err(bad(
                "dateObservedTo",
                format!("({to}) is before `dateObservedFrom` ({from})"),
            ));
        }
        Ok(to)
    }
}
