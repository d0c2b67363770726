//! The alert feed and what operators do with it.
//!
//! - `GET /v1/ops/alerts`: alerts ranked by severity, filtered by sector,
//!   state and severity.
//! - `GET /v1/ops/alerts/{id}`: one alert with its history of actions.
//! - `POST /v1/ops/alerts/{id}/ack`, `…/assign` (an agency and a deadline),
//!   `…/resolve`: an operator's action, recorded with who and when.
//!
//! `{id}` is the `alertId`, URL-encoded (`border%2Fhuu-nghi`). An action is
//! checked against the alert's state here, then stored as a
//! `cityhub.ops.alert-action` event in the log (so it is durable, replayed
//! with the read model and seen live on `/v1/stream`); the answer comes once
//! the read model has applied it.

use std::time::Duration;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use cityhub_bus::ALERT_ACTION;
use cityhub_cloudevents::{CloudEvent, EventType, Timestamp};
use cityhub_store::{AlertAction, AlertQuery, AlertRow, Appended, Mark};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::{Envelope, Params, bad_param, envelope};
use crate::{ApiError, AppState, limits::limit_or};

/// Severities, worst first.
pub const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "informational"];
/// What operators do with an alert.
pub const ACTIONS: [&str; 3] = ["ack", "assign", "resolve"];
/// Operator states.
pub const STATES: [&str; 4] = ["open", "acknowledged", "assigned", "resolved"];
/// The source of action events.
const SOURCE: &str = "/cityhub/ops";
/// How long an action waits for the read model to apply it.
const APPLY_WAIT: Duration = Duration::from_secs(2);
/// The longest `by`, `agency` and `note`, in characters.
const MAX_NAME: usize = 200;
const MAX_NOTE: usize = 2_000;

/// `GET /v1/ops/alerts` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertsQuery {
    /// Only this sector (`traffic`, `health`, …; `ioc` for combined alerts).
    sector: Option<String>,
    /// Comma-separated operator states (`open`, `acknowledged`, `assigned`,
    /// `resolved`); default all but `resolved`.
    state: Option<String>,
    /// Comma-separated severities (`critical`, `high`, `medium`, `low`, `informational`).
    severity: Option<String>,
    /// At most this many (default 200; at most `[server] max-query-limit`,
    /// default 1,000, a larger `limit` is refused).
    limit: Option<u32>,
    /// Answer once the read model has passed this log position (waits at most 2 s).
    seen: Option<i64>,
}

/// Who did something, when, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    by: String,
    at: String,
    note: Option<String>,
}

/// An assignment: the agency directed to act, by when.
#[derive(Debug, Serialize, ToSchema)]
pub struct Assigned {
    agency: String,
    deadline: String,
    by: String,
    at: String,
    note: Option<String>,
}

/// One alert as the operations centre sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Alert {
    #[serde(rename = "alertId")]
    alert_id: String,
    sector: String,
    category: Value,
    #[serde(rename = "subCategory")]
    sub_category: Value,
    /// `critical`, `high`, `medium`, `low` or `informational`.
    severity: String,
    /// The plugin's: `open` or `resolved`.
    status: String,
    /// The operators': `open`, `acknowledged`, `assigned` or `resolved`.
    state: String,
    /// `{"vi", "en"}`.
    #[schema(value_type = Object)]
    title: Value,
    #[schema(value_type = Option<Object>)]
    description: Value,
    /// A GeoJSON Point, or null.
    #[schema(value_type = Option<Object>)]
    location: Value,
    #[schema(value_type = Option<Object>)]
    figures: Value,
    #[serde(rename = "observedAt")]
    observed_at: Value,
    #[serde(rename = "openedAt")]
    opened_at: String,
    #[serde(rename = "updatedAt")]
    updated_at: String,
    acknowledged: Option<Marked>,
    assigned: Option<Assigned>,
    /// `by` is `system` when the plugin resolved it.
    resolved: Option<Marked>,
    /// Only in `GET /v1/ops/alerts/{id}`: every action on it, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    actions: Option<Vec<Action>>,
}

/// One recorded action.
#[derive(Debug, Serialize, ToSchema)]
pub struct Action {
    /// `ack`, `assign` or `resolve`.
    action: String,
    by: String,
    at: String,
    agency: Option<String>,
    deadline: Option<String>,
    note: Option<String>,
}

/// Alerts not resolved, per severity.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Counts {
    critical: i64,
    high: i64,
    medium: i64,
    low: i64,
    informational: i64,
}

