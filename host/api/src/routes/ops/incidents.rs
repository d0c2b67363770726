//! `GET /v1/ops/incidents`: citizens' field reports with their SLA state,
//! and open and overdue reports per agency.
//!
//! Reads the Open311 read model (`service_requests`, kept by the host from
//! `city.fieldreport.*`), so it shows what `GET /open311/v2/requests.json`
//! shows, judged against the read model's event-time now: a simulated day
//! and a real one count down alike.

use std::collections::BTreeMap;

use axum::{Json, extract::State};
use cityhub_cloudevents::Timestamp;
use cityhub_store::{ServiceRequestQuery, ServiceRequestRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{Envelope, Params, bad_param, envelope};
use crate::{ApiError, AppState, limits::limit_or};

/// Open reports read to count them per agency (the store's own cap).
const OPEN_SCAN: u32 = 10_000;

/// `GET /v1/ops/incidents` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncidentsQuery {
    /// `open` (default), `closed` or `all`.
    status: Option<String>,
    /// Only reports handled by this agency (its name, as `agency_responsible`).
    agency: Option<String>,
    /// At most this many reports (default 200; at most `[server]
    /// max-query-limit`, default 1,000, a larger `limit` is refused).
    limit: Option<u32>,
    /// Answer once the read model has passed this log position (waits at most 2 s).
    seen: Option<i64>,
}

/// A report's service-level state.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sla {
    /// `on-time`, `due-soon` (less than a fifth of the time allowed left),
    /// `overdue`, `closed`, or `none` (no deadline).
    state: &'static str,
    /// Seconds until the deadline from the read model's now; negative once
    /// past; null when closed or without a deadline.
    #[serde(rename = "remainingSeconds")]
    remaining_seconds: Option<i64>,
}

/// One field report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Incident {
    id: String,
    service_code: String,
    service_name: Value,
    description: Value,
    address: Value,
    road: Value,
    lat: Value,
    long: Value,
    /// The agency handling it (`agency_responsible`), null before routing.
    agency: Option<String>,
    /// `open` or `closed`.
    status: String,
    #[serde(rename = "requestedAt")]
    requested_at: String,
    #[serde(rename = "updatedAt")]
    updated_at: Value,
    #[serde(rename = "expectedAt")]
    expected_at: Value,
    sla: Sla,
}

/// Open and overdue reports of one agency.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AgencyCount {
    /// The agency, null for reports not routed yet.
    agency: Option<String>,
    open: u64,
    overdue: u64,
}

/// The answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Incidents {
    #[serde(flatten)]
    envelope: Envelope,
    /// Per agency, over every open report (not only the listed ones), most overdue first.
    agencies: Vec<AgencyCount>,
    /// Overdue first, then the least time left; closed ones newest first.
    incidents: Vec<Incident>,
}

/// Field reports with their SLA state, and overdue per agency.
#[utoipa::path(
    get,
    path = "/v1/ops/incidents",
    tag = "ops",
    params(IncidentsQuery),
    responses(
        (status = 200, description = "Reports and counts per agency", body = Incidents),
        (status = 400, description = "A bad parameter (`invalid_query`)", body = crate::ErrorBody),
    )
)]
pub async fn incidents(
    State(state): State<AppState>,
    Params(q): Params<IncidentsQuery>,
) -> Result<Json<Incidents>, ApiError> {
    let statuses: Vec<String> = match q.status.as_deref().unwrap_or("open") {
        "open" => vec!["open".into()],
        "closed" => vec!["closed".into()],
        "all" => Vec::new(),
        other => {
            return Err(bad_param(
                "status",
                format!("`status` must be `open`, `closed` or `all`, got `{other}`"),
            ));
        }
    };
    let limit = limit_or(q.limit, 200, state.config.limits.max_query_limit)?;
    let envelope = envelope(&state, q.seen).await?;
    let now = envelope.now_seconds();
    let store = state.bus.store();
    let open = store
        .service_requests(&ServiceRequestQuery {
            statuses: vec!["open".into()],
            limit: OPEN_SCAN,
            ..ServiceRequestQuery::default()
        })
        .await
        .map_err(ApiError::internal)?;
    let agencies = per_agency(open.iter().map(|r| incident(r, now)));
    let rows = if statuses == ["open"] && q.agency.is_none() {
        open
    } else {
        store
            .service_requests(&ServiceRequestQuery {
                statuses,
                limit: OPEN_SCAN,
                ..ServiceRequestQuery::default()
            })
            .await
            .map_err(ApiError::internal)?
    };
    let mut incidents: Vec<Incident> = rows
        .iter()
        .map(|r| incident(r, now))
        .filter(|i| q.agency.is_none() || i.agency == q.agency)
        .collect();
    incidents.sort_by_key(rank);
    incidents.truncate(limit as usize);
    Ok(Json(Incidents {
        envelope,
        agencies,
        incidents,
    }))
}

