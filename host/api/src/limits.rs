//! The limits on every request's input, checked before any handler runs,
//! and the answers that name them.
//!
//! [`guard`] wraps the whole app (the API and the dashboard): a request with
//! more header lines than [`InputLimits::max_headers`], or a longer request
//! line and headers than [`InputLimits::max_header_bytes`], gets `431`; its
//! body is then read whole, at most [`ApiConfig::max_body`] bytes (else
//! `413`) within [`InputLimits::request_timeout`] of the headers (else
//! `408`), before the handler sees it. No endpoint streams a request body,
//! so a handler never waits on a slow client.
//!
//! What this layer does not cover: the time to send the headers themselves,
//! and a hard ceiling on their size, are the HTTP server's (`cityhub serve`
//! sets them from `[server] header-timeout` and twice these limits), since
//! a request is only seen here once its headers are in. Every answer names
//! the limit, its value and the `[server]` key of city.toml that sets it;
//! `/open311/…` answers in the GeoReport error format.

use std::{sync::Arc, time::Duration};

use axum::{
    Json, Router,
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::json;
use tokio_stream::StreamExt;

use crate::{ApiConfig, ApiError};

/// The input limits besides the body's size ([`ApiConfig::max_body`]) and the
/// events' ([`ApiConfig::events`]); `[server]` in city.toml sets them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLimits {
    /// The most header lines in a request (`max-headers`); more gets `431`.
    pub max_headers: usize,
    /// The most bytes of request line and header lines, as sent
    /// (`max-header-bytes`); more gets `431`.
    pub max_header_bytes: usize,
    /// How long the body may take to arrive once the headers are in
    /// (`request-timeout`); longer gets `408`.
    pub request_timeout: Duration,
    /// The largest `limit` query parameter (`max-query-limit`); larger
    /// gets `400` ([`query_limit`]).
    pub max_query_limit: u32,
}

impl Default for InputLimits {
    fn default() -> Self {
        Self {
            max_headers: 100,
            max_header_bytes: 32 << 10,
            request_timeout: Duration::from_secs(30),
            max_query_limit: 1_000,
        }
    }
}

/// `app` with every request checked against `config`'s limits first (see
/// the module's docs). Call it on the whole app, dashboard included, so no
/// route escapes it.
pub fn guard(app: Router, config: &ApiConfig) -> Router {
    let checks = Arc::new(Checks {
        limits: config.limits,
        max_body: config.max_body,
    });
    app.layer(axum::middleware::from_fn_with_state(checks, check))
}

#[derive(Debug)]
struct Checks {
    limits: InputLimits,
    max_body: usize,
}

/// The text that tells a client which city.toml key sets a limit.
pub fn set_by(key: &str) -> String {
    format!("`[server] {key}` in the host's city.toml")
}

async fn check(State(checks): State<Arc<Checks>>, request: Request, next: Next) -> Response {
    let open311 = request.uri().path().starts_with("/open311/");
    let answer = |e: ApiError| {
        if open311 {
            geo_report(e)
        } else {
            e.into_response()
        }
    };
    if let Err(e) = headers_within(&checks.limits, &request) {
        return answer(e);
    }
    let (parts, body) = request.into_parts();
    let bytes = match read_body(&checks, &parts.headers, body).await {
        Ok(b) => b,
        Err(e) => {
            let mut response = answer(e);
            // The rest of the body may still be coming: do not read it.
            response.headers_mut().insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
            return response;
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// `431` if the request has too many header lines, or too many bytes of
/// request line and headers.
fn headers_within(limits: &InputLimits, request: &Request) -> Result<(), ApiError> {
    let count = request.headers().len();
    if count > limits.max_headers {
        return Err(ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "too_many_headers",
            format!(
                "the request has {count} header lines, more than the limit of {} ({}); send fewer headers",
                limits.max_headers,
                set_by("max-headers")
            ),
        ));
    }
    let size = head_size(request);
    if size > limits.max_header_bytes {
        return Err(ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!(
                "the request line and headers are {size} bytes, more than the limit of {} bytes ({}); send shorter headers or a shorter URL",
                limits.max_header_bytes,
                set_by("max-header-bytes")
            ),
        ));
    }
    Ok(())
}

/// The request line and header lines as HTTP/1.1 sends them:
/// `METHOD TARGET HTTP/1.1\r\n` and `name: value\r\n` each.
fn head_size(request: &Request) -> usize {
    let target = request
        .uri()
        .path_and_query()
        .map_or(1, |p| p.as_str().len());
    let line = request.method().as_str().len() + 1 + target + " HTTP/1.1\r\n".len();
    request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + 2 + value.len() + 2)
        .sum::<usize>()
        + line
}

/// The whole body: `413` over the limit (at once when `Content-Length`
/// says so), `408` when it does not arrive in time.
async fn read_body(checks: &Checks, headers: &HeaderMap, body: Body) -> Result<Vec<u8>, ApiError> {
    let limit = checks.max_body;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::too_large(limit));
    }
    let timeout = checks.limits.request_timeout;
    let read = async {
        let mut chunks = body.into_data_stream();
        let mut bytes = Vec::new();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::bad_request(
                    "unreadable_body",
                    format!("the request body could not be read: {e}; send it again"),
                    None,
                )
            })?;
            if bytes.len() + chunk.len() > limit {
                return Err(ApiError::too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    };
    tokio::time::timeout(timeout, read).await.unwrap_or_else(|_| {
        Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!(
                "the request body did not arrive within the limit of {} ({}); send the whole body right after the headers",
                seconds(timeout),
                set_by("request-timeout")
            ),
        ))
    })
}

/// `2s`, or `1500ms` when not whole seconds.
fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// `e` in the GeoReport v2 error format, for `/open311/…`.
fn geo_report(e: ApiError) -> Response {
    let code = e.status.as_u16();
    (
        e.status,
        Json(json!([{"code": code, "description": e.message}])),
    )
        .into_response()
}

/// A `limit` query parameter as written: a whole number from 1 to `cap`
/// (the host's `[server] max-query-limit`), else `400 invalid_query` naming
/// the cap and the key. Every list endpoint refuses a `limit` over the cap
/// rather than answer fewer than asked in silence.
pub fn query_limit(value: &str, cap: u32) -> Result<u32, ApiError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=cap).contains(n))
        .ok_or_else(|| limit_error(value, cap))
}

/// A `limit` already read as a number: `default` (lowered to `cap`) when
/// absent, else as [`query_limit`].
pub fn limit_or(limit: Option<u32>, default: u32, cap: u32) -> Result<u32, ApiError> {
    match limit {
        None => Ok(default.min(cap)),
        Some(n) if (1..=cap).contains(&n) => Ok(n),
        Some(n) => Err(limit_error(&n.to_string(), cap)),
    }
}

fn limit_error(value: &str, cap: u32) -> ApiError {
    ApiError::bad_request(
        "invalid_query",
        format!(
            "`limit` must be a whole number from 1 to {cap} ({}): got `{value}`",
            set_by("max-query-limit")
        ),
        Some("limit"),
    )
}