/// The answer of `GET /v1/ops/alerts`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Alerts {
    #[serde(flatten)]
    envelope: Envelope,
    /// Of the alerts not resolved (after the sector filter).
    counts: Counts,
    /// Worst severity first, then the newest update.
    alerts: Vec<Alert>,
}

/// The alert feed, ranked by severity.
#[utoipa::path(
    get,
    path = "/v1/ops/alerts",
    tag = "ops",
    params(AlertsQuery),
    responses(
        (status = 200, description = "Alerts ranked by severity", body = Alerts),
        (status = 400, description = "A bad parameter (`invalid_query`)", body = crate::ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Params(q): Params<AlertsQuery>,
) -> Result<Json<Alerts>, ApiError> {
    let states = match q.state.as_deref() {
        None => STATES[..3].iter().map(|s| (*s).to_owned()).collect(),
        Some(s) => one_of("state", s, &STATES)?,
    };
    let severities = match q.severity.as_deref() {
        None => Vec::new(),
        Some(s) => one_of("severity", s, &SEVERITIES)?,
    };
    let limit = limit_or(q.limit, 200, state.config.limits.max_query_limit)?;
    let envelope = envelope(&state, q.seen).await?;
    let store = state.bus.store();
    let rows = store
        .ops_alerts(&AlertQuery {
            sector: q.sector.clone(),
            states,
            severities,
            limit,
        })
        .await
        .map_err(ApiError::internal)?;
    let mut counts = Counts::default();
    for (severity, n) in store
        .ops_alert_counts(q.sector.as_deref())
        .await
        .map_err(ApiError::internal)?
    {
        match severity.as_str() {
            "critical" => counts.critical = n,
            "high" => counts.high = n,
            "medium" => counts.medium = n,
            "low" => counts.low = n,
            "informational" => counts.informational = n,
            _ => {}
        }
    }
    Ok(Json(Alerts {
        envelope,
        counts,
        alerts: rows.into_iter().map(|r| alert(r, None)).collect(),
    }))
}

/// `GET /v1/ops/alerts/{id}` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OneQuery {
    /// Answer once the read model has passed this log position (waits at most 2 s).
    seen: Option<i64>,
}

/// One alert, with every action on it.
#[utoipa::path(
    get,
    path = "/v1/ops/alerts/{id}",
    tag = "ops",
    params(("id" = String, Path, description = "The alertId, URL-encoded"), OneQuery),
    responses(
        (status = 200, description = "The alert and its actions", body = Alert),
        (status = 404, description = "No such alert (`unknown_alert`)", body = crate::ErrorBody),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Params(q): Params<OneQuery>,
) -> Result<Json<Alert>, ApiError> {
    envelope(&state, q.seen).await?;
    Ok(Json(with_actions(&state, &id).await?))
}

async fn with_actions(state: &AppState, id: &str) -> Result<Alert, ApiError> {
    let store = state.bus.store();
    let row = store
        .ops_alert(id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| unknown(id))?;
    let actions = store
        .ops_alert_actions(id)
        .await
        .map_err(ApiError::internal)?;
    Ok(alert(row, Some(actions)))
}

/// An operator's action: who, and a note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionBody {
    /// The operator's name (required).
    by: Option<String>,
    /// Why, or what was said.
    note: Option<String>,
    /// `assign` only: the agency directed to act (required there).
    agency: Option<String>,
    /// `assign` only: by when, RFC 3339 (required there).
    deadline: Option<String>,
}

