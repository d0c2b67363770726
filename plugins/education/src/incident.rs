//! School incidents: the `city.education.incident` input, its severity
//! scale mapped onto the alert's, and the incidents the plugin remembers
//! (state key [`KEY`]) so that each is opened and resolved once.

use std::borrow::Cow;
use std::collections::BTreeMap;

use cityhub_sdk::city::{Severity, Text};
use cityhub_sdk::{Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::input::MAX_NAME;
use cityhub_sdk::city::Input;

/// The state key of the incidents remembered.
pub const KEY: &str = "incidents";

/// What kind of incident it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Ngộ độc thực phẩm (school meals).
    FoodPoisoning,
    /// Tai nạn thương tích.
    Injury,
    /// Bạo lực học đường.
    Violence,
    /// Cháy nổ.
    Fire,
    /// Thiên tai (flood, landslide, storm).
    NaturalDisaster,
    /// Sự cố cơ sở vật chất (a collapsed wall, a broken roof).
    Infrastructure,
    /// Anything else.
    Other,
}

impl Category {
    /// Its name on screen.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Category::FoodPoisoning => ("Ngộ độc thực phẩm", "Food poisoning"),
            Category::Injury => ("Tai nạn thương tích", "Injury"),
            Category::Violence => ("Bạo lực học đường", "School violence"),
            Category::Fire => ("Cháy nổ", "Fire"),
            Category::NaturalDisaster => ("Thiên tai", "Natural disaster"),
            Category::Infrastructure => ("Sự cố cơ sở vật chất", "Facilities failure"),
            Category::Other => ("Sự cố", "Incident"),
        };
        Text::new(vi, en)
    }
}

/// How serious the school reports it, mapped onto the alert's severity:
/// `minor` → `low`, `moderate` → `medium`, `serious` → `high`,
/// `critical` → `critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IncidentSeverity {
    /// Nhẹ.
    Minor,
    /// Trung bình.
    Moderate,
    /// Nghiêm trọng.
    Serious,
    /// Đặc biệt nghiêm trọng.
    Critical,
}

impl IncidentSeverity {
    /// The alert severity it maps to.
    pub fn severity(self) -> Severity {
        match self {
            IncidentSeverity::Minor => Severity::Low,
            IncidentSeverity::Moderate => Severity::Medium,
            IncidentSeverity::Serious => Severity::High,
            IncidentSeverity::Critical => Severity::Critical,
        }
    }
}

/// Whether the incident is still being dealt with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It is (the default when `status` is absent).
    #[default]
    Open,
    /// It is over.
    Resolved,
}

/// An incident at a school, sent again when it changes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Incident<'a> {
    /// The incident's id.
    #[serde(borrow)]
    pub incident_id: Cow<'a, str>,
    /// The school's id.
    #[serde(borrow)]
    pub school: Cow<'a, str>,
    /// Its name, passed through byte for byte.
    #[serde(borrow)]
    pub school_name: Cow<'a, str>,
    /// What happened.
    pub category: Category,
    /// How serious it is.
    pub severity: IncidentSeverity,
    /// The school's own words, passed through byte for byte.
    #[serde(borrow)]
    pub description: Cow<'a, str>,
    /// `open` (default) or `resolved`.
    #[serde(default)]
    pub status: Status,
    /// When it was observed, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl Incident<'_> {
    /// Checks the values serde cannot, and returns when it was observed.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        Input::of(event).name("incidentId", &self.incident_id, MAX_NAME)?;
        Input::of(event).name("school", &self.school, MAX_NAME)?;
        if self.school_name.trim().is_empty() {
            return Err(Input::of(event).invalid("schoolName", "must not be blank"));
        }
        Input::of(event).time("observedAt", &self.observed_at)
    }
}

/// What the plugin remembers of one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Known {
    /// When its newest event was observed, Unix seconds.
    pub observed_at: i64,
    /// The severity last announced.
    pub severity: Severity,
    /// Open or resolved.
    pub status: Status,
}

/// The incidents remembered, by id: open ones until resolved, resolved ones
/// for `incident_retention`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Incidents(pub BTreeMap<String, Known>);

impl Incidents {
    /// Forgets resolved incidents observed `retention` seconds or more
    /// before `now`; returns whether any was forgotten.
    pub fn prune(&mut self, now: i64, retention: i64) -> bool {
        let before = self.0.len();
        self.0.retain(|_, k| {
            k.status == Status::Open || k.observed_at > now.saturating_sub(retention)
        });
        self.0.len() != before
    }
}

/// What an incident event announces, given what is known of it.
pub fn change(known: Option<&Known>, status: Status, severity: Severity) -> Option<Status> {
    match (known, status) {
        // First heard of already resolved: nothing to act on.
        (None, Status::Resolved) => None,
        (None, Status::Open) => Some(Status::Open),
        (Some(k), Status::Open) if k.status == Status::Resolved || k.severity != severity => {
            Some(Status::Open)
        }
        (Some(k), Status::Resolved) if k.status == Status::Open => Some(Status::Resolved),
        _ => None,
    }
}
