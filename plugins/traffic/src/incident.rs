//! Incidents: what the plugin remembers per incident and per road, and
//! what a `city.traffic.incident-report` does to it.
//!
//! State: `incident/<id>` ([`Record`]: status, road, when last reported,
//! whether it raised an alert); `road/<road>`, the number of active
//! incidents on the road (absent at zero); `incidents/cleared`, the
//! cleared incidents with the time they cleared, oldest first. A cleared
//! incident's record is kept for `incident_retention` of event time after
//! it cleared, so that a late report of it is recognised, then dropped with
//! its index entry (at most [`MAX_CLEARED`] are kept in any case).

use std::collections::BTreeMap;

use cityhub_sdk::city::{
    self, AlertStatus, Clock, Indicator, Location, Severity, Text, Unit, local_rfc3339,
};
use cityhub_sdk::{Context, Error, Event, Output, Timestamp, geo::Point};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::report::{Category, IncidentReport, IncidentStatus};
use crate::{ALERT, INCIDENT, INDICATOR};

/// State keys of incidents: this prefix and the incident id.
pub const KEY_PREFIX: &str = "incident/";
/// State keys of roads' active-incident counts: this prefix and the road.
pub const ROAD_PREFIX: &str = "road/";
/// The state key of the cleared incidents' index.
pub const CLEARED_KEY: &str = "incidents/cleared";
/// The most cleared incidents remembered, whatever `incident_retention`
/// says; the oldest go first.
pub const MAX_CLEARED: usize = 2000;

/// The value under `incident/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Record {
    /// The incident's status as last reported.
    pub status: IncidentStatus,
    /// The road whose active count it is in (while active).
    pub road: String,
    /// When it was last reported, RFC 3339 as the report said.
    pub observed_at: String,
    /// Whether its opening raised an alert that its clearing resolves.
    pub alerted: bool,
}

/// The data of a `city.traffic.incident` event.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Incident<'a> {
    incident_id: &'a str,
    category: Category,
    road: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ref_road_segment: Option<&'a str>,
    location: &'a Point<'a>,
    description: &'a str,
    status: IncidentStatus,
    observed_at: &'a str,
}

/// Handles one incident report.
pub fn handle(config: &Config, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
    let report: IncidentReport<'_> = event.data_json()?;
    let at = report.check(event)?;
    let now = Clock::advance(ctx, at)?;
    let id = &*report.incident_id;
    let key = format!("{KEY_PREFIX}{id}");
    let record = load(ctx, &key, event);
    if let Some((_, last)) = &record
        && at <= *last
    {
        ctx.log().debug(
            "incident report skipped: not newer than the incident's last",
            &[("event", event.id()), ("incident", id)],
        );
        return Ok(());
    }
    let observed_at = report.observed_at.clone().into_owned();
    let local = local_rfc3339(at);

    match (record.map(|(r, _)| r), report.status) {
        (previous, IncidentStatus::Active)
            if previous
                .as_ref()
                .is_none_or(|r| r.status == IncidentStatus::Cleared) =>
        {
            let alerted = alerting(config, report.category, &report.road);
            let count = add_to_road(ctx, &report.road, 1)?;
            let record = Record {
                status: IncidentStatus::Active,
                road: report.road.clone().into_owned(),
                observed_at,
                alerted,
            };
            ctx.state().set_json(&key, &record)?;
            if previous.is_some() {
                forget_cleared(ctx, id)?;
            }
            emit_incident(ctx, &report, &local)?;
            emit_indicator(ctx, &report.road, count, &local)?;
            if alerted {
                emit_alert(ctx, &report, AlertStatus::Open, count, &local)?;
            }
        }
        (Some(opened), IncidentStatus::Cleared) if opened.status == IncidentStatus::Active => {
            // The count is the road's the incident opened on.
            let count = add_to_road(ctx, &opened.road, -1)?;
            let record = Record {
                status: IncidentStatus::Cleared,
                observed_at,
                alerted: false,
                ..opened.clone()
            };
            ctx.state().set_json(&key, &record)?;
            remember_cleared(ctx, id, at)?;
            emit_incident(ctx, &report, &local)?;
            emit_indicator(ctx, &opened.road, count, &local)?;
            if opened.alerted {
                emit_alert(ctx, &report, AlertStatus::Resolved, count, &local)?;
            }
        }
        (Some(previous), status) => {
            // Active and still active (an update), or cleared again: keep
            // the newer time, tell no one.
            let record = Record {
                status,
                observed_at,
                ..previous
            };
            ctx.state().set_json(&key, &record)?;
        }
        (None, status) => {
            // Cleared before it was ever reported active: remember it so a
            // late report of its opening is recognised.
            ctx.log().info(
                "incident cleared before it was reported active: remembered, not announced",
                &[("event", event.id()), ("incident", id)],
            );
            let record = Record {
                status,
                road: report.road.clone().into_owned(),
                observed_at,
                alerted: false,
            };
            ctx.state().set_json(&key, &record)?;
            remember_cleared(ctx, id, at)?;
        }
    }
    prune(ctx, config, now)
}