/// Sorting key: overdue first, then least time left, then the rest.
fn rank(i: &Incident) -> (u8, i64) {
    let left = i.sla.remaining_seconds.unwrap_or(i64::MAX);
    match i.sla.state {
        "overdue" => (0, left),
        "due-soon" | "on-time" => (1, left),
        "none" => (2, 0),
        _ => (3, -seconds(&i.requested_at).unwrap_or(0)),
    }
}

fn per_agency(open: impl Iterator<Item = Incident>) -> Vec<AgencyCount> {
    let mut by: BTreeMap<Option<String>, AgencyCount> = BTreeMap::new();
    for i in open {
        let c = by.entry(i.agency.clone()).or_insert_with(|| AgencyCount {
            agency: i.agency.clone(),
            ..AgencyCount::default()
        });
        c.open += 1;
        c.overdue += u64::from(i.sla.state == "overdue");
    }
    let mut v: Vec<AgencyCount> = by.into_values().collect();
    v.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(b.open.cmp(&a.open)));
    v
}

fn incident(r: &ServiceRequestRow, now: Option<i64>) -> Incident {
    let view: Value = serde_json::from_str(&r.view).unwrap_or(Value::Null);
    let get = |k: &str| view.get(k).cloned().unwrap_or(Value::Null);
    let text = |k: &str| view.get(k).and_then(Value::as_str).map(str::to_owned);
    let sla = sla(
        &r.status,
        view.get("overdue")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        seconds(r.requested_at.as_str()),
        text("expected_datetime").as_deref().and_then(seconds),
        now,
    );
    Incident {
        id: r.id.clone(),
        service_code: r.service_code.clone(),
        service_name: get("service_name"),
        description: get("description"),
        address: get("address"),
        road: get("road"),
        lat: get("lat"),
        long: get("long"),
        agency: text("agency_responsible"),
        status: r.status.clone(),
        requested_at: r.requested_at.as_str().to_owned(),
        updated_at: get("updated_datetime"),
        expected_at: get("expected_datetime"),
        sla,
    }
}

/// The SLA state of a report in `status`, flagged `overdue` by its plugin,
/// requested at `requested` and due at `expected` (Unix seconds), at `now`.
fn sla(
    status: &str,
    overdue: bool,
    requested: Option<i64>,
    expected: Option<i64>,
    now: Option<i64>,
) -> Sla {
    if status == "closed" {
        return Sla {
            state: "closed",
            remaining_seconds: None,
        };
    }
    let Some(expected) = expected else {
        return Sla {
            state: if overdue { "overdue" } else { "none" },
            remaining_seconds: None,
        };
    };
    let left = now.map(|n| expected - n);
    let allowed = requested.map(|r| expected - r).filter(|a| *a > 0);
    let state = match (left, allowed) {
        _ if overdue => "overdue",
        (Some(l), _) if l <= 0 => "overdue",
        (Some(l), Some(a)) if l * 5 < a => "due-soon",
        _ => "on-time",
    };
    Sla {
        state,
        remaining_seconds: left,
    }
}

fn seconds(t: &str) -> Option<i64> {
    Timestamp::parse(t)
        .ok()
        .map(|t| t.datetime().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sla_states_follow_the_time_left() {
        let s = |status, overdue, now| sla(status, overdue, Some(0), Some(1000), now);
        assert_eq!(s("open", false, Some(100)).state, "on-time");
        assert_eq!(s("open", false, Some(100)).remaining_seconds, Some(900));
        assert_eq!(s("open", false, Some(850)).state, "due-soon");
        assert_eq!(s("open", false, Some(1000)).state, "overdue");
        assert_eq!(s("open", false, Some(1200)).remaining_seconds, Some(-200));
        // The plugin's flag wins: it judged on its own clock.
        assert_eq!(s("open", true, Some(100)).state, "overdue");
        assert_eq!(s("closed", true, Some(1200)).state, "closed");
        assert_eq!(sla("open", false, Some(0), None, Some(5)).state, "none");
        assert_eq!(s("open", false, None).state, "on-time");
    }
}
