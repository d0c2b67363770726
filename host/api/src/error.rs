//! [`ApiError`]: every error the API answers with, as JSON.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

/// The JSON body of every error answer (Open311's excepted): what
/// [`ApiError`] sends, and its schema in the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "invalid_query", "message": "`limit` must be a whole number from 1 to 1000: got `0`", "field": "limit"}}))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The inside of an [`ErrorBody`].
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `invalid_event`, `invalid_query`,
    /// `not_found`, `route_behind`, `store_unavailable`, …
    pub code: &'static str,
    /// For people: what is wrong and how to fix it.
    pub message: String,
    /// The attribute, header or parameter at fault, or null.
    pub field: Option<String>,
}

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
    /// Seconds to wait before sending again (`Retry-After`), for `429`/`503`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with `status` and a stable `code`, about no one field.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

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
            retry_after: None,
        }
    }

    /// A `404`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// A `413` for a body over `limit` bytes (`[server] max-body`).
    pub fn too_large(limit: usize) -> Self {
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "payload_too_large",
            message: format!(
                "request body is larger than the limit of {limit} bytes ({}); send a smaller body, e.g. fewer events per request",
                crate::limits::set_by("max-body")
            ),
            field: None,
            retry_after: None,
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
            retry_after: None,
        }
    }
}

impl ApiError {
    /// Runs a bus operation on a task of its own and waits for it: the bus's
    /// writes must run to completion even if the client hangs up (which
    /// drops the handler), or a route could be left stopped half-way.
    pub async fn detached<T, F>(f: F) -> Result<T, ApiError>
    where
        F: Future<Output = Result<T, cityhub_bus::Error>> + Send + 'static,
        T: Send + 'static,
    {
        match tokio::spawn(f).await {
            Ok(r) => r.map_err(ApiError::from),
            Err(e) => Err(ApiError::internal(format!("a request's task failed: {e}"))),
        }
    }
}

impl From<cityhub_bus::Error> for ApiError {
    fn from(e: cityhub_bus::Error) -> Self {
        use cityhub_bus::Error as E;
        let (status, code, field, retry_after) = match &e {
            // The log is unavailable (busy, restarting): nothing was stored.
            E::Store { .. } => {
                tracing::error!("request failed: {e}");
                return Self {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    code: "store_unavailable",
                    message: "the event log is unavailable right now; nothing was accepted, send again after Retry-After".into(),
                    field: None,
                    retry_after: Some(1),
                };
            }
            E::Panicked { .. } => return Self::internal(e),
            // NATS is down or refused (a replay's publish): try again later.
            E::JetStream { .. } => {
                tracing::error!("request failed: {e}");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "bus_unavailable",
                    None,
                    Some(1),
                )
            }
            E::ReplayForward { .. } => (StatusCode::BAD_REQUEST, "replay_forward", None, None),
            E::UpgradeRefused { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "upgrade_refused",
                None,
                None,
            ),
            E::RouteBehind { retry_after, .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "route_behind",
                None,
                Some(retry_after.as_secs().max(1)),
            ),
            E::LogBusy { retry_after, .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "log_busy",
                None,
                Some(retry_after.as_secs().max(1)),
            ),
            E::ShuttingDown => (
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                None,
                Some(5),
            ),
            E::NotAccepted { .. } => (
                StatusCode::BAD_REQUEST,
                "type_not_accepted",
                Some("type".to_owned()),
                None,
            ),
            E::DataClass(_) => (
                StatusCode::BAD_REQUEST,
                "dataclass_refused",
                Some("dataclass".to_owned()),
                None,
            ),
            E::ContactInReport { .. } => (
                StatusCode::BAD_REQUEST,
                "contact_in_report",
                Some("data.contact".to_owned()),
                None,
            ),
            E::UnknownRoute(_) | E::UnknownPlugin(_) => {
                (StatusCode::NOT_FOUND, "not_found", None, None)
            }
        };
        Self {
            status,
            code,
            message: e.to_string(),
            field,
            retry_after,
        }
    }
}

impl From<cityhub_cloudevents::Error> for ApiError {
    fn from(e: cityhub_cloudevents::Error) -> Self {
        let (status, key) = match e.code() {
            "unsupported_content_type" => (StatusCode::UNSUPPORTED_MEDIA_TYPE, None),
            "event_too_large" => (StatusCode::PAYLOAD_TOO_LARGE, Some("max-event")),
            "batch_too_large" => (StatusCode::PAYLOAD_TOO_LARGE, Some("max-batch")),
            _ => (StatusCode::BAD_REQUEST, None),
        };
        let message = match key {
            Some(key) => format!("{e}; the limit is {}", crate::limits::set_by(key)),
            None => e.to_string(),
        };
        Self {
            status,
            code: e.code(),
            field: e.field(),
            message,
            retry_after: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}
