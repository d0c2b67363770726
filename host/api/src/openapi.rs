//! The OpenAPI document of the HTTP API, served at `GET /v1/openapi.json`.
//!
//! It is generated from the code: every resource's router is a
//! [`utoipa_axum::router::OpenApiRouter`] whose handlers carry
//! `#[utoipa::path]` and are registered with `utoipa_axum::routes!`, so a
//! route is in the document exactly when it is served ([`crate::router`]
//! splits the two at start-up). This module holds what no one resource owns:
//! the document's title and tags, the CloudEvent schema the event endpoints
//! share, and the handler that serves the document.

use std::sync::Arc;

use axum::{
    Extension, Json,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::ApiError;

/// The document's fixed part: title, description and tags. The paths and
/// most schemas come from the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "cityhub",
        description = "The HTTP API of a cityhub host: CloudEvents in, the event log, routes and plugins, dead letters, the live stream, the operations centre's read model, metrics and Open311 GeoReport v2. Errors are `{\"error\": {\"code\", \"message\", \"field\"}}` with a stable `code` (Open311 uses its own format)."
    ),
    tags(
        (name = "events", description = "Ingest CloudEvents and read the event log."),
        (name = "stream", description = "The live log as server-sent events."),
        (name = "delivery", description = "Routes and plugins: status, replay, resume."),
        (name = "deadletters", description = "Events routes gave up on, and their replay."),
        (name = "ops", description = "The operations centre: KPIs, alerts, incidents, map, health."),
        (name = "health", description = "Liveness and metrics."),
        (name = "open311", description = "Open311 GeoReport v2 (JSON only), with its own error format `[{\"code\", \"description\"}]`."),
        (name = "access", description = "API tokens, the audit log (admins) and the dashboard's sign-in."),
        (name = "meta", description = "This document."),
    ),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
#[derive(Debug)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme every operation needs unless it
/// says `security(())` (`/healthz`, signing in and out).
#[derive(Debug)]
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        doc.components.get_or_insert_with(Default::default).add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`chub_…`) from `cityhub token create --role ROLE --name NAME` \
                         or `POST /v1/tokens`, sent as `Authorization: Bearer <token>` (the \
                         dashboard sends the `cityhub_session` cookie instead). A role lacking the \
                         operation's permission gets `403 forbidden`; roles: admin, integrator, \
                         operator, source.",
                    ))
                    .build(),
            ),
        );
    }
}

/// A CloudEvent in the JSON format (CloudEvents 1.0 structured mode):
/// the required attributes, the optional ones, any extension attributes
/// (lowercase letters and digits, string values), and `data` (JSON) or
/// `data_base64` (binary).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "specversion": "1.0", "id": "r-1", "source": "/sensors/ql1a", "type": "city.traffic.reading",
    "time": "2026-11-27T08:00:00+07:00", "datacontenttype": "application/json",
    "data": {"segment": "QL1A-km12", "speed": 42.5}
}))]
pub struct CloudEventJson {
    /// Always `1.0`.
    pub specversion: String,
    /// Unique per `source`; a repeat of (`source`, `id`) is a duplicate.
    pub id: String,
    /// Who sent it (a URI reference).
    pub source: String,
    /// Its type, dot-separated tokens such as `city.traffic.reading`.
    #[serde(rename = "type")]
    pub ty: String,
    /// What it is about.
    pub subject: Option<String>,
    /// When it happened, RFC 3339.
    pub time: Option<String>,
    /// The media type of `data`.
    pub datacontenttype: Option<String>,
    /// The schema of `data`.
    pub dataschema: Option<String>,
    /// The payload, for JSON and text.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
    /// The payload, for binary data, base64.
    pub data_base64: Option<String>,
}

/// The raw bytes of a binary-mode CloudEvent's `data`.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct BinaryData(pub Vec<u8>);

/// Gives every operation the id `{method}_{path}` (`get_v1_routes_name`),
/// unique as OpenAPI requires, whatever its handler is called (many are
/// `list` or `one`, in their own modules).
pub fn name_operations(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let slug: String = path
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        for (method, op) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ] {
            if let Some(op) = op {
                op.operation_id = Some(format!("{method}_{slug}"));
            }
        }
    }
}

/// The document as built at start-up, for [`document`].
#[derive(Clone)]
pub struct Document(pub Arc<utoipa::openapi::OpenApi>);

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document").finish_non_exhaustive()
    }
}

/// This API's OpenAPI document, generated from the code.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "meta",
    responses(
        (status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = Object),
        (status = 500, description = "The document could not be written (`internal`)", body = crate::ErrorBody),
    )
)]
pub async fn document(Extension(doc): Extension<Document>) -> Result<Response, ApiError> {
    let body = serde_json::to_value(doc.0.as_ref()).map_err(ApiError::internal)?;
    Ok(Json(body).into_response())
}
