//! Reading the CloudEvents JSON format (one event, or a batch): [`RawEvent`]s
//! captured by [`super::raw`] are checked here, attribute by attribute, into
//! [`CloudEvent`]s. Batches are checked while they are read, so the first bad
//! event or the event past the limit stops the parse.

use std::{borrow::Cow, collections::BTreeMap, fmt};

use base64::{
    Engine as _, alphabet,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use bytes::Bytes;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::raw::{Attr, RawEvent};
use crate::{
    CloudEvent, Error, Location, attrs,
    event::is_json_media_type,
    http::{Limits, check_size},
};

/// Standard base64 (RFC 4648), with or without padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

impl CloudEvent {
    /// Parses one event in the CloudEvents JSON format (`application/cloudevents+json`).
    ///
    /// Every attribute is checked (see [`CloudEvent`]); `null` attributes count as
    /// absent, as the format says. No size limit is applied: use
    /// [`crate::http::parse_request`] for untrusted requests.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        parse_event(text, None)
    }

    /// Like [`CloudEvent::from_json`], on bytes that must be UTF-8
    /// ([`Error::NotUtf8`] gives the offset of the first bad byte).
    pub fn from_json_slice(bytes: &[u8]) -> Result<Self, Error> {
        parse_event(utf8(bytes)?, None)
    }

    /// Like [`CloudEvent::from_json`], on a parsed JSON value (which is written
    /// out and read again: prefer the text when you have it). Object members
    /// in `data` keep the value's order, which serde_json sorts by default.
    pub fn from_json_value(value: &serde_json::Value) -> Result<Self, Error> {
        parse_event(&value.to_string(), None)
    }
}

/// `bytes` as text, or [`Error::NotUtf8`] naming the first bad byte.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        what: "request body".to_owned(),
        offset: e.valid_up_to(),
    })
}

/// One event from `text`. When `text` lies inside `body`, `data` shares
/// `body`'s buffer instead of being copied.
pub(crate) fn parse_event(text: &str, body: Option<&Bytes>) -> Result<CloudEvent, Error> {
    let raw: RawEvent<'_> = serde_json::from_str(text).map_err(json_error)?;
    raw.into_event(body)
}

/// A batch (a JSON array of events) from `text`, checked against `limits`.
/// Each event's `data` is copied out of the body, so that one small event
/// kept for long does not pin a large request in memory.
pub(crate) fn parse_batch(text: &str, limits: &Limits) -> Result<Vec<CloudEvent>, Error> {
    let mut events = Vec::new();
    let mut failure = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = Batch {
        limits,
        events: &mut events,
        failure: &mut failure,
    };
    let read = seed.deserialize(&mut de).and_then(|()| de.end());
    match (read, failure) {
        (_, Some(err)) => Err(err),
        (Err(err), None) => Err(json_error(err)),
        (Ok(()), None) => Ok(events),
    }
}

/// [`Error::Json`] from serde_json's error, without the position repeated in the message.
pub(crate) fn json_error(err: serde_json::Error) -> Error {
    let (line, column) = (err.line(), err.column());
    let text = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
    Error::Json {
        line,
        column,
        message,
    }
}

/// Reads a batch, turning each element into an event as soon as it is read.
/// On a problem that is not JSON syntax, `failure` gets the real error and
/// the parse is stopped with a placeholder.
struct Batch<'a> {
    limits: &'a Limits,
    events: &'a mut Vec<CloudEvent>,
    failure: &'a mut Option<Error>,
}

impl Batch<'_> {
    fn fail<E: serde::de::Error>(self, err: Error) -> E {
        *self.failure = Some(err);
        E::custom("invalid batch")
    }
}

