//! `GET /healthz`: is the host up and its store reachable.

use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};

use crate::{ApiError, AppState};

/// The health router.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

/// `200 {"status":"ok","plugins":N,"last_seq":S}` when the store answers; `500` otherwise.
async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let last_seq = state
        .bus
        .store()
        .last_seq()
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(
        json!({"status": "ok", "plugins": state.bus.plugins().len(), "last_seq": last_seq}),
    ))
}
