//! The HTTP API, one router per resource, merged by [`router`].
//!
//! - `POST /v1/events`, `GET /v1/events`: [`routes::events`].
//! - `GET /healthz`: [`routes::health`].
//! - `/v1/routes`, `/v1/plugins`: [`routes::delivery`] (status, replay, resume).
//! - `/v1/deadletters`: [`routes::deadletters`] (list, replay).
//! - `GET /metrics`: [`routes::metrics`] (Prometheus).
//! - `/open311/v2/…`: [`routes::open311`] (GeoReport v2, its own error format).
//!
//! Every error is JSON, `{"error": {"code", "message", "field"}}`, with a
//! stable `code` ([`ApiError`]); server-side failures are logged in full and
//! answered with a generic message.

mod error;
mod prometheus;
pub mod routes;
mod state;

pub use error::ApiError;
pub use state::{ApiConfig, AppState};

use axum::Router;

/// The whole API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(routes::events::router())
        .merge(routes::health::router())
        .merge(routes::metrics::router())
        .merge(routes::delivery::router())
        .merge(routes::deadletters::router())
        .merge(routes::open311::router(&state))
        .merge(routes::ops::router())
        .fallback(|| async { ApiError::not_found("no such endpoint; see README.md for the API") })
        .with_state(state)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}
