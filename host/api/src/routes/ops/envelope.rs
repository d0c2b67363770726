//! What every `/v1/ops/*` read shares: `?seen=SEQ` (read your own and the
//! stream's events) and the `position` / `now` of the answer.

use std::time::Duration;

use cityhub_cloudevents::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ApiError, AppState};

/// How long `?seen=` waits for the read model at most; then the answer
/// comes anyway, with the `position` it reached.
const SEEN_WAIT: Duration = Duration::from_secs(2);

/// Where the read model stood when it answered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Envelope {
    /// The log position the ops read model has passed: every event up to it
    /// is in the answer.
    pub position: i64,
    /// The read model's event-time now (the newest event time it has seen),
    /// null before the first event.
    #[schema(value_type = Option<String>)]
    pub now: Option<String>,
}

impl Envelope {
    /// `now` in Unix seconds.
    pub fn now_seconds(&self) -> Option<i64> {
        self.now
            .as_deref()
            .and_then(|t| Timestamp::parse(t).ok())
            .map(|t| t.datetime().unix_timestamp())
    }
}

/// Waits (at most [`SEEN_WAIT`]) until the ops read model has passed
/// `seen`, then says where it stands.
pub async fn envelope(state: &AppState, seen: Option<i64>) -> Result<Envelope, ApiError> {
    if let Some(seen) = seen {
        if seen < 0 {
            return Err(bad_param(
                "seen",
                format!("`seen` must be a log position (0 or more), got {seen}"),
            ));
        }
        state.bus.wait_ops_projected(seen, SEEN_WAIT).await;
    }
    let position = state.bus.ops_position();
    let now = state
        .bus
        .store()
        .ops_now()
        .await
        .map_err(ApiError::internal)?;
    Ok(Envelope {
        position,
        now: now.map(|t| t.as_str().to_owned()),
    })
}

/// A `400 invalid_query` about query parameter `field`.
pub fn bad_param(field: &str, message: String) -> ApiError {
    ApiError::bad_request("invalid_query", message, Some(field))
}

/// Unix millis as RFC 3339 at the province's offset (`+07:00`), as the
/// city's events write their times.
pub fn millis_text(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(cityhub_bus::clock::in_vietnam)
        .unwrap_or_default()
}

/// `axum::extract::Query`, answering a query string that does not parse
/// with the API's JSON `400 invalid_query` naming the parameter (axum's own
/// rejection is plain text).
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for Params<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(e) => {
                let text = e.body_text();
                // "Failed to deserialize query string: FIELD: reason"
                let detail = text.split_once(": ").map_or(text.as_str(), |(_, d)| d);
                let field = detail.split_once(": ").map(|(f, _)| f.to_owned());
                Err(ApiError::bad_request(
                    "invalid_query",
                    format!(
                        "the query string is not valid: {detail}; see GET /v1/openapi.json for the parameters"
                    ),
                    field.as_deref(),
                ))
            }
        }
    }
}
