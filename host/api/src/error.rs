//! [`ApiError`]: every error the API answers with, as JSON.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

/// An error response: status, stable code, message, and the field at fault.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Stable, machine-readable: `invalid_event`, `payload_too_large`, …
    pub code: &'static str,
    /// For people: what is wrong and how to fix it.
    pub message: String,
    /// The attribute, header or parameter at fault, if one is.
    pub field: Option<String>,
}

impl ApiError {
    /// A `400` about `field`.
    pub fn bad_request(
        code: &'static str,
        message: impl Into<String>,
        field: Option<&str>,
    ) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            field: field.map(str::to_owned),
        }
    }

    /// A `404`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
            field: None,
        }
    }

    /// A `413` for a body over `limit` bytes.
    pub fn too_large(limit: usize) -> Self {
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "payload_too_large",
            message: format!(
                "request body is larger than the limit of {limit} bytes; send fewer events per request"
            ),
            field: None,
        }
    }

    /// A `500`. The detail is logged, never sent: the client learns only that
    /// the server failed and that nothing was accepted.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("request failed: {detail}");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "the server could not complete the request; nothing was accepted, retry later"
                .into(),
            field: None,
        }
    }
}

impl From<cityhub_cloudevents::Error> for ApiError {
    fn from(e: cityhub_cloudevents::Error) -> Self {
        let status = match e.code() {
            "unsupported_content_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "event_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        };
        Self {
            status,
            code: e.code(),
            field: e.field(),
            message: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            json!({"error": {"code": self.code, "message": self.message, "field": self.field}});
        (self.status, Json(body)).into_response()
    }
}