impl<'de> DeserializeSeed<'de> for Batch<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Batch<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of CloudEvents")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let max = self.limits.max_batch_events;
        while let Some(raw) = seq.next_element::<RawEvent<'de>>()? {
            let index = self.events.len();
            if index == max {
                let mut total = index + 1;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    total += 1;
                }
                return Err(self.fail(Error::BatchTooLarge {
                    count: total,
                    limit: max,
                }));
            }
            match raw
                .into_event(None)
                .and_then(|event| check_size(event, self.limits))
            {
                Ok(event) => self.events.push(event),
                Err(err) => return Err(self.fail(err.in_batch(index))),
            }
        }
        if self.events.is_empty() {
            return Err(self.fail(Error::BatchSize(
                "the batch is empty; send at least one event in the array".to_owned(),
            )));
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.fail(Error::NotABatch("an object")))
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.fail(Error::NotABatch("a string")))
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.fail(Error::NotABatch("a boolean")))
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.fail(Error::NotABatch("a number")))
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.fail(Error::NotABatch("a number")))
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.fail(Error::NotABatch("a number")))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Err(self.fail(Error::NotABatch("`null`")))
    }
}

impl<'de> RawEvent<'de> {
    /// Checks every attribute, in a fixed order, and builds the event.
    pub(crate) fn into_event(self, body: Option<&Bytes>) -> Result<CloudEvent, Error> {
        if let Some(kind) = self.not_object {
            let hint = if kind == "an array" {
                "; to send several events, use `application/cloudevents-batch+json`"
            } else {
                ""
            };
            return Err(Error::invalid(
                Location::field(""),
                format!("must be a JSON object, not {kind}{hint}"),
            ));
        }
        if let Some(name) = self.duplicate {
            return Err(Error::invalid(
                Location::field(&*name),
                "appears more than once; send each attribute once",
            ));
        }
        let specversion = string("specversion", self.specversion, true)?;
        attrs::spec_version("specversion", specversion.as_deref())?;
        let id = attrs::required("id", string("id", self.id, true)?, attrs::ID_HINT)?;
        let source = attrs::required(
            "source",
            string("source", self.source, true)?,
            attrs::SOURCE_HINT,
        )?;
        let ty = attrs::event_type("type", string("type", self.ty, true)?.as_deref())?;
        let subject = attrs::optional("subject", string("subject", self.subject, false)?)?;
        let time = attrs::time("time", string("time", self.time, false)?.as_deref())?;
        let datacontenttype = attrs::optional(
            "datacontenttype",
            string("datacontenttype", self.datacontenttype, false)?,
        )?;
        let dataschema =
            attrs::optional("dataschema", string("dataschema", self.dataschema, false)?)?;

        let mut extensions = BTreeMap::new();
        for (name, value) in self.extensions {
            attrs::extension_name(&name, &name)?;
            let Some(value) = extension_value(&name, value)? else {
                continue;
            };
            if extensions.contains_key(&*name) {
                return Err(Error::invalid(
                    Location::field(&*name),
                    "appears more than once; send each attribute once",
                ));
            }
            extensions.insert(name.into_owned(), value);
        }

        let is_json = datacontenttype.as_deref().is_none_or(is_json_media_type);
        let base64 = match self.data_base64 {
            None | Some(Attr::Null) => None,
            Some(Attr::Str(text)) => Some(text),
            Some(other) => {
                return Err(Error::invalid(
                    Location::field("data_base64"),
                    format!("expected a base64 string, found {}", other.describe()),
                ));
            }
        };
        let data = match (self.data, base64) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    Location::field("data_base64"),
                    "an event carries either `data` or `data_base64`, not both; send one of them",
                ));
            }
            (Some(raw), None) => Some(inline_data(raw, is_json, datacontenttype.as_deref(), body)?),
            (None, Some(text)) => Some(Bytes::from(BASE64.decode(text.as_bytes()).map_err(|e| {
                Error::invalid(
                    Location::field("data_base64"),
                    format!("is not valid base64 ({e}); encode the bytes with the standard alphabet of RFC 4648"),
                )
            })?)),
            (None, None) => None,
        };

        Ok(CloudEvent {
            id,
            source,
            ty,
            subject,
            time,
            datacontenttype,
            dataschema,
            extensions,
            data,
        })
    }
}

