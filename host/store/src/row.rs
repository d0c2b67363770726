//! How a [`CloudEvent`] maps onto the columns of `events`, and back.
//!
//! `time` is stored as the text received (so `+07:00` survives), `extensions`
//! as a JSON object (`NULL` when there are none), `recorded_at` as Unix
//! microseconds in UTC.

use std::collections::BTreeMap;

use bytes::Bytes;
use cityhub_cloudevents::{CloudEvent, EventType, Timestamp};
use time::OffsetDateTime;

use crate::{Error, Seq, StoredEvent};

/// The bound values of one event's row, borrowed from the event.
pub(crate) struct EventColumns<'a> {
    pub id: &'a str,
    pub source: &'a str,
    pub ty: &'a str,
    pub subject: Option<&'a str>,
    pub time: Option<&'a str>,
    pub datacontenttype: Option<&'a str>,
    pub dataschema: Option<&'a str>,
    pub extensions: Option<String>,
    pub data: Option<&'a [u8]>,
}

impl<'a> EventColumns<'a> {
    pub fn new(e: &'a CloudEvent) -> Self {
        Self {
            id: &e.id,
            source: &e.source,
            ty: e.ty.as_str(),
            subject: e.subject.as_deref(),
            time: e.time.as_ref().map(Timestamp::as_str),
            datacontenttype: e.datacontenttype.as_deref(),
            dataschema: e.dataschema.as_deref(),
            extensions: extensions_json(&e.extensions),
            data: e.data.as_deref(),
        }
    }
}

/// The extension map as a JSON object, or `None` when empty.
fn extensions_json(map: &BTreeMap<String, String>) -> Option<String> {
    if map.is_empty() {
        return None;
    }
    // A map of strings always serializes; keep the fallback total anyway.
    serde_json::to_string(map).ok()
}

/// One row of `events` as read, before checking.
pub(crate) struct RawEvent {
    pub seq: Seq,
    pub id: String,
    pub source: String,
    pub ty: String,
    pub subject: Option<String>,
    pub time: Option<String>,
    pub datacontenttype: Option<String>,
    pub dataschema: Option<String>,
    pub extensions: Option<String>,
    pub data: Option<Vec<u8>>,
    pub recorded_at: i64,
    pub origin: Option<String>,
}

impl RawEvent {
    /// Checks the row and builds the event; a row that no longer parses is
    /// [`Error::Corrupt`].
    pub fn into_stored(self) -> Result<StoredEvent, Error> {
        let seq = self.seq;
        let corrupt = |why: String| Error::Corrupt { seq, why };
        let ty = EventType::new(&self.ty).map_err(|e| corrupt(e.to_string()))?;
        let time = self
            .time
            .as_deref()
            .map(Timestamp::parse)
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?;
        let extensions = match self.extensions.as_deref() {
            None => BTreeMap::new(),
            Some(json) => serde_json::from_str(json).map_err(|e| {
                corrupt(format!("`extensions` is not a JSON object of strings: {e}"))
            })?,
        };
        Ok(StoredEvent {
            seq,
            recorded_at: timestamp_from_micros(self.recorded_at).ok_or_else(|| {
                corrupt(format!(
                    "`recorded_at` {} is out of range",
                    self.recorded_at
                ))
            })?,
            origin: self.origin,
            event: CloudEvent {
                id: self.id,
                source: self.source,
                ty,
                subject: self.subject,
                time,
                datacontenttype: self.datacontenttype,
                dataschema: self.dataschema,
                extensions,
                data: self.data.map(Bytes::from),
            },
        })
    }
}

/// Now, as Unix microseconds in UTC.
pub(crate) fn now_micros() -> i64 {
    micros_floor(&Timestamp::now())
}

/// `t` as Unix microseconds, rounded down.
pub(crate) fn micros_floor(t: &Timestamp) -> i64 {
    clamp_i64(t.datetime().unix_timestamp_nanos().div_euclid(1_000))
}

/// `t` as Unix microseconds, rounded up (for `recorded_at >= t`).
pub(crate) fn micros_ceil(t: &Timestamp) -> i64 {
    let nanos = t.datetime().unix_timestamp_nanos();
    clamp_i64(-(-nanos).div_euclid(1_000))
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// A UTC timestamp from Unix microseconds.
pub(crate) fn timestamp_from_micros(micros: i64) -> Option<Timestamp> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .ok()
        .map(Timestamp::from_datetime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_round_trip_and_round_the_right_way() {
        let t = Timestamp::parse("2026-11-27T08:00:00.1234567+07:00").unwrap();
        assert_eq!(micros_ceil(&t) - micros_floor(&t), 1);
        let back = timestamp_from_micros(micros_floor(&t)).unwrap();
        assert_eq!(back.as_str(), "2026-11-27T01:00:00.123456Z");
        let whole = Timestamp::parse("2026-11-27T08:00:00+07:00").unwrap();
        assert_eq!(micros_ceil(&whole), micros_floor(&whole));
    }

    #[test]
    fn corrupt_rows_name_their_seq() {
        let raw = RawEvent {
            seq: 42,
            id: "1".into(),
            source: "s".into(),
            ty: "not a type".into(),
            subject: None,
            time: None,
            datacontenttype: None,
            dataschema: None,
            extensions: None,
            data: None,
            recorded_at: 0,
            origin: None,
        };
        let err = raw.into_stored().err().unwrap().to_string();
        assert!(
            err.starts_with("stored event 42 is corrupt: event type `not a type`"),
            "{err}"
        );
    }
}
