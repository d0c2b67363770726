//! `/v1/events`: ingest CloudEvents (all three HTTP modes) and read the log.

use std::collections::HashMap;

use axum::{
    Json,
    body::Body,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header::CONTENT_LENGTH},
};
use cityhub_cloudevents::{Timestamp, TypePattern, http::parse_request};
use cityhub_store::{Appended, EventQuery, StoredEvent};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    ApiError, AppState, ErrorBody,
    limits::{limit_or, query_limit},
    openapi::{BinaryData, CloudEventJson},
};

/// The events router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ingest, list))
}

/// What `POST /v1/events` stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ingested {
    /// The ids of the events stored now.
    pub accepted: Vec<String>,
    /// The ids of events already in the log (same `source` and `id`), not stored again.
    pub duplicates: Vec<String>,
}

/// A page of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    /// Oldest first.
    pub events: Vec<LoggedEvent>,
    /// The last event's position: pass it as `after` for the next page (null when empty).
    pub next: Option<i64>,
}

/// One event of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoggedEvent {
    /// Its position in the log.
    pub seq: i64,
    /// When it was stored (UTC, RFC 3339).
    pub recorded_at: String,
    /// The plugin that emitted it; null for an event ingested over HTTP.
    pub origin: Option<String>,
    /// The event, in the CloudEvents JSON format.
    #[schema(value_type = CloudEventJson)]
    pub event: Value,
}

/// Ingests CloudEvents (structured, binary or batch mode).
///
/// Parses the request, stores every event in one transaction, and only then
/// answers `202` with the ids accepted (and those already stored before, as
/// `duplicates`). Nothing is stored for a request with any invalid event.
#[utoipa::path(
    post,
    path = "/v1/events",
    tag = "events",
    request_body(
        description = "Structured mode (`application/cloudevents+json`), batch mode (`application/cloudevents-batch+json`, an array) or binary mode (any other content type, attributes in `ce-*` headers).",
        content(
            (CloudEventJson = "application/cloudevents+json"),
            (Vec<CloudEventJson> = "application/cloudevents-batch+json"),
            (BinaryData = "application/octet-stream"),
        ),
    ),
    responses(
        (status = 202, description = "Stored (durable) before this answer", body = Ingested),
        (status = 400, description = "An invalid event (`invalid_event`, `invalid_json`, ...; `field` names the attribute) or a type not in `[ingest] accepts` (`type_not_accepted`), a `dataclass` other than `[ingest] classes` gives the type (`dataclass_refused`), a `city.fieldreport.submitted` carrying `data.contact` (`contact_in_report`: send it as `city.fieldreport.contact`); nothing stored", body = ErrorBody),
        (status = 413, description = "The body or an event is over the limit (`payload_too_large`, `event_too_large`)", body = ErrorBody),
        (status = 415, description = "A content type the CloudEvents HTTP binding does not allow (`unsupported_content_type`)", body = ErrorBody),
        (status = 429, description = "A route is past its `max-lag` (`route_behind`); send again after `Retry-After`", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Too many events wait for the log (`log_busy`), the log is unavailable (`store_unavailable`) or the host is shutting down; send again after `Retry-After`", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Ingested>), ApiError> {
    let limit = state.config.max_body;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::too_large(limit));
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::too_large(limit))?;
    let events = parse_request(&headers, bytes, &state.config.events)?;
    let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
    let appended = state.bus.ingest(events).await.map_err(ApiError::from)?;
    let mut out = Ingested {
        accepted: Vec::new(),
        duplicates: Vec::new(),
    };
    for (id, a) in ids.into_iter().zip(&appended) {
        match a {
            Appended::New(_) => out.accepted.push(id),
            Appended::Duplicate(_) => out.duplicates.push(id),
        }
    }
    Ok((StatusCode::ACCEPTED, Json(out)))
}

/// Reads the log: stored events (ingested and plugin outputs), oldest first.
///
/// Page with `after` = the previous page's `next`.
#[utoipa::path(
    get,
    path = "/v1/events",
    tag = "events",
    params(
        ("type" = Option<String>, Query, description = "A type pattern (`city.traffic.*`, `city.>`)"),
        ("since" = Option<String>, Query, description = "Events that happened at or after this RFC 3339 time"),
        ("after" = Option<i64>, Query, description = "Events after this log position"),
        ("limit" = Option<u32>, Query, description = "At most this many, 1 to `[server] max-query-limit` (default 1000; a larger `limit` is refused); default 100"),
    ),
    responses(
        (status = 200, description = "A page of the log", body = EventPage),
        (status = 400, description = "A bad or unknown parameter (`invalid_query`; `field` names it)", body = ErrorBody),
        (status = 500, description = "The log could not be read (`internal`)", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<EventPage>, ApiError> {
    let query = parse_query(&params, state.config.limits.max_query_limit)?;
    let events = state
        .bus
        .store()
        .query(&query)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(EventPage {
        next: events.last().map(|e| e.seq),
        events: events.iter().map(render).collect(),
    }))
}

fn parse_query(params: &HashMap<String, String>, cap: u32) -> Result<EventQuery, ApiError> {
    let mut q = EventQuery {
        ty: None,
        since: None,
        after: None,
        limit: limit_or(None, 100, cap)?,
    };
    for (k, v) in params {
        match k.as_str() {
            "type" => {
                q.ty = Some(TypePattern::new(v).map_err(|e| {
                    ApiError::bad_request("invalid_query", e.to_string(), Some("type"))
                })?);
            }
            "since" => {
                q.since = Some(Timestamp::parse(v).map_err(|_| {
                    ApiError::bad_request("invalid_query", format!("`since` must be an RFC 3339 time such as `2026-11-27T08:00:00+07:00`: got `{v}`"), Some("since"))
                })?);
            }
            "after" => {
                q.after = Some(v.parse().map_err(|_| {
                    ApiError::bad_request(
                        "invalid_query",
                        format!("`after` must be a log position (a whole number): got `{v}`"),
                        Some("after"),
                    )
                })?);
            }
            "limit" => q.limit = query_limit(v, cap)?,
            other => {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!(
                        "unknown query parameter `{other}`; use `type`, `since`, `after` or `limit`"
                    ),
                    Some(other),
                ));
            }
        }
    }
    Ok(q)
}

fn render(e: &StoredEvent) -> LoggedEvent {
    LoggedEvent {
        seq: e.seq,
        recorded_at: e.recorded_at.as_str().to_owned(),
        origin: e.origin.clone(),
        event: e.event.to_json_value(),
    }
}
