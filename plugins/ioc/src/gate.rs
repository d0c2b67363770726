//! The two views of a border gate the combined alert joins: the traffic
//! plugin's `city.traffic.border-queue` (trucks queueing and how fast the
//! queue grows) and the ecommerce plugin's `city.ecommerce.gate-volume`
//! (tonnes waiting, perishable among them), read in place and checked field
//! by field.

use std::borrow::Cow;

use cityhub_sdk::city::Text;
use cityhub_sdk::geo::Point;
use cityhub_sdk::{Error, Event, Timestamp};
use serde::Deserialize;

use crate::check;

/// The longest gate id: `gate/<id>` must fit a 256-byte state key.
pub const MAX_GATE_ID: usize = 256 - crate::border::GATE_PREFIX.len();
/// The longest road id: `reports/<road>` must fit a 256-byte state key.
pub const MAX_ROAD: usize = 256 - crate::report::REPORTS_PREFIX.len();

/// Whether a gate's queue grows, as the traffic plugin judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// More trucks arrive than cross.
    Growing,
    /// About as many arrive as cross.
    Steady,
    /// More cross than arrive.
    Shrinking,
}

/// The data of a `city.traffic.border-queue` event.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BorderQueue<'a> {
    /// The gate's id, e.g. `huu-nghi`.
    #[serde(borrow)]
    pub gate: Cow<'a, str>,
    /// Its name (`Cửa khẩu Hữu Nghị` / `Hữu Nghị border gate`).
    pub gate_name: Text,
    /// The road the queue stands on, e.g. `QL1A`.
    #[serde(borrow)]
    pub road: Cow<'a, str>,
    /// Where the gate is.
    #[serde(borrow)]
    pub location: Point<'a>,
    /// Trucks waiting.
    pub queue_length: f64,
    /// How many more trucks wait per hour (negative: the queue shrinks).
    pub growth_per_hour: f64,
    /// Trucks crossing per hour.
    pub clearance_per_hour: f64,
    /// The traffic plugin's reading of the growth.
    pub trend: Trend,
    /// When the queue was counted, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl BorderQueue<'_> {
    /// Checks what serde cannot; returns when the queue was counted.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        check::id(event, "gate", &self.gate, MAX_GATE_ID)?;
        check::id(event, "road", &self.road, MAX_ROAD)?;
        for (lang, text) in [("vi", &self.gate_name.vi), ("en", &self.gate_name.en)] {
            if text.is_empty() {
                return Err(check::bad(event, &format!("gateName.{lang}"), "is empty"));
            }
        }
        self.location
            .check()
            .map_err(|(member, why)| check::bad(event, &format!("location.{member}"), why))?;
        check::non_negative(event, "queueLength", self.queue_length)?;
        if !self.growth_per_hour.is_finite() {
            return Err(check::bad(
                event,
                "growthPerHour",
                format!(
                    "must be a number of trucks per hour, got {}",
                    self.growth_per_hour
                ),
            ));
        }
        check::non_negative(event, "clearancePerHour", self.clearance_per_hour)?;
        check::time(event, "observedAt", &self.observed_at)
    }
}

/// The data of a `city.ecommerce.gate-volume` event. Its other fields
/// (`waitingDeclarations`, `clearedTonnesToday`, `declaredTonnesToday`) are
/// accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GateVolume<'a> {
    /// The gate's id, e.g. `huu-nghi`.
    #[serde(borrow)]
    pub gate: Cow<'a, str>,
    /// Tonnes declared and waiting to cross.
    pub waiting_tonnes: f64,
    /// The perishable part of them.
    pub perishable_waiting_tonnes: f64,
    /// When the figures were taken, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl GateVolume<'_> {
    /// Checks what serde cannot; returns when the figures were taken.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        check::id(event, "gate", &self.gate, MAX_GATE_ID)?;
        check::non_negative(event, "waitingTonnes", self.waiting_tonnes)?;
        check::non_negative(
            event,
            "perishableWaitingTonnes",
            self.perishable_waiting_tonnes,
        )?;
        check::time(event, "observedAt", &self.observed_at)
    }
}