/// A string attribute's text; `null` is absent unless the attribute is `required`.
fn string<'a>(
    field: &str,
    value: Option<Attr<'a>>,
    required: bool,
) -> Result<Option<Cow<'a, str>>, Error> {
    match value {
        None => Ok(None),
        Some(Attr::Null) if !required => Ok(None),
        Some(Attr::Str(s)) => Ok(Some(s)),
        Some(Attr::Null) => Err(Error::invalid(
            Location::field(field),
            "expected a string, found `null`; this attribute is required, so give it a value",
        )),
        Some(other) => Err(Error::invalid(
            Location::field(field),
            format!(
                "expected a string, found {}; write the value as a JSON string",
                other.describe()
            ),
        )),
    }
}

/// An extension's value in its canonical string form; `None` when `null` (unset).
fn extension_value(name: &str, value: Attr<'_>) -> Result<Option<String>, Error> {
    let out_of_range = |n: &dyn fmt::Display| {
        Error::invalid(
            Location::field(name),
            format!(
                "the integer `{n}` is outside the CloudEvents Integer range ({} to {}); send it as a string",
                i32::MIN,
                i32::MAX
            ),
        )
    };
    Ok(Some(match value {
        Attr::Null => return Ok(None),
        Attr::Str(s) => s.into_owned(),
        Attr::Bool(b) => b.to_string(),
        Attr::Int(i) if i32::try_from(i).is_ok() => i.to_string(),
        Attr::Int(i) => return Err(out_of_range(&i)),
        Attr::UInt(u) if i32::try_from(u).is_ok() => u.to_string(),
        Attr::UInt(u) => return Err(out_of_range(&u)),
        Attr::Float(f) => {
            return Err(Error::invalid(
                Location::field(name),
                format!(
                    "found the number `{f:?}`, but extension numbers must be integers; \
                     send it as a string, e.g. `\"{f:?}\"`"
                ),
            ));
        }
        other @ (Attr::Object | Attr::Array) => {
            return Err(Error::invalid(
                Location::field(name),
                format!(
                    "extension values must be a string, an integer or a boolean, found {}; \
                     put structured values in `data`, or flatten them into several extensions",
                    other.describe()
                ),
            ));
        }
    }))
}

/// `data` given inline: JSON stays JSON (made compact); for other content
/// types it must be a string, whose text is the data.
fn inline_data(
    raw: &RawValue,
    is_json: bool,
    content_type: Option<&str>,
    body: Option<&Bytes>,
) -> Result<Bytes, Error> {
    if is_json {
        return Ok(match compact(raw.get()) {
            Some(compacted) => Bytes::from(compacted),
            None => share(body, raw.get().as_bytes()),
        });
    }
    match serde_json::from_str::<Attr<'_>>(raw.get()) {
        Ok(Attr::Str(Cow::Borrowed(text))) => Ok(share(body, text.as_bytes())),
        Ok(Attr::Str(Cow::Owned(text))) => Ok(Bytes::from(text)),
        other => Err(Error::invalid(
            Location::field("data"),
            format!(
                "`datacontenttype` `{}` is not JSON, so `data` must be a string, not {}; \
                 send JSON with a JSON content type, or bytes as `data_base64`",
                content_type.unwrap_or_default(),
                other.map_or_else(|_| "that".to_owned(), |a| a.describe())
            ),
        )),
    }
}

/// `part` as [`Bytes`]: a view into `body` when it lies inside it, else a copy.
fn share(body: Option<&Bytes>, part: &[u8]) -> Bytes {
    match body {
        Some(body) if contains(body, part) => body.slice_ref(part),
        _ => Bytes::copy_from_slice(part),
    }
}

fn contains(outer: &[u8], inner: &[u8]) -> bool {
    let (outer, inner) = (outer.as_ptr_range(), inner.as_ptr_range());
    outer.start <= inner.start && inner.end <= outer.end
}

/// Valid JSON text without the whitespace between tokens, or `None` when it
/// has none (the common case: then nothing is copied).
pub(crate) fn compact(json: &str) -> Option<Vec<u8>> {
    let bytes = json.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            out.get_or_insert_with(|| {
                let mut v = Vec::with_capacity(bytes.len());
                v.extend_from_slice(&bytes[..i]);
                v
            });
            continue;
        }
        if let Some(out) = out.as_mut() {
            out.push(b);
        }
    }
    out
}
