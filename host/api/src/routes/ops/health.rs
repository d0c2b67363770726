//! `GET /v1/ops/health`: the integration's health as the operations centre
//! sees it — per plugin and per route: state, events in and out, failures,
//! dead letters waiting, lag.
//!
//! Counters are the bus's since this host started (or since the route was
//! last restarted by a reload); dead letters come from the store.

use std::{collections::BTreeMap, sync::atomic::Ordering};

use axum::{Json, extract::State};
use cityhub_bus::RouteInfo;
use cityhub_store::DeadLetterStatus;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ApiError, AppState, routes::delivery::Suspension};

/// One route.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouteHealth {
    name: String,
    /// Its type patterns.
    from: Vec<String>,
    /// Its plugin.
    to: String,
    /// Its committed position in the log.
    position: i64,
    /// Events in the log after its position.
    lag: u64,
    /// Whether its plugin is suspended.
    suspended: bool,
    events_in: u64,
    events_out: u64,
    /// Failed plugin calls, retries included.
    failures: u64,
    /// Dead letters not replayed (`dead` or `replaying`).
    dead_letters: u64,
}

/// One plugin: the sums over its routes.
#[derive(Debug, Serialize, ToSchema)]
pub struct PluginHealth {
    name: String,
    version: String,
    digest: String,
    /// `running` or `suspended`.
    state: &'static str,
    /// While suspended: since and until when, and why.
    suspended: Option<Suspension>,
    routes: Vec<String>,
    events_in: u64,
    events_out: u64,
    failures: u64,
    dead_letters: u64,
    /// The largest lag of its routes.
    lag: u64,
}

/// Ingest's queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestHealth {
    /// Events waiting for the log now.
    pending: u64,
    /// The most that may wait (`[ingest] max-pending`).
    max: u64,
}

/// The answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// The newest position in the log.
    last_seq: i64,
    ingest: IngestHealth,
    plugins: Vec<PluginHealth>,
    routes: Vec<RouteHealth>,
}

/// Per plugin and per route: state, traffic, failures, dead letters, lag.
#[utoipa::path(
    get,
    path = "/v1/ops/health",
    tag = "ops",
    responses((status = 200, description = "The integration's health", body = Health))
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let mut dead: BTreeMap<String, u64> = BTreeMap::new();
    for (route, status, n) in state
        .bus
        .store()
        .dead_letter_counts()
        .await
        .map_err(ApiError::internal)?
    {
        if status != DeadLetterStatus::Replayed {
            *dead.entry(route).or_default() += n;
        }
    }
    let routes: Vec<RouteHealth> = state
        .bus
        .routes()
        .iter()
        .map(|r| route(r, dead.get(r.entry.name.as_str()).copied().unwrap_or(0)))
        .collect();
    let plugins = state
        .bus
        .plugins()
        .iter()
        .map(|p| {
            let mine: Vec<&RouteHealth> =
                routes.iter().filter(|r| r.to == p.plugin.name()).collect();
            let sum = |f: fn(&RouteHealth) -> u64| mine.iter().map(|r| f(r)).sum::<u64>();
            let suspended = Suspension::of(&p.status);
            let state = if suspended.is_some() {
                "suspended"
            } else {
                "running"
            };
            PluginHealth {
                name: p.plugin.name().to_owned(),
                version: p.plugin.manifest().version.to_string(),
                digest: p.plugin.digest().to_string(),
                state,
                suspended,
                routes: p.routes.clone(),
                events_in: sum(|r| r.events_in),
                events_out: sum(|r| r.events_out),
                failures: sum(|r| r.failures),
                dead_letters: sum(|r| r.dead_letters),
                lag: mine.iter().map(|r| r.lag).max().unwrap_or(0),
            }
        })
        .collect();
    let (pending, _, max) = state.bus.pending();
    Ok(Json(Health {
        last_seq: state.bus.last_seq(),
        ingest: IngestHealth { pending, max },
        plugins,
        routes,
    }))
}

fn route(r: &RouteInfo, dead_letters: u64) -> RouteHealth {
    let n = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    RouteHealth {
        name: r.entry.name.to_string(),
        from: r.entry.from.iter().map(|p| p.as_str().to_owned()).collect(),
        to: r.entry.to.to_string(),
        position: r.position,
        lag: r.lag,
        suspended: r.suspended,
        events_in: n(&r.stats.events_in),
        events_out: n(&r.stats.events_out),
        failures: n(&r.stats.batches_failed),
        dead_letters,
    }
}
