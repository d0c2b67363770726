//! Input events for tests: a builder for one CloudEvent, and the encoding of
//! a list of them into a batch frame, as the host would send it.

use cityhub_frame::{Attributes, FrameWriter};
use serde::Serialize;

use crate::{Error, ErrorKind};

/// The `source` of a [`TestEvent`] unless one is set.
const DEFAULT_SOURCE: &str = "/testing";

/// An input event for a test, owned. Build one with [`TestEvent::new`] and
/// the builder methods, or load structured CloudEvents JSON with
/// [`TestEvent::from_json_file`] or [`TestEvent::from_json`].
///
/// An empty `id` is filled in when the event is encoded (`test-1`,
/// `test-2`, ... in a [`Harness`](super::Harness), unique across its
/// batches); `source` defaults to `/testing`.
///
/// ```
/// use cityhub_sdk::testing::TestEvent;
/// let event = TestEvent::new("city.traffic.reading")
///     .id("r-1")
///     .source("/sensors/ql1a-km12")
///     .subject("QL1A-km12")
///     .time("2026-11-27T08:00:00+07:00")
///     .extension("partitionkey", "QL1A")
///     .json(&serde_json::json!({"intensity": 12, "averageVehicleSpeed": 42.5}));
/// assert_eq!(event.datacontenttype.as_deref(), Some("application/json"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestEvent {
    /// `id`; empty means "assign one".
    pub id: String,
    /// `source`.
    pub source: String,
    /// `type`.
    pub ty: String,
    /// `subject`.
    pub subject: Option<String>,
    /// `time`, RFC 3339.
    pub time: Option<String>,
    /// `datacontenttype`.
    pub datacontenttype: Option<String>,
    /// `dataschema`.
    pub dataschema: Option<String>,
    /// Extension attributes, in order.
    pub extensions: Vec<(String, String)>,
    /// `data`.
    pub data: Option<Vec<u8>>,
    /// Why [`json`](Self::json) failed, reported when the event is encoded.
    error: Option<String>,
}

impl TestEvent {
    /// An event of type `ty` with no id yet, source `/testing` and no data.
    ///
    /// ```
    /// let event = cityhub_sdk::testing::TestEvent::new("city.traffic.reading");
    /// assert_eq!((event.ty.as_str(), event.source.as_str()), ("city.traffic.reading", "/testing"));
    /// ```
    pub fn new(ty: impl Into<String>) -> Self {
        Self {
            id: String::new(),
            source: DEFAULT_SOURCE.to_owned(),
            ty: ty.into(),
            subject: None,
            time: None,
            datacontenttype: None,
            dataschema: None,
            extensions: Vec::new(),
            data: None,
            error: None,
        }
    }

    /// A clock tick ([`TICK`](crate::city::TICK)) at `now` (RFC 3339), as
    /// the host emits one: id `tick-<now>` (so a redelivered tick has the
    /// same id), source `/cityhub/clock`, `time` and `data.now` = `now`.
    ///
    /// ```
    /// let tick = cityhub_sdk::testing::TestEvent::tick("2026-11-27T08:00:00+07:00");
    /// assert_eq!((tick.ty.as_str(), tick.id.as_str()), ("cityhub.clock.tick", "tick-2026-11-27T08:00:00+07:00"));
    /// assert_eq!(tick.data.as_deref(), Some(&br#"{"now":"2026-11-27T08:00:00+07:00"}"#[..]));
    /// ```
    pub fn tick(now: &str) -> Self {
        Self::new(crate::city::TICK)
            .id(format!("tick-{now}"))
            .source("/cityhub/clock")
            .time(now)
            .json(&serde_json::json!({ "now": now }))
    }

