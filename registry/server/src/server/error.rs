//! [`Error`] as an HTTP answer: a status for each [`Error::code`] and the
//! JSON body every error carries. Server-side failures are logged with
//! their detail and answered with a generic `500`.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};

use crate::{
    Error,
    index::{ErrorBody, ErrorDetail},
};

impl Error {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingToken | Self::BadToken => StatusCode::UNAUTHORIZED,
            Self::WrongSigner { .. } | Self::NameTaken { .. } => StatusCode::FORBIDDEN,
            Self::VersionExists { .. } | Self::VendorExists { .. } => StatusCode::CONFLICT,
            Self::NotFound { .. } | Self::NoEndpoint => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InvalidName { .. }
            | Self::InvalidVersion { .. }
            | Self::InvalidQuery { .. }
            | Self::UploadCut(_)
            | Self::Package(_)
            | Self::PathMismatch { .. } => StatusCode::BAD_REQUEST,
            Self::Api { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY)
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The path segment, header or parameter at fault, if one is.
    fn field(&self) -> Option<String> {
        let field = match self {
            Self::MissingToken | Self::BadToken => "authorization",
            Self::InvalidName { .. } => "name",
            Self::InvalidVersion { .. } => "version",
            Self::InvalidQuery { param, .. } => param,
            Self::PathMismatch { field, .. } => field,
            Self::Api { field, .. } => return field.clone(),
            _ => return None,
        };
        Some(field.to_owned())
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "the registry could not complete the request; nothing was stored, retry later (its log \
             says why)"
                .to_owned()
        } else {
            self.to_string()
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message,
                field: self.field(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
