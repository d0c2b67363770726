//! The HTTP API, one router per resource, merged by [`router`].
//!
//! - `POST /v1/events`, `GET /v1/events`: [`routes::events`].
//! - `GET /v1/stream`: [`routes::stream`] (the live log, server-sent events).
//! - `GET /healthz`: [`routes::health`].
//! - `/v1/routes`, `/v1/plugins`: [`routes::delivery`] (status, replay, resume).
//! - `/v1/deadletters`: [`routes::deadletters`] (list, replay).
//! - `/v1/ops/…`: [`routes::ops`] (the operations centre's read model).
//! - `GET /metrics`: [`routes::metrics`] (Prometheus).
//! - `/open311/v2/…`: [`routes::open311`] (GeoReport v2, its own error format).
//! - `GET /v1/openapi.json`: [`openapi`], the OpenAPI document of all of the
//!   above, generated from the handlers.
//!
//! Every error is JSON, `{"error": {"code", "message", "field"}}`
//! ([`ErrorBody`]), with a stable `code` ([`ApiError`]); server-side failures
//! are logged in full and answered with a generic message.

mod error;
pub mod limits;
pub mod openapi;
mod prometheus;
pub mod routes;
mod state;

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use limits::{InputLimits, guard};
pub use state::{ApiConfig, AppState};

use std::sync::Arc;

use axum::{Extension, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The whole API. Every resource router is an [`OpenApiRouter`], so what
/// is served and what `GET /v1/openapi.json` documents are one list.
pub fn router(state: AppState) -> Router {
    let (api, mut doc) = documented(&state).split_for_parts();
    openapi::name_operations(&mut doc);
    api.layer(Extension(openapi::Document(Arc::new(doc))))
        // `cityhub serve` merges the dashboard (crate cityhub-dashboard) at
        // `/` beside this router: static pages, outside the API document.
        .fallback(|| async {
            ApiError::not_found("no such endpoint; `GET /v1/openapi.json` lists every endpoint")
        })
        .with_state(state)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Every documented route, with the document's fixed part.
fn documented(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(routes::events::router())
        .merge(routes::stream::router())
        .merge(routes::health::router())
        .merge(routes::metrics::router())
        .merge(routes::delivery::router())
        .merge(routes::deadletters::router())
        .merge(routes::ops::router())
        .merge(routes::open311::router(state))
        .routes(routes!(openapi::document))
}
