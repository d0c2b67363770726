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
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
};
use cityhub_store::{DeadLetter, DeadLetterQuery, DeadLetterStatus};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    ApiError, AppState, ErrorBody,
    limits::{limit_or, query_limit},
    openapi::CloudEventJson,
};

/// The dead letters router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(replay_many))
        .routes(routes!(one))
        .routes(routes!(replay_one))
}

/// A page of dead letters.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterPage {
    /// Oldest first.
    pub deadletters: Vec<DeadLetterView>,
    /// The last one's id: pass it as `after` for the next page (null when empty).
    pub next: Option<i64>,
}

/// An event a route gave up on.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterView {
    /// Its id.
    pub id: i64,
    /// The route that gave up.
    pub route: String,
    /// The plugin it was for.
    pub plugin: String,
    /// That plugin's version then.
    pub plugin_version: String,
    /// The event's position in the log.
    pub seq: i64,
    /// The kind of failure (`trap`, `deadline`, `memory_limit`, ...).
    pub failure: String,
    /// The failure in words.
    pub reason: String,
    /// How many times it was tried.
    pub attempts: u32,
    /// When it was given up (RFC 3339).
    pub failed_at: String,
    /// `dead`, `replaying` or `replayed`.
    pub status: &'static str,
    /// When it was replayed successfully, or null.
    pub replayed_at: Option<String>,
    /// The event, in the CloudEvents JSON format.
    #[schema(value_type = CloudEventJson)]
    pub event: Value,
}

/// The dead letters asked to be delivered again.
#[derive(Debug, Serialize, ToSchema)]
pub struct Replaying {
    /// Their ids, now `replaying`.
    pub replaying: Vec<i64>,
}

/// Which dead letters to replay: a route's, or (`{}`) every route's.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"route": "readings"}))]
pub struct ReplayMany {
    /// The route whose `dead` letters to replay; every route's when left out.
    pub route: Option<String>,
}

/// Dead letters, oldest first, filtered by route and status.
#[utoipa::path(
    get,
    path = "/v1/deadletters",
    tag = "deadletters",
    params(
        ("route" = Option<String>, Query, description = "Only this route's"),
        ("status" = Option<String>, Query, description = "`dead`, `replaying` or `replayed`"),
        ("after" = Option<i64>, Query, description = "Only those with a larger id (the previous page's `next`)"),
        ("limit" = Option<u32>, Query, description = "At most this many, 1 to `[server] max-query-limit` (default 1000; a larger `limit` is refused); default 100"),
    ),
    responses(
        (status = 200, description = "A page of dead letters", body = DeadLetterPage),
        (status = 400, description = "A bad or unknown parameter (`invalid_query`; `field` names it)", body = ErrorBody),
        (status = 500, description = "The store could not be read (`internal`)", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<DeadLetterPage>, ApiError> {
    let bad = |f: &str, m: String| ApiError::bad_request("invalid_query", m, Some(f));
    let cap = state.config.limits.max_query_limit;
    let mut q = DeadLetterQuery {
        limit: limit_or(None, 100, cap)?,
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
            "limit" => q.limit = query_limit(v, cap)?,
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
    Ok(Json(DeadLetterPage {
        next: letters.last().map(|d| d.id),
        deadletters: letters.iter().map(render).collect(),
    }))
}

/// One dead letter, with its event.
#[utoipa::path(
    get,
    path = "/v1/deadletters/{id}",
    tag = "deadletters",
    params(("id" = i64, Path, description = "The dead letter's id")),
    responses(
        (status = 200, description = "The dead letter", body = DeadLetterView),
        (status = 400, description = "The id is not a whole number (`invalid_id`)", body = ErrorBody),
        (status = 404, description = "No such dead letter (`not_found`)", body = ErrorBody),
        (status = 500, description = "The store could not be read (`internal`)", body = ErrorBody),
    )
)]
async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<DeadLetterView>, ApiError> {
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

/// Delivers one dead letter again, before its route's next batch.
#[utoipa::path(
    post,
    path = "/v1/deadletters/{id}/replay",
    tag = "deadletters",
    params(("id" = i64, Path, description = "The dead letter's id")),
    responses(
        (status = 202, description = "Asked: its route delivers it before its next batch", body = Replaying),
        (status = 400, description = "The id is not a whole number (`invalid_id`)", body = ErrorBody),
        (status = 404, description = "No such dead letter (`not_found`)", body = ErrorBody),
        (status = 409, description = "It is not `dead` (`not_dead`): replaying or replayed already", body = ErrorBody),
        (status = 503, description = "The store is unavailable (`store_unavailable`); try again after `Retry-After`", body = ErrorBody),
    )
)]
async fn replay_one(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Replaying>), ApiError> {
    let id = parse_id(&id)?;
    let store = state.bus.store();
    let Some(d) = store.dead_letter(id).await.map_err(ApiError::internal)? else {
        return Err(ApiError::not_found(format!(
            "no dead letter {id}; `GET /v1/deadletters` lists them"
        )));
    };
    if d.status != DeadLetterStatus::Dead {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_dead",
            format!(
                "dead letter {id} is already `{}`; only `dead` letters can be replayed",
                d.status.as_str()
            ),
        ));
    }
    let bus = state.bus.clone();
    let replaying =
        ApiError::detached(async move { bus.replay_dead_letters(None, Some(&[id])).await }).await?;
    caller
        .record(
            state.bus.store(),
            "deadletters.replayed",
            "deadletters",
            json!({"ids": replaying}),
        )
        .await;
    Ok((StatusCode::ACCEPTED, Json(Replaying { replaying })))
}

/// Delivers every `dead` letter of a route (or of every route) again.
#[utoipa::path(
    post,
    path = "/v1/deadletters/replay",
    tag = "deadletters",
    request_body(content = ReplayMany, content_type = "application/json", description = "`{\"route\": NAME}`, or `{}` (or no body) for every route"),
    responses(
        (status = 202, description = "Asked: each route delivers its letters before its next batch", body = Replaying),
        (status = 400, description = "A bad body (`invalid_replay`)", body = ErrorBody),
        (status = 404, description = "No such route (`not_found`)", body = ErrorBody),
        (status = 503, description = "The store is unavailable (`store_unavailable`); try again after `Retry-After`", body = ErrorBody),
    )
)]
async fn replay_many(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Replaying>), ApiError> {
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
    let replaying =
        ApiError::detached(async move { bus.replay_dead_letters(route.as_deref(), None).await })
            .await?;
    caller
        .record(
            state.bus.store(),
            "deadletters.replayed",
            "deadletters",
            json!({"ids": replaying}),
        )
        .await;
    Ok((StatusCode::ACCEPTED, Json(Replaying { replaying })))
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

fn render(d: &DeadLetter) -> DeadLetterView {
    DeadLetterView {
        id: d.id,
        route: d.route.clone(),
        plugin: d.plugin.clone(),
        plugin_version: d.plugin_version.clone(),
        seq: d.seq,
        failure: d.failure.clone(),
        reason: d.reason.clone(),
        attempts: d.attempts,
        failed_at: d.failed_at.as_str().to_owned(),
        status: d.status.as_str(),
        replayed_at: d.replayed_at.as_ref().map(|t| t.as_str().to_owned()),
        event: d.event.to_json_value(),
    }
}