    /// Sets `id`.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::testing::TestEvent::new("t.x").id("r-1").id, "r-1");
    /// ```
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets `source`.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::testing::TestEvent::new("t.x").source("/sensors/a").source, "/sensors/a");
    /// ```
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }

    /// Sets `subject`.
    ///
    /// ```
    /// let event = cityhub_sdk::testing::TestEvent::new("t.x").subject("QL1A-km12");
    /// assert_eq!(event.subject.as_deref(), Some("QL1A-km12"));
    /// ```
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Sets `time` (RFC 3339).
    ///
    /// ```
    /// let event = cityhub_sdk::testing::TestEvent::new("t.x").time("2026-11-27T08:00:00+07:00");
    /// assert!(event.time.is_some());
    /// ```
    pub fn time(mut self, time: impl Into<String>) -> Self {
        self.time = Some(time.into());
        self
    }

    /// Sets `dataschema`.
    ///
    /// ```
    /// let event = cityhub_sdk::testing::TestEvent::new("t.x").dataschema("https://example.invalid/s.json");
    /// assert!(event.dataschema.is_some());
    /// ```
    pub fn dataschema(mut self, uri: impl Into<String>) -> Self {
        self.dataschema = Some(uri.into());
        self
    }

    /// Adds extension attribute `name`.
    ///
    /// ```
    /// let event = cityhub_sdk::testing::TestEvent::new("t.x").extension("partitionkey", "QL1A");
    /// assert_eq!(event.extensions, [("partitionkey".to_owned(), "QL1A".to_owned())]);
    /// ```
    pub fn extension(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extensions.push((name.into(), value.into()));
        self
    }

    /// Sets `data` to `value` as JSON, and `datacontenttype` to
    /// `application/json`. A value that cannot be serialized makes encoding
    /// the event fail.
    ///
    /// ```
    /// let event = cityhub_sdk::testing::TestEvent::new("t.x").json(&serde_json::json!({"intensity": 12}));
    /// assert_eq!(event.data.as_deref(), Some(&br#"{"intensity":12}"#[..]));
    /// ```
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                self.data = Some(bytes);
                self.datacontenttype = Some("application/json".to_owned());
            }
            Err(err) => self.error = Some(format!("cannot serialize its data as JSON: {err}")),
        }
        self
    }

    /// Sets `data` to raw bytes of type `content_type`.
    ///
    /// ```
    /// let event = cityhub_sdk::testing::TestEvent::new("t.x").data(b"42".to_vec(), "text/plain");
    /// assert_eq!(event.datacontenttype.as_deref(), Some("text/plain"));
    /// ```
    pub fn data(mut self, bytes: impl Into<Vec<u8>>, content_type: impl Into<String>) -> Self {
        self.data = Some(bytes.into());
        self.datacontenttype = Some(content_type.into());
        self
    }

    fn push_to(&self, frame: &mut FrameWriter, index: usize, id: &str) -> Result<(), Error> {
        if let Some(err) = &self.error {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("test event {index} (`{}`): {err}", self.ty),
            ));
        }
        let attrs = Attributes {
            id,
            source: &self.source,
            ty: &self.ty,
            subject: self.subject.as_deref(),
            time: self.time.as_deref(),
            datacontenttype: self.datacontenttype.as_deref(),
            dataschema: self.dataschema.as_deref(),
        };
        let extensions: Vec<(&str, &str)> = self
            .extensions
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        frame.push(&attrs, &extensions, self.data.as_deref());
        Ok(())
    }
}

/// Encodes `events` into a batch frame, as the host sends one to `handle`.
/// Events with an empty id get `test-1`, `test-2`, ... by position.
///
/// ```
/// use cityhub_sdk::{Batch, testing::{self, TestEvent}};
/// let frame = testing::encode(&[TestEvent::new("t.x"), TestEvent::new("t.y").id("mine")])?;
/// let ids: Vec<String> = Batch::parse(&frame)?.iter().map(|e| e.id().to_owned()).collect();
/// assert_eq!(ids, ["test-1", "mine"]);
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
pub fn encode(events: &[TestEvent]) -> Result<Vec<u8>, Error> {
    encode_numbered(events, 1).map(|(frame, _)| frame)
}

/// Like [`encode`], numbering assigned ids from `next_id`; returns the frame
/// and the next unused number.
pub(crate) fn encode_numbered(
    events: &[TestEvent],
    mut next_id: u64,
) -> Result<(Vec<u8>, u64), Error> {
    let size: usize = events
        .iter()
        .map(|e| 64 + e.ty.len() + e.data.as_ref().map_or(0, Vec::len))
        .sum();
    let mut frame = FrameWriter::with_capacity(size);
    let mut id = String::new();
    for (index, event) in events.iter().enumerate() {
        let id = if event.id.is_empty() {
            id.clear();
            id.push_str("test-");
            id.push_str(&next_id.to_string());
            next_id += 1;
            id.as_str()
        } else {
            event.id.as_str()
        };
        event.push_to(&mut frame, index, id)?;
    }
    Ok((frame.finish(), next_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn a_json_error_is_reported_when_encoding() {
        let mut bad = HashMap::new();
        bad.insert((1, 2), 3); // non-string map keys do not serialize to JSON
        let err =
            encode(&[TestEvent::new("t.ok"), TestEvent::new("t.bad").json(&bad)]).unwrap_err();
        assert!(
            err.message()
                .starts_with("test event 1 (`t.bad`): cannot serialize"),
            "{err}"
        );
    }

    #[test]
    fn numbering_continues_from_next_id() {
        let (frame, next) =
            encode_numbered(&[TestEvent::new("t.x"), TestEvent::new("t.x").id("x")], 7).unwrap();
        assert_eq!(next, 8);
        let batch = crate::Batch::parse(&frame).unwrap();
        assert_eq!(batch.iter().next().unwrap().id(), "test-7");
    }
}
