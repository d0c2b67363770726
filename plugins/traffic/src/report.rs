//! The input `city.traffic.incident-report`: an incident on a road reported
//! by the traffic police, road maintenance or a camera operator, sent again
//! when it changes or is cleared; read in place and checked field by field.

use std::borrow::Cow;

use cityhub_sdk::city::Input;
use cityhub_sdk::{Error, Event, Timestamp, geo::Point};
use serde::{Deserialize, Serialize};

use crate::gate::MAX_ROAD;
use crate::incident::KEY_PREFIX;

/// The longest incident id: `incident/<id>` must fit a 256-byte state key.
pub const MAX_INCIDENT_ID: usize = 256 - KEY_PREFIX.len();

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A collision (tai nạn giao thông).
    Accident,
    /// A broken-down vehicle blocking a lane.
    Breakdown,
    /// Road works.
    Roadworks,
    /// A landslide (sạt lở), common on the mountain roads in the rainy season.
    Landslide,
    /// Flooding (ngập lụt).
    Flooding,
}

impl Category {
    /// The name used in events.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Accident => "accident",
            Category::Breakdown => "breakdown",
            Category::Roadworks => "roadworks",
            Category::Landslide => "landslide",
            Category::Flooding => "flooding",
        }
    }
}

/// Whether an incident still blocks the road.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IncidentStatus {
    /// It does.
    Active,
    /// The road is clear again.
    Cleared,
}

/// The data of a `city.traffic.incident-report` event. Other attributes
/// are accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncidentReport<'a> {
    /// The reporter's id for the incident; its reports share it.
    #[serde(borrow)]
    pub incident_id: Cow<'a, str>,
    /// What happened.
    pub category: Category,
    /// The road: `QL1A`, `QL4A`, `ĐT226`.
    #[serde(borrow)]
    pub road: Cow<'a, str>,
    /// The traffic plugin's road segment, if the reporter knows it.
    #[serde(default, borrow)]
    pub ref_road_segment: Option<Cow<'a, str>>,
    /// Where.
    #[serde(borrow)]
    pub location: Point<'a>,
    /// What the reporter wrote, passed through byte for byte.
    #[serde(borrow)]
    pub description: Cow<'a, str>,
    /// Active or cleared.
    pub status: IncidentStatus,
    /// When the report was made, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl IncidentReport<'_> {
    /// Checks the values serde cannot, and returns when the report was made.
    /// Errors are invalid-input errors naming `event` and the field.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        let input = Input::of(event);
        input.id("incidentId", &self.incident_id, MAX_INCIDENT_ID)?;
        if self.road.is_empty() || self.road.len() > MAX_ROAD {
            return Err(input.invalid(
                "road",
                format_args!(
                    "must be 1 to {MAX_ROAD} bytes, such as \"QL1A\", got {}",
                    self.road.len()
                ),
            ));
        }
        if self.ref_road_segment.as_deref().is_some_and(str::is_empty) {
            return Err(input.invalid(
                "refRoadSegment",
                "must not be empty: leave it out when the segment is not known",
            ));
        }
        input.location("location", &self.location)?;
        input.time("observedAt", &self.observed_at)
    }
}
