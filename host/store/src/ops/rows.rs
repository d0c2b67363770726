//! The rows of the ops read model: what the projection hands over and what
//! the API reads back. JSON columns are text (the API parses them); times are
//! [`Timestamp`]s, kept as the events wrote them.

use cityhub_cloudevents::Timestamp;

use crate::Seq;

/// A `city.ioc.kpi` as the projection hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiUpdate {
    /// The KPI's `id`, e.g. `kpi/health/bed-occupancy/bvdk-tinh`.
    pub id: String,
    /// Its `category`.
    pub sector: String,
    /// The whole KPI, JSON text.
    pub data: String,
    /// `kpiValue`.
    pub value: f64,
    /// `currentStanding`, if it has one.
    pub standing: Option<String>,
    /// `dateModified`, else the event's time.
    pub updated_at: Timestamp,
    /// Its log event.
    pub seq: Seq,
}

/// A KPI as the read model holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiRow {
    /// The KPI's `id`.
    pub id: String,
    /// Its `category`.
    pub sector: String,
    /// The latest KPI, JSON text.
    pub data: String,
    /// The latest `kpiValue`.
    pub value: f64,
    /// The latest `currentStanding`.
    pub standing: Option<String>,
    /// The value before the latest, `None` on first sight.
    pub previous: Option<f64>,
    /// `new` (first sight), `up`, `down` or `steady` (same value, e.g. only
    /// the standing changed).
    pub trend: String,
    /// When the latest value was modified.
    pub updated_at: Timestamp,
    /// The log event that last changed it.
    pub seq: Seq,
}

/// One point of a KPI's history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KpiPoint {
    /// Unix millis of the value's `dateModified`.
    pub at_ms: i64,
    /// The value.
    pub value: f64,
}

/// A `city.ioc.alert` as the projection hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertUpdate {
    /// `alertId`.
    pub alert_id: String,
    /// `sector`.
    pub sector: String,
    /// `severity`: `critical`, `high`, `medium`, `low` or `informational`.
    pub severity: String,
    /// The plugin's `status`: `open` or `resolved`.
    pub status: String,
    /// The whole alert, JSON text.
    pub data: String,
    /// The event's time.
    pub at: Timestamp,
    /// Its log event.
    pub seq: Seq,
}

/// Who marked an alert, when, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The operator, or `system` for a resolution by the plugin.
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// The operator's note.
    pub note: Option<String>,
}

/// An alert's assignment to an agency.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The agency that must act.
    pub agency: String,
    /// By when.
    pub deadline: Timestamp,
    /// Who assigned it, when, and why.
    pub mark: Mark,
}

/// An alert as the read model holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRow {
    /// `alertId`.
    pub alert_id: String,
    /// `sector`.
    pub sector: String,
    /// The latest `severity`.
    pub severity: String,
    /// The plugin's latest `status`: `open` or `resolved`.
    pub status: String,
    /// The operators' state: `open`, `acknowledged`, `assigned` or
    /// `resolved`.
    pub state: String,
    /// The latest alert, JSON text.
    pub data: String,
    /// When this episode opened (a plugin `open` after a resolution opens a
    /// new one).
    pub opened_at: Timestamp,
    /// The latest alert event's time.
    pub updated_at: Timestamp,
    /// Set by an `ack` in this episode.
    pub acknowledged: Option<Mark>,
    /// Set by an `assign` in this episode.
    pub assigned: Option<Assignment>,
    /// Set by a `resolve`, or by the plugin resolving it (`by` = `system`).
    pub resolved: Option<Mark>,
    /// The log event that last changed it.
    pub seq: Seq,
}

/// A `cityhub.ops.alert-action`: handed over by the projection, kept as a
/// history row.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertAction {
    /// Its log event.
    pub seq: Seq,
    /// The alert acted on.
    pub alert_id: String,
    /// `ack`, `assign` or `resolve`.
    pub action: String,
    /// The operator.
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// `assign`: the agency.
    pub agency: Option<String>,
    /// `assign`: the deadline.
    pub deadline: Option<Timestamp>,
    /// The operator's note.
    pub note: Option<String>,
}

/// A place on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// `gate`, `segment`, `incident`, `site` or `hospital`.
    pub layer: String,
    /// Its id within the layer.
    pub id: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// JSON text: a `{"vi", "en"}` object or a string.
    pub name: String,
    /// JSON text: an object of the layer's fields.
    pub props: String,
    /// The observation's time.
    pub updated_at: Timestamp,
    /// The log event that last changed it.
    pub seq: Seq,
}

/// What an event does to a place.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceChange {
    /// Stores it, replacing what was there.
    Upsert(Place),
    /// Stores it only if the (layer, id) is not stored yet (a traffic
    /// reading for a segment no congestion event has described).
    InsertIfAbsent(Place),
    /// Removes it (an incident cleared).
    Delete {
        /// The layer.
        layer: String,
        /// The id.
        id: String,
    },
}
