//! The CloudEvents HTTP protocol binding, independent of any web framework:
//! request headers and body in, checked [`CloudEvent`]s out. The content
//! type picks the mode: `application/cloudevents+json` is one structured
//! event, `application/cloudevents-batch+json` a batch, and any other content
//! type with `ce-*` headers one binary-mode event.
//!
//! Parsing is called once per request, on the whole body; it does no I/O.
//! The limit on the body's size is the web layer's: [`Limits`] only bounds
//! the events in it.

mod binary;
#[cfg(test)]
mod tests;

use bytes::Bytes;
use http::{HeaderMap, header::CONTENT_TYPE};

use crate::{CloudEvent, Error, Location, json};

/// The media type of one event in structured mode.
pub const STRUCTURED_CONTENT_TYPE: &str = "application/cloudevents+json";
/// The media type of a batch.
pub const BATCH_CONTENT_TYPE: &str = "application/cloudevents-batch+json";

/// Bounds on the events of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest event accepted, as measured by [`CloudEvent::size`]
    /// (attributes and data, not the JSON around them). Default: 1 MiB.
    pub max_event_bytes: usize,
    /// The most events in one batch. Default: 10 000.
    pub max_batch_events: usize,
}

impl Limits {
    /// 1 MiB.
    pub const DEFAULT_MAX_EVENT_BYTES: usize = 1024 * 1024;
    /// 10 000 events.
    pub const DEFAULT_MAX_BATCH_EVENTS: usize = 10_000;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_event_bytes: Self::DEFAULT_MAX_EVENT_BYTES,
            max_batch_events: Self::DEFAULT_MAX_BATCH_EVENTS,
        }
    }
}

/// The three content modes of the HTTP binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One event as JSON in the body (`application/cloudevents+json`).
    Structured,
    /// A JSON array of events (`application/cloudevents-batch+json`).
    Batch,
    /// Attributes in `ce-*` headers, `data` as the body.
    Binary,
}

/// Which mode a request uses, from its headers alone.
///
/// A `charset` other than UTF-8 on the JSON modes, another CloudEvents
/// format (`application/cloudevents+avro`), or a request with neither a
/// CloudEvents content type nor `ce-*` headers is [`Error::UnsupportedContentType`].
pub fn mode(headers: &HeaderMap) -> Result<Mode, Error> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()));
    let content_type = content_type.as_deref().unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let unsupported = || Error::UnsupportedContentType(content_type.to_owned());
    if essence == STRUCTURED_CONTENT_TYPE || essence == BATCH_CONTENT_TYPE {
        if !charset_is_utf8(content_type) {
            return Err(unsupported());
        }
        return Ok(if essence == STRUCTURED_CONTENT_TYPE {
            Mode::Structured
        } else {
            Mode::Batch
        });
    }
    if essence.starts_with("application/cloudevents") {
        return Err(unsupported());
    }
    if headers.keys().any(|name| name.as_str().starts_with("ce-")) {
        return Ok(Mode::Binary);
    }
    Err(unsupported())
}

/// Whether a media type's `charset` parameter, if any, is UTF-8.
fn charset_is_utf8(media_type: &str) -> bool {
    media_type
        .split(';')
        .skip(1)
        .filter_map(|param| param.split_once('='))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .all(|(_, value)| {
            let value = value.trim().trim_matches('"');
            value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8")
        })
}

/// Parses a request in any of the three modes into its events (one, or a
/// whole batch in order), checking each against `limits`.
///
/// Errors name the event (for a batch, its index: see [`Error::field`]) and
/// the attribute or header at fault; the first error found is returned. In
/// the JSON modes the body is checked to be UTF-8 first ([`Error::NotUtf8`]
/// gives the byte offset), then parsed ([`Error::Json`] gives line and column).
///
/// Takes about as long as serde_json takes to parse the body into
/// `serde_json::Value`, or less: `data` is never parsed into a tree. A single
/// event's `data` shares `body`'s buffer; a batch's events copy theirs, so
/// that no small event keeps a large body alive.
pub fn parse_request(
    headers: &HeaderMap,
    body: Bytes,
    limits: &Limits,
) -> Result<Vec<CloudEvent>, Error> {
    match mode(headers)? {
        Mode::Structured => {
            let event = json::parse_event(json::utf8(&body)?, Some(&body))?;
            Ok(vec![check_size(event, limits)?])
        }
        Mode::Batch => json::parse_batch(json::utf8(&body)?, limits),
        Mode::Binary => Ok(vec![check_size(binary::parse(headers, body)?, limits)?]),
    }
}

/// `event`, or [`Error::EventTooLarge`] if it is over `limits.max_event_bytes`.
pub(crate) fn check_size(event: CloudEvent, limits: &Limits) -> Result<CloudEvent, Error> {
    let size = event.size();
    if size > limits.max_event_bytes {
        return Err(Error::EventTooLarge {
            location: Location::field(""),
            size,
            limit: limits.max_event_bytes,
        });
    }
    Ok(event)
}

/// Appends `events` as a batch (`application/cloudevents-batch+json`) to
/// `out`; each event is written as by [`CloudEvent::write_json`].
pub fn write_batch(events: &[CloudEvent], out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        event.write_json(out);
    }
    out.push(b']');
}
