//! `GET /v1/stream`: the live log as server-sent events.
//!
//! `?type=city.*.alert,city.ioc.kpi` keeps the events whose type matches one
//! of the comma-separated patterns (all without it); `?after=SEQ`, or the
//! `Last-Event-ID` header a reconnecting `EventSource` sends, starts after
//! that log position (the query wins); without either the stream starts at
//! the end of the log (live only). Each event is
//!
//! ```text
//! id: <seq>
//! event: cloudevent
//! data: <the CloudEvent in the JSON format, one line>
//! ```
//!
//! and a `: keepalive` comment goes out every [`KEEP_ALIVE`].
//!
//! A task per stream follows the log as a route does
//! ([`cityhub_bus::Bus::next_append`], then windows of
//! [`cityhub_bus::stream::MAX_WINDOW`] events from
//! [`cityhub_bus::Bus::events_after`]) and hands events to the response
//! through a channel of [`BUFFER`] events. A slow client only makes the task
//! wait on that channel, so it reads the log behind (from the store once the
//! in-memory tail no longer reaches back) and loses nothing: a stream holds
//! at most a window and the buffer. The task ends when the client goes, or
//! when the host closes its streams ([`Streams::close`]) as it shuts down.

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::{
        IntoResponse,
        sse::{Event, KeepAlive, Sse},
    },
};
use cityhub_bus::{Bus, stream::MAX_WINDOW};
use cityhub_cloudevents::TypePattern;
use cityhub_store::{Seq, StoredEvent};
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{ApiError, AppState, ErrorBody};

/// How often a quiet stream sends a `: keepalive` comment.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Events a stream's task may have handed over that the client has not
/// read yet.
pub const BUFFER: usize = 64;

/// How long a stream waits before reading again after the log could not be
/// read.
const RETRY: Duration = Duration::from_secs(1);

/// The stream router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream))
}

/// The streams of one host: how many are open, how many events they sent
/// (`/metrics`), and the signal that ends them all ([`Streams::close`]).
#[derive(Debug)]
pub struct Streams {
    open: AtomicU64,
    sent: AtomicU64,
    /// The most streams open at once; more get `503 too_many_streams`.
    limit: AtomicU64,
    closing: watch::Sender<bool>,
}

/// The most streams a host keeps open at once, by default: each holds a
/// task, a window of events and a connection.
pub const MAX_OPEN: u64 = 1_000;

impl Default for Streams {
    fn default() -> Self {
        Self {
            open: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            limit: AtomicU64::new(MAX_OPEN),
            closing: watch::channel(false).0,
        }
    }
}

impl Streams {
    /// Streams open now.
    pub fn open(&self) -> u64 {
        self.open.load(Ordering::Relaxed)
    }

    /// Events sent to streams since the host started.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Sets the most streams open at once (default [`MAX_OPEN`]).
    pub fn set_limit(&self, limit: u64) {
        self.limit.store(limit, Ordering::Relaxed);
    }

    /// Ends every open stream (its response completes; an `EventSource`
    /// reconnects with `Last-Event-ID`) and refuses new ones with `503`.
    /// Call it when the host starts shutting down: a graceful HTTP shutdown
    /// waits for open responses, and a stream's never ends on its own.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    fn closed(&self) -> bool {
        *self.closing.borrow()
    }
}

/// Counts a stream as open while it lives, and tells it when to end.
struct Open {
    streams: Arc<Streams>,
    closing: watch::Receiver<bool>,
}

impl Open {
    fn new(streams: Arc<Streams>) -> Self {
        streams.open.fetch_add(1, Ordering::Relaxed);
        let closing = streams.closing.subscribe();
        Self { streams, closing }
    }

    /// Completes once [`Streams::close`] is called.
    async fn closing(&mut self) {
        // An error means the sender is gone with the host: end too.
        let _ = self.closing.wait_for(|c| *c).await;
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.streams.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The live log as server-sent events, filtered by type, resumable.
///
/// Each event after the start whose type matches a pattern comes as
/// `id: <seq>`, `event: cloudevent`, `data: <CloudEvent JSON>`; a
/// `: keepalive` comment comes every 15 s. Reconnect with `Last-Event-ID`
/// (or `after`) = the last `id` seen to miss nothing and repeat nothing.
#[utoipa::path(
    get,
    path = "/v1/stream",
    tag = "stream",
    params(
        ("type" = Option<String>, Query, description = "Comma-separated type patterns (`city.*.alert,city.ioc.kpi`; `*` = one token, a final `>` = the rest); every event without it"),
        ("after" = Option<i64>, Query, description = "Start after this log position; wins over `Last-Event-ID`"),
        ("Last-Event-ID" = Option<i64>, Header, description = "Start after this log position (what a reconnecting EventSource sends)"),
    ),
    responses(
        (status = 200, description = "`text/event-stream`: `id: <seq>`, `event: cloudevent`, `data: <CloudEvent JSON>` per event", content_type = "text/event-stream", body = String),
        (status = 400, description = "A bad pattern, position or unknown parameter (`invalid_query`; `field` names it)", body = ErrorBody),
        (status = 503, description = "The host is shutting down (`shutting_down`), or serves the most streams it may already (`too_many_streams`, with Retry-After)", body = ErrorBody),
    )
)]
async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<impl IntoResponse, ApiError> {
    let (patterns, after) = parse(&params, &headers)?;
    let streams = state.config.streams.clone();
    if streams.closed() {
        return Err(ApiError::from(cityhub_bus::Error::ShuttingDown));
    }
    let limit = streams.limit.load(Ordering::Relaxed);
    if streams.open() >= limit {
        return Err(ApiError {
            retry_after: Some(5),
            ..ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "too_many_streams",
                format!(
                    "{limit} streams are open already, the most this host serves; close one, or retry after a while"
                ),
            )
        });
    }
    let after = after.unwrap_or_else(|| state.bus.last_seq());
    let (tx, rx) = mpsc::channel(BUFFER);
    let open = Open::new(streams);
    tokio::spawn(follow(state.bus.clone(), after, patterns, tx, open));
    Ok(Sse::new(ReceiverStream::new(rx))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text(" keepalive")))
}