/// An operator acts on an alert: `ack` (seen), `assign` (an agency must
/// act by a deadline) or `resolve` (handled), recorded with who and when.
#[utoipa::path(
    post,
    path = "/v1/ops/alerts/{id}/{action}",
    tag = "ops",
    params(
        ("id" = String, Path, description = "The alertId, URL-encoded"),
        ("action" = String, Path, description = "`ack`, `assign` or `resolve`"),
    ),
    request_body(content = ActionBody, description = "`{\"by\", \"note\"?}`; `assign` also `\"agency\"` and `\"deadline\"` (RFC 3339)"),
    responses(
        (status = 200, description = "The alert after the action", body = Alert),
        (status = 202, description = "Stored, but the read model has not applied it within 2 s", body = Alert),
        (status = 400, description = "A bad body (`invalid_action`)", body = crate::ErrorBody),
        (status = 404, description = "No such alert (`unknown_alert`) or action (`unknown_action`)", body = crate::ErrorBody),
        (status = 409, description = "Resolved (`alert_resolved`), or acknowledged already (`alert_acknowledged`)", body = crate::ErrorBody),
    )
)]
pub async fn act(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
    Path((id, action)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Alert>), ApiError> {
    let Some(action) = ACTIONS.iter().copied().find(|a| *a == action) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_action",
            format!("no action `{action}` on alerts; POST to …/ack, …/assign or …/resolve"),
        ));
    };
    let data = parse_body(&id, action, &body)?;
    let row = state
        .bus
        .store()
        .ops_alert(&id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| unknown(&id))?;
    allowed(&row, action)?;
    let mut event = CloudEvent::new(
        uuid::Uuid::now_v7().to_string(),
        SOURCE,
        EventType::new(ALERT_ACTION).map_err(ApiError::internal)?,
    );
    event.subject = Some(id.clone());
    event.time = Some(Timestamp::now());
    event.datacontenttype = Some("application/json".into());
    event.data = Some(bytes::Bytes::from(data.to_string()));
    let bus = state.bus.clone();
    let appended =
        ApiError::detached(async move { bus.ingest_from_host(vec![event]).await }).await?;
    let applied = match appended.first() {
        Some(Appended::New(seq)) => state.bus.wait_ops_projected(*seq, APPLY_WAIT).await,
        _ => false,
    };
    let status = if applied {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    let record = format!("alert.{}", audit_verb(action));
    caller
        .record(state.bus.store(), &record, &id, json!({"action": action}))
        .await;
    Ok((status, Json(with_actions(&state, &id).await?)))
}

/// The action event's data, from the request body; every error names the field.
fn parse_body(id: &str, action: &str, body: &[u8]) -> Result<Value, ApiError> {
    let bad = |field: &str, m: String| ApiError::bad_request("invalid_action", m, Some(field));
    let example = match action {
        "assign" => {
            r#"{"by": "Nguyễn Văn An", "agency": "Sở Công Thương", "deadline": "2026-11-27T17:00:00+07:00"}"#
        }
        _ => r#"{"by": "Nguyễn Văn An", "note": "..."}"#,
    };
    let b: ActionBody = serde_json::from_slice(body).map_err(|e| {
        bad(
            "body",
            format!("the body must be a JSON object such as {example}: {e}"),
        )
    })?;
    let text = |field: &str, v: Option<String>, max: usize| -> Result<Option<String>, ApiError> {
        let Some(v) = v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        if v.chars().count() > max {
            return Err(bad(
                field,
                format!("`{field}` is longer than {max} characters; shorten it"),
            ));
        }
        Ok(Some(v))
    };
    let by = text("by", b.by, MAX_NAME)?.ok_or_else(|| {
        bad(
            "by",
            format!("give `by`, the operator's name, e.g. {example}"),
        )
    })?;
    let note = text("note", b.note, MAX_NOTE)?;
    let mut data = json!({
        "alertId": id, "action": action, "by": by,
        "at": Timestamp::now().as_str(), "note": note,
    });
    if action == "assign" {
        let agency = text("agency", b.agency, MAX_NAME)?.ok_or_else(|| {
            bad(
                "agency",
                format!("give `agency`, the agency directed to act, e.g. {example}"),
            )
        })?;
        let deadline = text("deadline", b.deadline, MAX_NAME)?.ok_or_else(|| {
            bad(
                "deadline",
                format!("give `deadline`, an RFC 3339 time, e.g. {example}"),
            )
        })?;
        let deadline = Timestamp::parse(&deadline).map_err(|_| {
            bad(
                "deadline",
                format!(
                    "`deadline` must be an RFC 3339 time with an offset such as `2026-11-27T17:00:00+07:00`, got `{deadline}`"
                ),
            )
        })?;
        data["agency"] = agency.into();
        data["deadline"] = deadline.as_str().into();
    } else if b.agency.is_some() || b.deadline.is_some() {
        return Err(bad(
            if b.agency.is_some() {
                "agency"
            } else {
                "deadline"
            },
            format!(
                "`{action}` takes only `by` and `note`; an agency and deadline go with `assign`"
            ),
        ));
    }
    Ok(data)
}

