//! `GET /healthz`: is the host up and its store reachable.

use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{ApiError, AppState, ErrorBody};

/// The health router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz))
}

/// The host is up and its store answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
    /// How many plugins are loaded.
    pub plugins: usize,
    /// The position of the newest event in the log.
    pub last_seq: i64,
}

/// Whether the host is up and its store reachable.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    security(()),
    responses(
        (status = 200, description = "Up, and the store answers", body = Health),
        (status = 500, description = "The store does not answer (`internal`)", body = ErrorBody),
    )
)]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let last_seq = state
        .bus
        .store()
        .last_seq()
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(Health {
        status: "ok",
        plugins: state.bus.plugins().len(),
        last_seq,
    }))
}