/// The type patterns and the start position of a request.
fn parse(
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<(Vec<TypePattern>, Option<Seq>), ApiError> {
    let mut patterns = Vec::new();
    let mut after = None;
    for (k, v) in params {
        match k.as_str() {
            "type" => {
                for p in v.split(',').map(str::trim) {
                    patterns.push(TypePattern::new(p).map_err(|e| {
                        ApiError::bad_request(
                            "invalid_query",
                            format!("{e}; `type` takes comma-separated patterns of dot-separated tokens, where `*` matches one token and a final `>` the rest, e.g. `city.*.alert,city.ioc.kpi`"),
                            Some("type"),
                        )
                    })?);
                }
            }
            "after" => after = Some(position(v, "after")?),
            other => {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!("unknown query parameter `{other}`; use `type` or `after`"),
                    Some(other),
                ));
            }
        }
    }
    if after.is_none()
        && let Some(v) = headers.get("last-event-id")
    {
        let v = v.to_str().unwrap_or_default();
        after = Some(position(v, "Last-Event-ID")?);
    }
    Ok((patterns, after))
}

/// A log position (0 or more) given as `field`.
fn position(v: &str, field: &str) -> Result<Seq, ApiError> {
    v.trim()
        .parse::<Seq>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                format!("`{field}` must be a log position (a whole number, 0 or more; the `id` of the last event seen): got `{v}`"),
                Some(field),
            )
        })
}

/// Follows the log after `at` and sends what matches, until the client
/// goes (the receiver is dropped) or the streams close.
async fn follow(
    bus: Arc<Bus>,
    mut at: Seq,
    patterns: Vec<TypePattern>,
    tx: mpsc::Sender<Result<Event, Infallible>>,
    mut open: Open,
) {
    loop {
        let appended = bus.next_append();
        let window = match bus.events_after(at, MAX_WINDOW).await {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(
                    after = at,
                    "a stream cannot read the log, will try again: {e}"
                );
                tokio::select! {
                    _ = tokio::time::sleep(RETRY) => continue,
                    _ = tx.closed() => return,
                    _ = open.closing() => return,
                }
            }
        };
        let Some(last) = window.last().map(|e| e.seq) else {
            tokio::select! {
                _ = appended => continue,
                _ = tx.closed() => return,
                _ = open.closing() => return,
            }
        };
        for e in &window {
            if !patterns.is_empty() && !patterns.iter().any(|p| p.matches(&e.event.ty)) {
                continue;
            }
            let Some(event) = render(e) else { continue };
            // Counted before it is handed over, so a client that has read
            // an event finds it counted.
            open.streams.sent.fetch_add(1, Ordering::Relaxed);
            let sent = tokio::select! {
                r = tx.send(Ok(event)) => r.is_ok(),
                _ = open.closing() => false,
            };
            if !sent {
                open.streams.sent.fetch_sub(1, Ordering::Relaxed);
                return;
            }
        }
        at = last;
    }
}

/// `e` as a server-sent event, or `None` (logged) if it cannot be written.
fn render(e: &StoredEvent) -> Option<Event> {
    match Event::default()
        .id(e.seq.to_string())
        .event("cloudevent")
        .json_data(&e.event)
    {
        Ok(event) => Some(event),
        Err(err) => {
            tracing::warn!(seq = e.seq, event.id = %e.event.id, "an event cannot be streamed, skipping it: {err}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_query_wins_over_last_event_id() {
        let mut headers = HeaderMap::new();
        headers.insert("last-event-id", "7".parse().unwrap());
        let (p, after) = parse(&params(&[("after", "3")]), &headers).unwrap();
        assert!(p.is_empty());
        assert_eq!(after, Some(3));
        let (_, after) = parse(&params(&[]), &headers).unwrap();
        assert_eq!(after, Some(7));
        let (_, after) = parse(&params(&[]), &HeaderMap::new()).unwrap();
        assert_eq!(after, None);
    }

    #[test]
    fn patterns_are_comma_separated_and_bad_ones_named() {
        let (p, _) = parse(
            &params(&[("type", "city.*.alert, city.ioc.kpi")]),
            &HeaderMap::new(),
        )
        .unwrap();
        let p: Vec<&str> = p.iter().map(TypePattern::as_str).collect();
        assert_eq!(p, ["city.*.alert", "city.ioc.kpi"]);
        let e = parse(&params(&[("type", "city.>.x")]), &HeaderMap::new()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("type"));
        assert!(e.message.contains("`city.>.x`"), "{}", e.message);
        let e = parse(&params(&[("after", "-1")]), &HeaderMap::new()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("after"));
        let e = parse(&params(&[("since", "x")]), &HeaderMap::new()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("since"));
    }
}
