//! The output: the data of a `city.traffic.alert` event, the city's shared
//! alert shape ([`cityhub_sdk::city::Alert`], after FIWARE `Alert`) with
//! this plugin's own fields beside it, and its title in Vietnamese (the
//! operations centre's language) and English.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use cityhub_sdk::city::{self, AlertStatus, Location, Severity, Text};
use cityhub_sdk::geo::Point;

use crate::congestion::Level;

/// The alert's `category`: the sector.
pub const CATEGORY: &str = "traffic";
/// The alert's `subCategory`.
pub const SUB_CATEGORY: &str = "congestion";

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// A segment approaching a border gate (`border_segments`).
    High,
    /// Any other segment.
    Normal,
}

impl Priority {
    /// The shared alert `severity` of this priority: `high` for the border
    /// approaches (where a queue holds up the province's trade), `medium`
    /// for any other segment.
    pub fn severity(self) -> Severity {
        match self {
            Priority::High => Severity::High,
            Priority::Normal => Severity::Medium,
        }
    }
}

/// The title of an alert about `segment`, whose congestion is now at `level`.
pub fn title(status: AlertStatus, level: Level, segment: &str) -> Text {
    let (vi, en) = match (status, level) {
        (AlertStatus::Open, Level::Severe) => ("Ùn tắc nghiêm trọng tại", "Severe congestion at"),
        (AlertStatus::Open, _) => ("Ùn tắc giao thông tại", "Heavy congestion at"),
        (AlertStatus::Resolved, Level::Cleared) => ("Hết ùn tắc tại", "Congestion cleared at"),
        (AlertStatus::Resolved, _) => ("Ùn tắc đã giảm tại", "Congestion eased at"),
    };
    Text::new(format!("{vi} {segment}"), format!("{en} {segment}"))
}

/// The data of a `city.traffic.alert` event: the shared alert, flattened,
/// and the fields this plugin has always sent beside it.
#[derive(Debug, Serialize)]
pub struct Alert<'a> {
    /// `alertId`, `status`, `category`, … as every sector sends them.
    #[serde(flatten)]
    pub alert: city::Alert,
    /// `high` for border segments.
    pub priority: Priority,
    /// The road segment (also the `alertId`).
    pub segment: &'a str,
    /// The segment's congestion level now.
    pub level: Level,
}

impl<'a> Alert<'a> {
    /// The alert about `segment`, now at `level` with `speed` km/h.
    pub fn new(
        status: AlertStatus,
        priority: Priority,
        segment: &'a str,
        level: Level,
        speed: f64,
        location: &Point<'_>,
        observed_at: &str,
    ) -> Self {
        let figures = BTreeMap::from([
            ("averageVehicleSpeed".to_owned(), speed.into()),
            ("level".to_owned(), level.as_str().into()),
            ("segment".to_owned(), segment.into()),
        ]);
        Alert {
            alert: city::Alert {
                alert_id: segment.to_owned(),
                status,
                category: CATEGORY.to_owned(),
                sub_category: SUB_CATEGORY.to_owned(),
                severity: priority.severity(),
                title: title(status, level, segment),
                description: None,
                location: Some(Location::from(location)),
                figures,
                observed_at: observed_at.to_owned(),
            },
            priority,
            segment,
            level,
        }
    }
}
