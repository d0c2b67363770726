//! `/v1/ops/*`: the operations centre's read model (KPIs, alerts, incidents,
//! map, health) and the operators' alert actions. Filled in by the ops work;
//! until then it serves nothing.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// The ops router: every handler registered with `utoipa_axum::routes!`, so
/// it appears in `GET /v1/openapi.json`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