/// Whether an incident of `category` on `road` raises an alert: its
/// category is configured, and the road is national (`QL…`) or an
/// expressway (`CT…`).
pub fn alerting(config: &Config, category: Category, road: &str) -> bool {
    config.incident_alert_categories.contains(&category)
        && (road.starts_with("QL") || road.starts_with("CT"))
}

/// The incident's record and its time; an unreadable record is logged and
/// counts as none.
fn load(ctx: &mut Context<'_>, key: &str, event: &Event<'_>) -> Option<(Record, Timestamp)> {
    let error = match ctx.state().get_json::<Record>(key) {
        Ok(None) => return None,
        Ok(Some(record)) => match Timestamp::parse_rfc3339(&record.observed_at) {
            Some(at) => return Some((record, at)),
            None => format!(
                "`observedAt` is not an RFC 3339 date-time: {:?}",
                record.observed_at
            ),
        },
        Err(err) => err.message().to_owned(),
    };
    ctx.log().error(
        "incident state unreadable, starting afresh",
        &[("key", key), ("event", event.id()), ("error", &error)],
    );
    None
}

/// Adds `delta` to `road`'s active incidents; returns the new count.
fn add_to_road(ctx: &mut Context<'_>, road: &str, delta: i64) -> Result<u32, Error> {
    let key = format!("{ROAD_PREFIX}{road}");
    let mut state = ctx.state();
    let old: u32 = state.get_json(&key).ok().flatten().unwrap_or(0);
    let new = u32::try_from((i64::from(old) + delta).max(0)).unwrap_or(u32::MAX);
    if new == 0 {
        state.delete(&key)?;
    } else {
        state.set_json(&key, &new)?;
    }
    Ok(new)
}

