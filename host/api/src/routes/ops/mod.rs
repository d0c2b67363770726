//! `/v1/ops/*`: what the operations centre's staff see and do, read from
//! the ops read model (`host/bus/src/projection/ops.rs`) and the Open311 one.
//!
//! - `GET /v1/ops/kpis`, `GET /v1/ops/history`: [`kpis`].
//! - `GET /v1/ops/alerts`, `GET /v1/ops/alerts/{id}`, `POST …/{id}/ack|assign|resolve`: [`alerts`].
//! - `GET /v1/ops/incidents`: [`incidents`].
//! - `GET /v1/ops/map`: [`map`].
//! - `GET /v1/ops/health`: [`health`].
//!
//! Every read takes `?seen=SEQ` and answers with `position` and `now`
//! ([`envelope`]): a client that saw event SEQ on `/v1/stream` asks with it
//! and gets an answer that includes it.

pub mod alerts;
mod envelope;
pub mod health;
pub mod incidents;
pub mod kpis;
pub mod map;

pub use envelope::{Envelope, Params, bad_param, envelope, millis_text};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

/// The ops router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(kpis::kpis))
        .routes(routes!(kpis::history))
        .routes(routes!(alerts::list))
        .routes(routes!(alerts::one))
        .routes(routes!(alerts::act))
        .routes(routes!(incidents::incidents))
        .routes(routes!(map::map))
        .routes(routes!(health::health))
}