/// Whether `action` may be taken on the alert now (`409` when not).
fn allowed(row: &AlertRow, action: &str) -> Result<(), ApiError> {
    let conflict =
        |code: &'static str, message: String| ApiError::new(StatusCode::CONFLICT, code, message);
    if row.state == "resolved" {
        let by = row.resolved.as_ref().map_or("someone", |m| m.by.as_str());
        return Err(conflict(
            "alert_resolved",
            format!(
                "alert `{}` was resolved by {by}; nothing more can be done with it (it opens again if its cause comes back)",
                row.alert_id
            ),
        ));
    }
    if action == "ack"
        && let Some(m) = &row.acknowledged
    {
        return Err(conflict(
            "alert_acknowledged",
            format!(
                "alert `{}` was acknowledged by {} at {}; assign or resolve it instead",
                row.alert_id,
                m.by,
                m.at.as_str()
            ),
        ));
    }
    Ok(())
}

fn unknown(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_alert",
        format!(
            "no alert `{id}`; list them with GET /v1/ops/alerts (an id with `/` goes URL-encoded, `%2F`)"
        ),
    )
}

/// Comma-separated values of `field`, each one of `allowed`.
fn one_of(field: &str, list: &str, allowed: &[&str]) -> Result<Vec<String>, ApiError> {
    list.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            if allowed.contains(&v) {
                Ok(v.to_owned())
            } else {
                Err(bad_param(
                    field,
                    format!(
                        "`{field}` has `{v}`; use a comma-separated list of {}",
                        allowed.join(", ")
                    ),
                ))
            }
        })
        .collect()
}

fn marked(m: Mark) -> Marked {
    Marked {
        by: m.by,
        at: m.at.as_str().to_owned(),
        note: m.note,
    }
}

fn alert(row: AlertRow, actions: Option<Vec<AlertAction>>) -> Alert {
    let data: Value = serde_json::from_str(&row.data).unwrap_or(Value::Null);
    let get = |k: &str| data.get(k).cloned().unwrap_or(Value::Null);
    Alert {
        category: get("category"),
        sub_category: get("subCategory"),
        title: get("title"),
        description: get("description"),
        location: get("location"),
        figures: get("figures"),
        observed_at: get("observedAt"),
        alert_id: row.alert_id,
        sector: row.sector,
        severity: row.severity,
        status: row.status,
        state: row.state,
        opened_at: row.opened_at.as_str().to_owned(),
        updated_at: row.updated_at.as_str().to_owned(),
        acknowledged: row.acknowledged.map(marked),
        assigned: row.assigned.map(|a| Assigned {
            agency: a.agency,
            deadline: a.deadline.as_str().to_owned(),
            by: a.mark.by,
            at: a.mark.at.as_str().to_owned(),
            note: a.mark.note,
        }),
        resolved: row.resolved.map(marked),
        actions: actions.map(|list| {
            list.into_iter()
                .map(|a| Action {
                    action: a.action,
                    by: a.by,
                    at: a.at.as_str().to_owned(),
                    agency: a.agency,
                    deadline: a.deadline.map(|d| d.as_str().to_owned()),
                    note: a.note,
                })
                .collect()
        }),
    }
}

/// The audit action's verb for an alert action: `acked`, `assigned`, `resolved`.
fn audit_verb(action: &str) -> &str {
    match action {
        "ack" => "acked",
        "assign" => "assigned",
        "resolve" => "resolved",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_checked_field_by_field() {
        let e = parse_body("a", "ack", b"{}").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("by"));
        let e = parse_body("a", "ack", b"[1]").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("body"));
        let e = parse_body("a", "assign", r#"{"by": "An"}"#.as_bytes()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("agency"));
        let e = parse_body(
            "a",
            "assign",
            r#"{"by": "An", "agency": "Sở Y tế", "deadline": "mai"}"#.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("deadline"));
        assert!(e.message.contains("`mai`"));
        let e = parse_body(
            "a",
            "resolve",
            r#"{"by": "An", "agency": "Sở Y tế"}"#.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("agency"));
        let d = parse_body(
            "border/huu-nghi",
            "assign",
            r#"{"by": " An ", "agency": "Sở Công Thương", "deadline": "2026-11-27T17:00:00+07:00"}"#.as_bytes(),
        )
        .unwrap();
        assert_eq!(d["by"], "An");
        assert_eq!(d["alertId"], "border/huu-nghi");
        assert_eq!(d["deadline"], "2026-11-27T17:00:00+07:00");
    }

    #[test]
    fn lists_name_the_bad_value() {
        assert_eq!(
            one_of("state", "open, resolved", &STATES).unwrap(),
            ["open", "resolved"]
        );
        let e = one_of("state", "open,closed", &STATES).unwrap_err();
        assert!(e.message.contains("`closed`"));
    }
}
