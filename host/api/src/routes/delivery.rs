//! `/v1/routes` and `/v1/plugins`: what is running, replay and resume.
//!
//! - `GET /v1/routes`, `GET /v1/routes/{name}`: configuration, position,
//!   lag and counters of each route (the progress of a replay).
//! - `POST /v1/routes/{name}/replay` with `{"since": RFC3339}` or
//!   `{"after": SEQ}`: runs the route again from there; `202` with `from`
//!   and `to` (the end of the log when asked).
//! - `GET /v1/plugins`: each plugin, its version, digest and breaker status.
//! - `POST /v1/plugins/{name}/resume`: resumes a suspended plugin now.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use cityhub_bus::{PluginStatus, ReplayFrom, RouteInfo, unix_seconds};
use cityhub_cloudevents::Timestamp;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{ApiError, AppState, ErrorBody};

/// The routes and plugins router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(replay))
        .routes(routes!(plugins))
        .routes(routes!(resume))
}

/// Every route.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouteList {
    /// By name.
    pub routes: Vec<RouteView>,
    /// The position of the newest event in the log.
    pub last_seq: i64,
}

/// One route, with the end of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouteDetail {
    /// The route.
    #[serde(flatten)]
    pub route: RouteView,
    /// The position of the newest event in the log.
    pub last_seq: i64,
}

/// A route: configuration, progress and counters since the host started.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouteView {
    /// `[routes.NAME]`.
    pub name: String,
    /// The type patterns it carries.
    pub from: Vec<String>,
    /// The plugin it delivers to.
    pub to: String,
    /// Its committed position in the log.
    pub position: i64,
    /// Log entries after its position (not all may be for it).
    pub lag: u64,
    /// Whether its plugin is suspended by its circuit breaker.
    pub suspended: bool,
    /// Events per plugin call.
    pub batch_size: u32,
    /// Calls at once (lanes).
    pub concurrency: u32,
    /// Beyond this lag, ingest gets `429`.
    pub max_lag: u64,
    /// Counters since the host started.
    pub stats: RouteCounters,
}

/// A route's counters.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouteCounters {
    /// Events handed to the plugin (each attempt counts).
    pub events_in: u64,
    /// Output events committed.
    pub events_out: u64,
    /// Plugin calls that succeeded.
    pub batches_ok: u64,
    /// Plugin calls that failed, retries included.
    pub batches_failed: u64,
    /// Failed calls tried again.
    pub retries: u64,
    /// Events given up and kept as dead letters.
    pub dead_lettered: u64,
    /// Events given up and dropped (`dead-letter = false`).
    pub dropped: u64,
    /// Dead letters replayed successfully.
    pub replayed: u64,
}

/// Where a replay starts: exactly one of the two.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"since": "2026-11-27T08:00:00+07:00"}))]
pub struct ReplayRequest {
    /// From the first event recorded at or after this RFC 3339 time.
    pub since: Option<String>,
    /// From the event after this log position.
    pub after: Option<i64>,
}

/// A replay under way.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayStarted {
    /// The route.
    pub route: String,
    /// The position it restarts after.
    pub from: i64,
    /// The end of the log when asked: the replay is done once `position` passes it.
    pub to: i64,
}

/// Every plugin.
#[derive(Debug, Serialize, ToSchema)]
pub struct PluginList {
    /// By name.
    pub plugins: Vec<PluginView>,
}

/// A loaded plugin and its circuit breaker.
#[derive(Debug, Serialize, ToSchema)]
pub struct PluginView {
    /// Its name in city.toml.
    pub name: String,
    /// Its manifest's version.
    pub version: String,
    /// The content digest of its component.
    pub digest: String,
    /// The routes delivering to it.
    pub routes: Vec<String>,
    /// `running` or `suspended`.
    pub status: &'static str,
    /// Only while suspended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended: Option<Suspension>,
    /// Only when the last new version of it was refused (it did not
    /// verify, load or start): this version serves on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade_failed: Option<UpgradeRefusal>,
}

/// A new version of a plugin that was refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpgradeRefusal {
    /// The version refused.
    pub version: String,
    /// Why, and how to fix it.
    pub reason: String,
    /// When, Unix seconds.
    pub at: f64,
}

/// Why and until when a plugin is suspended.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suspension {
    /// Since, Unix seconds.
    pub since: f64,
    /// Until (then it is tried again), Unix seconds.
    pub until: f64,
    /// The last failure.
    pub reason: String,
}

impl Suspension {
    /// A plugin's suspension, `None` while it runs.
    pub fn of(status: &PluginStatus) -> Option<Self> {
        match status {
            PluginStatus::Suspended {
                since,
                until,
                reason,
            } => Some(Self {
                since: unix_seconds(*since),
                until: unix_seconds(*until),
                reason: reason.clone(),
            }),
            PluginStatus::Running => None,
        }
    }
}

/// Whether a resume did anything.
#[derive(Debug, Serialize, ToSchema)]
pub struct Resumed {
    /// The plugin.
    pub plugin: String,
    /// `true` if it was suspended; `false` if it was running already.
    pub resumed: bool,
}

