//! `/v1/deadletters`: events routes gave up on, and their replay.
//!
//! - `GET /v1/deadletters?route=&status=dead|replaying|replayed&after=&limit=`
//! - `GET /v1/deadletters/{id}`
//! - `POST /v1/deadletters/{id}/replay`: `202`; the route delivers it again
//!   before its next batch.
//! - `POST /v1/deadletters/replay` with `{"route": NAME}`: every `dead`
//!   letter of the route (or `{}` for every route).

use std::collections::HashMap;

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
};
use cityhub_store::{DeadLetter, DeadLetterQuery, DeadLetterStatus};
use serde_json::{Value, json};

use crate::{ApiError, AppState};

/// The most dead letters one request lists.
const MAX_LIMIT: u32 = 1000;

/// The dead letters router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/deadletters", get(list))
        .route("/v1/deadletters/replay", post(replay_many))
        .route("/v1/deadletters/{id}", get(one))
        .route("/v1/deadletters/{id}/replay", post(replay_one))
}

async fn list(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let bad = |f: &str, m: String| ApiError::bad_request("invalid_query", m, Some(f));
    let mut q = DeadLetterQuery {
        limit: 100,
        ..DeadLetterQuery::default()
    };
    for (k, v) in &params {
        match k.as_str() {
            "route" => q.route = Some(v.clone()),
            "status" => {
                q.status = Some(DeadLetterStatus::parse(v).ok_or_else(|| {
                    bad(
                        "status",
                        format!("`status` must be `dead`, `replaying` or `replayed`: got `{v}`"),
                    )
                })?)
            }
            "after" => {
                q.after = Some(v.parse().map_err(|_| {
                    bad(
                        "after",
                        format!("`after` must be a dead letter id (a whole number): got `{v}`"),
                    )
                })?)
            }
            "limit" => {
                q.limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        bad(
                            "limit",
                            format!(
                                "`limit` must be a whole number from 1 to {MAX_LIMIT}: got `{v}`"
                            ),
                        )
                    })?
            }
            other => {
                return Err(bad(
                    other,
                    format!(
                        "unknown query parameter `{other}`; use `route`, `status`, `after` or `limit`"
                    ),
                ));
            }
        }
    }
    let letters = state
        .bus
        .store()
        .dead_letters(&q)
        .await
        .map_err(ApiError::internal)?;
    let next = letters.last().map(|d| d.id);
    let letters: Vec<Value> = letters.iter().map(render).collect();
    Ok(Json(json!({"deadletters": letters, "next": next})))
}

async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    match state
        .bus
        .store()
        .dead_letter(id)
        .await
        .map_err(ApiError::internal)?
    {
        Some(d) => Ok(Json(render(&d))),
        None => Err(ApiError::not_found(format!(
            "no dead letter {id}; `GET /v1/deadletters` lists them"
        ))),
    }
}

async fn replay_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = parse_id(&id)?;
    let store = state.bus.store();
    let Some(d) = store.dead_letter(id).await.map_err(ApiError::internal)? else {
        return Err(ApiError::not_found(format!(
            "no dead letter {id}; `GET /v1/deadletters` lists them"
        )));
    };
    if d.status != DeadLetterStatus::Dead {
        return Err(ApiError {
            status: StatusCode::CONFLICT,
            code: "not_dead",
            message: format!(
                "dead letter {id} is already `{}`; only `dead` letters can be replayed",
                d.status.as_str()
            ),
            field: None,
            retry_after: None,
        });
    }
    let bus = state.bus.clone();
    let ids =
        ApiError::detached(async move { bus.replay_dead_letters(None, Some(&[id])).await }).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"replaying": ids}))))
}

async fn replay_many(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let v: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(
                "invalid_replay",
                format!("the body must be JSON such as {{\"route\": \"readings\"}}: {e}"),
                None,
            )
        })?
    };
    let route = match v.get("route") {
        None => None,
        Some(Value::String(r)) => {
            state.bus.route(r)?;
            Some(r.clone())
        }
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_replay",
                format!("`route` must be a route's name: got `{other}`"),
                Some("route"),
            ));
        }
    };
    let bus = state.bus.clone();
    let ids =
        ApiError::detached(async move { bus.replay_dead_letters(route.as_deref(), None).await })
            .await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"replaying": ids}))))
}

fn parse_id(s: &str) -> Result<i64, ApiError> {
    s.parse().map_err(|_| {
        ApiError::bad_request(
            "invalid_id",
            format!("a dead letter id is a whole number: got `{s}`"),
            Some("id"),
        )
    })
}

fn render(d: &DeadLetter) -> Value {
    json!({
        "id": d.id,
        "route": d.route,
        "plugin": d.plugin,
        "plugin_version": d.plugin_version,
        "seq": d.seq,
        "failure": d.failure,
        "reason": d.reason,
        "attempts": d.attempts,
        "failed_at": d.failed_at.as_str(),
        "status": d.status.as_str(),
        "replayed_at": d.replayed_at.as_ref().map(|t| t.as_str()),
        "event": d.event.to_json_value(),
    })
}
