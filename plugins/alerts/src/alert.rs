//! The output: the data of a `city.ioc.alert` event, with its title in
//! Vietnamese (the operations centre's language) and English.

use serde::{Deserialize, Serialize};

use cityhub_sdk::geo::Point;

use crate::congestion::Level;

/// Whether an alert begins or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The segment reached `min_level`: the IOC should act.
    Open,
    /// The segment cleared or eased below `min_level`.
    Resolved,
}

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// A segment approaching a border gate (`border_segments`).
    High,
    /// Any other segment.
    Normal,
}

/// The title shown on the operations centre's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Title {
    /// In Vietnamese, with full diacritics.
    pub vi: String,
    /// In English.
    pub en: String,
}

impl Title {
    /// The title of an alert about `segment`, whose congestion is now at `level`.
    pub fn new(status: Status, level: Level, segment: &str) -> Self {
        let (vi, en) = match (status, level) {
            (Status::Open, Level::Severe) => ("Ùn tắc nghiêm trọng tại", "Severe congestion at"),
            (Status::Open, _) => ("Ùn tắc giao thông tại", "Heavy congestion at"),
            (Status::Resolved, Level::Cleared) => ("Hết ùn tắc tại", "Congestion cleared at"),
            (Status::Resolved, _) => ("Ùn tắc đã giảm tại", "Congestion eased at"),
        };
        Title {
            vi: format!("{vi} {segment}"),
            en: format!("{en} {segment}"),
        }
    }
}

/// The data of a `city.ioc.alert` event.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert<'a> {
    /// Stable per segment: an alert's `open` and `resolved` share it.
    pub alert_id: &'a str,
    /// Whether the alert begins or ends.
    pub status: Status,
    /// Always `traffic`.
    pub category: &'static str,
    /// `high` for border segments.
    pub priority: Priority,
    /// The road segment.
    pub segment: &'a str,
    /// The segment's congestion level now.
    pub level: Level,
    /// Its smoothed average speed, km/h.
    pub average_vehicle_speed: f64,
    /// Where it is, as the congestion event says.
    pub location: &'a Point<'a>,
    /// What the screen shows.
    pub title: Title,
    /// When the traffic was observed.
    pub observed_at: &'a str,
}
