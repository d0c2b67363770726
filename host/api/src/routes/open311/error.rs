//! The GeoReport v2 error format: `[{"code": 400, "description": "…"}]`,
//! one element per problem, so a client sees every error at once.

use axum::{
    Json,
    http::{StatusCode, header::RETRY_AFTER},
    response::{IntoResponse, Response},
};

use super::doc::Problem;

/// An Open311 error answer.
#[derive(Debug)]
pub struct GeoReportError {
    /// The HTTP status, also each element's `code`.
    pub status: StatusCode,
    /// What is wrong, which field, how to fix it: one per problem.
    pub descriptions: Vec<String>,
    /// Seconds to wait (`Retry-After`), for `429`/`503`.
    pub retry_after: Option<u64>,
}

impl GeoReportError {
    /// A `400` listing `descriptions`.
    pub fn bad_request(descriptions: Vec<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            descriptions,
            retry_after: None,
        }
    }

    /// A `404`.
    pub fn not_found(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            descriptions: vec![description.into()],
            retry_after: None,
        }
    }

    /// A `.xml` request: only JSON is served.
    pub fn json_only(status: StatusCode, path: &str) -> Self {
        Self {
            status,
            descriptions: vec![format!(
                "only the JSON format is served: ask for `{}` instead",
                path.replace(".xml", ".json")
            )],
            retry_after: None,
        }
    }

    /// A `500`: the detail is logged, never sent.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("open311 request failed: {detail}");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            descriptions: vec![
                "the server could not complete the request; try again later".to_owned(),
            ],
            retry_after: None,
        }
    }
}

impl From<cityhub_bus::Error> for GeoReportError {
    fn from(e: cityhub_bus::Error) -> Self {
        let api = crate::ApiError::from(e);
        if api.status.is_server_error() && api.retry_after.is_none() {
            // Already logged by `ApiError`; its message is generic.
            return Self::internal("see the error above");
        }
        Self {
            status: api.status,
            descriptions: vec![api.message],
            retry_after: api.retry_after,
        }
    }
}

impl IntoResponse for GeoReportError {
    fn into_response(self) -> Response {
        let code = self.status.as_u16();
        let body: Vec<_> = self
            .descriptions
            .iter()
            .map(|d| Problem {
                code,
                description: d.clone(),
            })
            .collect();
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(RETRY_AFTER, secs.into());
        }
        response
    }
}