/// The cleared incidents' index: `[id, cleared at (Unix seconds)]`, oldest
/// first. Unreadable: empty (its records then stay until reopened).
fn cleared(ctx: &mut Context<'_>) -> Vec<(String, i64)> {
    ctx.state()
        .get_json(CLEARED_KEY)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn save_cleared(ctx: &mut Context<'_>, list: &[(String, i64)]) -> Result<(), Error> {
    if list.is_empty() {
        ctx.state().delete(CLEARED_KEY)
    } else {
        ctx.state().set_json(CLEARED_KEY, list)
    }
}

fn remember_cleared(ctx: &mut Context<'_>, id: &str, at: Timestamp) -> Result<(), Error> {
    let mut list = cleared(ctx);
    list.retain(|(i, _)| i != id);
    list.push((id.to_owned(), at.seconds()));
    list.sort_by_key(|&(_, t)| t);
    save_cleared(ctx, &list)
}

fn forget_cleared(ctx: &mut Context<'_>, id: &str) -> Result<(), Error> {
    let mut list = cleared(ctx);
    let before = list.len();
    list.retain(|(i, _)| i != id);
    if list.len() != before {
        save_cleared(ctx, &list)?;
    }
    Ok(())
}

/// Drops the cleared incidents older than `incident_retention` before
/// `now`, and the oldest beyond [`MAX_CLEARED`].
fn prune(ctx: &mut Context<'_>, config: &Config, now: Timestamp) -> Result<(), Error> {
    let retention =
        i64::try_from(config.incident_retention.as_duration().as_secs()).unwrap_or(i64::MAX);
    let horizon = now.seconds().saturating_sub(retention);
    let mut list = cleared(ctx);
    let expired = list
        .iter()
        .take_while(|&&(_, t)| t < horizon)
        .count()
        .max(list.len().saturating_sub(MAX_CLEARED));
    if expired == 0 {
        return Ok(());
    }
    for (id, _) in list.drain(..expired) {
        ctx.state().delete(&format!("{KEY_PREFIX}{id}"))?;
    }
    save_cleared(ctx, &list)
}

fn emit_incident(
    ctx: &mut Context<'_>,
    report: &IncidentReport<'_>,
    local: &str,
) -> Result<(), Error> {
    let data = Incident {
        incident_id: &report.incident_id,
        category: report.category,
        road: &report.road,
        ref_road_segment: report.ref_road_segment.as_deref(),
        location: &report.location,
        description: &report.description,
        status: report.status,
        observed_at: local,
    };
    ctx.emit(
        Output::new(INCIDENT)
            .subject(&report.incident_id)
            .time(local)
            .json(&data),
    )
}

/// The `active-incidents` indicator of `road`.
fn emit_indicator(ctx: &mut Context<'_>, road: &str, count: u32, local: &str) -> Result<(), Error> {
    let data = Indicator {
        indicator: "active-incidents".to_owned(),
        scope: road.to_owned(),
        scope_name: road_name(road),
        name: Text::new("Sự cố giao thông đang diễn ra", "Active traffic incidents"),
        value: f64::from(count),
        unit: Unit::Count,
        observed_at: local.to_owned(),
    };
    ctx.emit(Output::new(INDICATOR).subject(road).time(local).json(&data))
}

/// `Quốc lộ 1A` for `QL1A`; other roads have no name here.
pub fn road_name(road: &str) -> Option<String> {
    road.strip_prefix("QL")
        .filter(|n| !n.is_empty())
        .map(|n| format!("Quốc lộ {n}"))
}

fn emit_alert(
    ctx: &mut Context<'_>,
    report: &IncidentReport<'_>,
    status: AlertStatus,
    count: u32,
    local: &str,
) -> Result<(), Error> {
    let road = &*report.road;
    let (vi, en, vi_done, en_done) = match report.category {
        Category::Accident => (
            "Tai nạn giao thông",
            "Traffic accident",
            "tai nạn giao thông",
            "traffic accident",
        ),
        Category::Landslide => ("Sạt lở đất", "Landslide", "sạt lở đất", "landslide"),
        Category::Breakdown => (
            "Xe hỏng chắn đường",
            "Broken-down vehicle",
            "xe hỏng chắn đường",
            "broken-down vehicle",
        ),
        Category::Roadworks => (
            "Thi công đường",
            "Road works",
            "thi công đường",
            "road works",
        ),
        Category::Flooding => ("Ngập lụt", "Flooding", "ngập lụt", "flooding"),
    };
    let title = match status {
        AlertStatus::Open => Text::new(format!("{vi} trên {road}"), format!("{en} on {road}")),
        AlertStatus::Resolved => Text::new(
            format!("Đã giải tỏa {vi_done} trên {road}"),
            format!("Cleared: {en_done} on {road}"),
        ),
    };
    let alert_id = format!("traffic/incident/{}", report.incident_id);
    let figures = BTreeMap::from([
        ("activeIncidents".to_owned(), count.into()),
        ("category".to_owned(), report.category.as_str().into()),
        ("incidentId".to_owned(), (*report.incident_id).into()),
        ("road".to_owned(), road.into()),
    ]);
    let data = city::Alert {
        alert_id,
        status,
        category: "traffic".to_owned(),
        sub_category: "incident".to_owned(),
        severity: Severity::High,
        title,
        description: None,
        location: Some(Location::from(&report.location)),
        figures,
        observed_at: local.to_owned(),
    };
    ctx.emit(
        Output::new(ALERT)
            .subject(&data.alert_id)
            .time(local)
            .json(&data),
    )
}
