//! `/v1/events`: ingest CloudEvents (all three HTTP modes) and read the log.

use std::collections::HashMap;

use axum::{
    Json, Router,
    body::Body,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header::CONTENT_LENGTH},
    routing::post,
};
use cityhub_cloudevents::{Timestamp, TypePattern, http::parse_request};
use cityhub_store::{Appended, EventQuery, StoredEvent};
use serde_json::{Value, json};

use crate::{ApiError, AppState};

/// The most events `GET /v1/events` returns at once.
pub const MAX_LIMIT: u32 = 1000;

/// The events router.
pub fn router() -> Router<AppState> {
    Router::new().route("/v1/events", post(ingest).get(list))
}

/// `POST /v1/events`: parses the request (structured, binary or batch mode),
/// stores every event in one transaction, and only then answers `202` with
/// the ids accepted (and those already stored before, as `duplicates`).
/// Nothing is stored for a request with any invalid event.
async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
    let mut accepted = Vec::new();
    let mut duplicates = Vec::new();
    for (id, a) in ids.iter().zip(&appended) {
        match a {
            Appended::New(_) => accepted.push(id.as_str()),
            Appended::Duplicate(_) => duplicates.push(id.as_str()),
        }
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"accepted": accepted, "duplicates": duplicates})),
    ))
}

/// `GET /v1/events?type=PATTERN&since=RFC3339&after=SEQ&limit=N`: stored
/// events (ingested and plugin outputs) in log order, oldest first. Page with
/// `after` = the previous page's `next`.
async fn list(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let query = parse_query(&params)?;
    let events = state
        .bus
        .store()
        .query(&query)
        .await
        .map_err(ApiError::internal)?;
    let next = events.last().map(|e| e.seq);
    let events: Vec<Value> = events.iter().map(render).collect();
    Ok(Json(json!({"events": events, "next": next})))
}

fn parse_query(params: &HashMap<String, String>) -> Result<EventQuery, ApiError> {
    let mut q = EventQuery {
        ty: None,
        since: None,
        after: None,
        limit: 100,
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
            "limit" => {
                q.limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_query",
                            format!(
                                "`limit` must be a whole number from 1 to {MAX_LIMIT}: got `{v}`"
                            ),
                            Some("limit"),
                        )
                    })?;
            }
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

fn render(e: &StoredEvent) -> Value {
    json!({
        "seq": e.seq,
        "recorded_at": e.recorded_at.as_str(),
        "origin": e.origin,
        "event": e.event.to_json_value(),
    })
}
