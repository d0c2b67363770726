//! The registry's HTTP API over a [`Registry`]: [`router`] builds it, `cityhub
//! registry serve` serves it.
//!
//! - `PUT /v1/plugins/{name}/{version}`: publish (vendor token, body = the package)
//! - `POST /v1/plugins/{name}/{version}/yank` and `/unyank` (vendor token)
//! - `GET /v1/plugins?q=TEXT&limit=N`: search
//! - `GET /v1/plugins/{name}`: the index of one plugin
//! - `GET /v1/plugins/{name}/{version}/package`: the package file
//! - `GET /healthz`, `GET /metrics` (Prometheus text)
//!
//! Every error answer is `{"error": {"code", "message", "field"}}`
//! ([`crate::index::ErrorBody`]); a server-side failure answers `500` with
//! a generic message and logs the detail.

mod error;
mod metrics;
mod read;
mod write;

use std::sync::Arc;

use axum::{
    Router,
    routing::{get, post},
};
use tokio::sync::Semaphore;
use tower_http::trace::TraceLayer;

use crate::{Error, Registry};

pub use metrics::Metrics;

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The largest package body accepted, bytes; larger ones get `413`.
    /// Default: the package format's own maximum plus 64 KiB of slack.
    pub max_upload: u64,
    /// Uploads read into memory at once (each up to `max_upload`); more wait
    /// their turn. Default 4.
    pub concurrent_uploads: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_upload: cityhub_package::MAX_PACKAGE + (64 << 10),
            concurrent_uploads: 4,
        }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
struct AppState {
    registry: Registry,
    max_upload: u64,
    uploads: Arc<Semaphore>,
    metrics: Arc<Metrics>,
}

/// The API's router over `registry`. Requests are traced (`tower_http`
/// spans at `debug`); publishes and yanks are logged at `info`.
pub fn router(registry: Registry, config: Config) -> Router {
    let state = AppState {
        registry,
        max_upload: config.max_upload,
        uploads: Arc::new(Semaphore::new(config.concurrent_uploads.max(1))),
        metrics: Arc::new(Metrics::default()),
    };
    Router::new()
        .route("/v1/plugins", get(read::search))
        .route("/v1/plugins/{name}", get(read::index))
        .route(
            "/v1/plugins/{name}/{version}",
            axum::routing::put(write::publish),
        )
        .route("/v1/plugins/{name}/{version}/yank", post(write::yank))
        .route("/v1/plugins/{name}/{version}/unyank", post(write::unyank))
        .route("/v1/plugins/{name}/{version}/package", get(read::download))
        .route("/healthz", get(read::healthz))
        .route("/metrics", get(metrics::render))
        .fallback(not_found)
        .method_not_allowed_fallback(not_allowed)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found() -> Error {
    Error::NoEndpoint
}

async fn not_allowed() -> Error {
    Error::MethodNotAllowed
}