/// Every route: configuration, position, lag and counters.
#[utoipa::path(
    get,
    path = "/v1/routes",
    tag = "delivery",
    responses((status = 200, description = "Every route, by name", body = RouteList))
)]
async fn list(State(state): State<AppState>) -> Json<RouteList> {
    Json(RouteList {
        routes: state.bus.routes().iter().map(render).collect(),
        last_seq: state.bus.last_seq(),
    })
}

/// One route: configuration, position, lag and counters.
#[utoipa::path(
    get,
    path = "/v1/routes/{name}",
    tag = "delivery",
    params(("name" = String, Path, description = "The route's name (`[routes.NAME]`)")),
    responses(
        (status = 200, description = "The route", body = RouteDetail),
        (status = 404, description = "No such route (`not_found`)", body = ErrorBody),
    )
)]
async fn one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<RouteDetail>, ApiError> {
    let r = state.bus.route(&name)?;
    Ok(Json(RouteDetail {
        route: render(&r),
        last_seq: state.bus.last_seq(),
    }))
}

/// Runs a route again from a time or a log position.
///
/// Stops the route after its current call, moves its position back and
/// starts it again; `GET /v1/routes/{name}` shows the progress.
#[utoipa::path(
    post,
    path = "/v1/routes/{name}/replay",
    tag = "delivery",
    params(("name" = String, Path, description = "The route's name")),
    request_body(content = ReplayRequest, content_type = "application/json"),
    responses(
        (status = 202, description = "Replaying", body = ReplayStarted),
        (status = 400, description = "A bad body (`invalid_replay`) or a position ahead of the route (`replay_forward`)", body = ErrorBody),
        (status = 404, description = "No such route (`not_found`)", body = ErrorBody),
        (status = 503, description = "The log is unavailable (`store_unavailable`); try again after `Retry-After`", body = ErrorBody),
    )
)]
async fn replay(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
    Path(name): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ReplayStarted>), ApiError> {
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
    let detail = serde_json::json!({"from": from, "to": to});
    caller
        .record(state.bus.store(), "route.replayed", &name, detail)
        .await;
    Ok((
        StatusCode::ACCEPTED,
        Json(ReplayStarted {
            route: name,
            from,
            to,
        }),
    ))
}

/// Every plugin: version, digest, routes and circuit-breaker status.
#[utoipa::path(
    get,
    path = "/v1/plugins",
    tag = "delivery",
    responses((status = 200, description = "Every plugin, by name", body = PluginList))
)]
async fn plugins(State(state): State<AppState>) -> Json<PluginList> {
    let plugins = state
        .bus
        .plugins()
        .iter()
        .map(|p| {
            let suspended = Suspension::of(&p.status);
            PluginView {
                name: p.plugin.name().to_owned(),
                version: p.plugin.manifest().version.to_string(),
                digest: p.plugin.digest().to_string(),
                routes: p.routes.clone(),
                status: if suspended.is_some() {
                    "suspended"
                } else {
                    "running"
                },
                suspended,
                upgrade_failed: p.upgrade_failure.as_ref().map(|f| UpgradeRefusal {
                    version: f.version.clone(),
                    reason: f.reason.clone(),
                    at: cityhub_bus::unix_seconds(f.at),
                }),
            }
        })
        .collect();
    Json(PluginList { plugins })
}

/// Resumes a suspended plugin now, without waiting for its cool-down.
#[utoipa::path(
    post,
    path = "/v1/plugins/{name}/resume",
    tag = "delivery",
    params(("name" = String, Path, description = "The plugin's name")),
    responses(
        (status = 200, description = "Resumed, or running already", body = Resumed),
        (status = 404, description = "No such plugin (`not_found`)", body = ErrorBody),
    )
)]
async fn resume(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
    Path(name): Path<String>,
) -> Result<Json<Resumed>, ApiError> {
    let (bus, plugin) = (state.bus.clone(), name.clone());
    let resumed = ApiError::detached(async move { bus.resume(&plugin).await }).await?;
    let detail = serde_json::json!({"resumed": resumed});
    caller
        .record(state.bus.store(), "plugin.resumed", &name, detail)
        .await;
    Ok(Json(Resumed {
        plugin: name,
        resumed,
    }))
}

fn render(r: &RouteInfo) -> RouteView {
    let e = &r.entry;
    let s = &r.stats;
    let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
    RouteView {
        name: e.name.as_str().to_owned(),
        from: e.from.iter().map(|p| p.as_str().to_owned()).collect(),
        to: e.to.as_str().to_owned(),
        position: r.position,
        lag: r.lag,
        suspended: r.suspended,
        batch_size: e.batch_size,
        concurrency: e.concurrency,
        max_lag: e.max_lag,
        stats: RouteCounters {
            events_in: n(&s.events_in),
            events_out: n(&s.events_out),
            batches_ok: n(&s.batches_ok),
            batches_failed: n(&s.batches_failed),
            retries: n(&s.retries),
            dead_lettered: n(&s.dead_lettered),
            dropped: n(&s.dropped),
            replayed: n(&s.replayed),
        },
    }
}
