//! `/v1/routes` and `/v1/plugins`: what is running, replay and resume.
//!
//! - `GET /v1/routes`, `GET /v1/routes/{name}`: configuration, position,
//!   lag and counters of each route (the progress of a replay).
//! - `POST /v1/routes/{name}/replay` with `{"since": RFC3339}` or
//!   `{"after": SEQ}`: runs the route again from there; `202` with `from`
//!   and `to` (the end of the log when asked).
//! - `GET /v1/plugins`: each plugin, its version, digest and breaker status.
//! - `POST /v1/plugins/{name}/resume`: resumes a suspended plugin now.

use std::sync::atomic::Ordering;

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post},
};
use cityhub_bus::{PluginStatus, ReplayFrom, RouteInfo, unix_seconds};
use cityhub_cloudevents::Timestamp;
use serde_json::{Value, json};

use crate::{ApiError, AppState};

/// The routes and plugins router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/routes", get(list))
        .route("/v1/routes/{name}", get(one))
        .route("/v1/routes/{name}/replay", post(replay))
        .route("/v1/plugins", get(plugins))
        .route("/v1/plugins/{name}/resume", post(resume))
}

async fn list(State(state): State<AppState>) -> Json<Value> {
    let routes: Vec<Value> = state.bus.routes().iter().map(render).collect();
    Json(json!({"routes": routes, "last_seq": state.bus.last_seq()}))
}

async fn one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let r = state.bus.route(&name)?;
    let mut v = render(&r);
    v["last_seq"] = json!(state.bus.last_seq());
    Ok(Json(v))
}

async fn replay(
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let bad = |m: String| ApiError::bad_request("invalid_replay", m, None);
    let v: Value = serde_json::from_slice(&body).map_err(|e| {
        bad(format!(
            "the body must be JSON such as {{\"since\": \"2026-11-27T08:00:00+07:00\"}} or {{\"after\": 1200}}: {e}"
        ))
    })?;
    let from = match (v.get("since"), v.get("after")) {
        (Some(s), None) => {
            let s = s.as_str().unwrap_or_default();
            ReplayFrom::Since(Timestamp::parse(s).map_err(|_| {
                bad(format!(
                    "`since` must be an RFC 3339 time such as `2026-11-27T08:00:00+07:00`: got `{s}`"
                ))
            })?)
        }
        (None, Some(a)) => ReplayFrom::After(a.as_i64().filter(|n| *n >= 0).ok_or_else(|| {
            bad(format!(
                "`after` must be a log position (a whole number): got `{a}`"
            ))
        })?),
        _ => {
            return Err(bad(
                "give exactly one of `since` (an RFC 3339 time) or `after` (a log position)".into(),
            ));
        }
    };
    let (bus, route) = (state.bus.clone(), name.clone());
    let (from, to) = ApiError::detached(async move { bus.replay(&route, from).await }).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"route": name, "from": from, "to": to})),
    ))
}

async fn plugins(State(state): State<AppState>) -> Json<Value> {
    let plugins: Vec<Value> = state
        .bus
        .plugins()
        .iter()
        .map(|p| {
            let m = p.plugin.manifest();
            let mut v = json!({
                "name": p.plugin.name(),
                "version": m.version.to_string(),
                "digest": p.plugin.digest().to_string(),
                "routes": p.routes,
                "status": "running",
            });
            if let PluginStatus::Suspended {
                since,
                until,
                reason,
            } = &p.status
            {
                v["status"] = json!("suspended");
                v["suspended"] = json!({
                    "since": unix_seconds(*since),
                    "until": unix_seconds(*until),
                    "reason": reason,
                });
            }
            v
        })
        .collect();
    Json(json!({"plugins": plugins}))
}

async fn resume(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (bus, plugin) = (state.bus.clone(), name.clone());
    let was = ApiError::detached(async move { bus.resume(&plugin).await }).await?;
    Ok(Json(json!({"plugin": name, "resumed": was})))
}

fn render(r: &RouteInfo) -> Value {
    let e = &r.entry;
    let s = &r.stats;
    let n = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    json!({
        "name": e.name.as_str(),
        "from": e.from.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "to": e.to.as_str(),
        "position": r.position,
        "lag": r.lag,
        "suspended": r.suspended,
        "batch_size": e.batch_size,
        "concurrency": e.concurrency,
        "max_lag": e.max_lag,
        "stats": {
            "events_in": n(&s.events_in),
            "events_out": n(&s.events_out),
            "batches_ok": n(&s.batches_ok),
            "batches_failed": n(&s.batches_failed),
            "retries": n(&s.retries),
            "dead_lettered": n(&s.dead_lettered),
            "dropped": n(&s.dropped),
            "replayed": n(&s.replayed),
        },
    })
}
