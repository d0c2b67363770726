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
//! - `/v1/tokens`, `GET /v1/audit`: [`routes::tokens`], [`routes::audit`]
//!   (admins: API tokens, the audit log).
//! - `/v1/session`: [`routes::session`] (the dashboard's cookie sign-in).
//! - `GET /v1/openapi.json`: [`openapi`], the OpenAPI document of all of the
//!   above, generated from the handlers.
//!
//! Every endpoint but `GET /healthz` and signing in and out needs an API
//! token (`Authorization: Bearer <token>` or the session cookie) whose role
//! holds the endpoint's permission ([`auth`]; the table is in
//! cityhub-auth): `401 unauthenticated` without a valid one, `403
//! forbidden` with a role that lacks it. Changes made through the API are
//! recorded in the store's audit log with the token's name as actor.
//!
//! Every error is JSON, `{"error": {"code", "message", "field"}}`
//! ([`ErrorBody`]), with a stable `code` ([`ApiError`]); server-side failures
//! are logged in full and answered with a generic message.

pub mod auth;
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

use axum::{Extension, Router, http::Method};
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
///
/// Each resource router is guarded ([`auth::guard`]) with the permission
/// its operations need (the table in cityhub-auth's docs); `/healthz`,
/// signing in and out are open.
fn documented(state: &AppState) -> OpenApiRouter<AppState> {
    use auth::Format::{GeoReport, Json};
    use cityhub_auth::Permission as P;
    let guard = |router, format, need: auth::Need| auth::guard(router, state, format, need);
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(guard(routes::events::router(), Json, |m| {
            Some(if *m == Method::POST {
                P::IngestEvents
            } else {
                P::ReadEvents
            })
        }))
        .merge(guard(routes::stream::router(), Json, |_| {
            Some(P::ReadEvents)
        }))
        .merge(routes::health::router())
        .merge(guard(routes::metrics::router(), Json, |_| {
            Some(P::ReadMetrics)
        }))
        .merge(guard(routes::delivery::router(), Json, |_| {
            Some(P::ManageDelivery)
        }))
        .merge(guard(routes::deadletters::router(), Json, |_| {
            Some(P::ManageDelivery)
        }))
        .merge(guard(routes::ops::router(), Json, |m| {
            Some(if *m == Method::POST {
                P::ActOnAlerts
            } else {
                P::ReadOps
            })
        }))
        .merge(guard(routes::open311::router(state), GeoReport, |m| {
            Some(if *m == Method::POST {
                P::IngestEvents
            } else {
                P::ReadOps
            })
        }))
        .merge(guard(routes::tokens::router(), Json, |_| {
            Some(P::Administer)
        }))
        .merge(guard(routes::audit::router(), Json, |_| {
            Some(P::Administer)
        }))
        .merge(guard(routes::session::router(), Json, |m| {
            (*m == Method::GET || *m == Method::HEAD).then_some(P::ReadApiDoc)
        }))
        .merge(guard(
            OpenApiRouter::new().routes(routes!(openapi::document)),
            Json,
            |_| Some(P::ReadApiDoc),
        ))
}
