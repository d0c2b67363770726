//! Binary content mode: attributes in `ce-*` headers (percent-encoded as
//! the HTTP binding's section 3.1.3.2 says), `datacontenttype` in
//! `content-type`, and the body as `data`, untouched. JSON data is checked
//! to be JSON, since the event will say it is.

use std::{borrow::Cow, collections::BTreeMap};

use bytes::Bytes;
use http::{HeaderMap, header::CONTENT_TYPE};
use serde::de::IgnoredAny;

use crate::{CloudEvent, Error, Location, attrs, event::is_json_media_type, json};

/// One event from `ce-*` headers and `body`.
pub(super) fn parse(headers: &HeaderMap, body: Bytes) -> Result<CloudEvent, Error> {
    let mut specversion = None;
    let (mut id, mut source, mut ty, mut subject, mut time, mut dataschema) =
        (None, None, None, None, None, None);
    let mut extensions = BTreeMap::new();
    for name in headers.keys() {
        let header = name.as_str();
        let Some(attr) = header.strip_prefix("ce-") else {
            continue;
        };
        let mut values = headers.get_all(name).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return Err(Error::invalid(
                Location::field(header),
                "appears more than once; send each attribute once",
            ));
        };
        let text = decode(header, value.as_bytes())?;
        let slot = match attr {
            "specversion" => &mut specversion,
            "id" => &mut id,
            "source" => &mut source,
            "type" => &mut ty,
            "subject" => &mut subject,
            "time" => &mut time,
            "dataschema" => &mut dataschema,
            "datacontenttype" => {
                return Err(Error::invalid(
                    Location::field(header),
                    "is not used in binary mode: send the data's media type as `content-type` instead",
                ));
            }
            _ => {
                attrs::extension_name(header, attr)?;
                extensions.insert(attr.to_owned(), text);
                continue;
            }
        };
        *slot = Some(text);
    }

    attrs::spec_version("ce-specversion", specversion.as_deref())?;
    let id = attrs::required("ce-id", id.map(Cow::Owned), attrs::ID_HINT)?;
    let source = attrs::required("ce-source", source.map(Cow::Owned), attrs::SOURCE_HINT)?;
    let ty = attrs::event_type("ce-type", ty.as_deref())?;
    let subject = attrs::optional("ce-subject", subject.map(Cow::Owned))?;
    let time = attrs::time("ce-time", time.as_deref())?;
    let dataschema = attrs::optional("ce-dataschema", dataschema.map(Cow::Owned))?;
    let datacontenttype = match headers.get(CONTENT_TYPE) {
        None => None,
        Some(value) => {
            let text = value.to_str().map_err(|_| {
                Error::invalid(
                    Location::field("content-type"),
                    "must be printable ASCII, as media types are",
                )
            })?;
            attrs::optional("content-type", Some(Cow::Borrowed(text)))?
        }
    };

    let data = (!body.is_empty()).then_some(body);
    if let Some(body) = &data
        && datacontenttype.as_deref().is_none_or(is_json_media_type)
    {
        check_json(body, datacontenttype.is_none())?;
    }
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

/// Checks that a JSON body is JSON, blaming `data`.
fn check_json(body: &[u8], implied: bool) -> Result<(), Error> {
    let text = json::utf8(body)?;
    serde_json::from_str::<IgnoredAny>(text).map(drop).map_err(|err| {
        let Error::Json { line, column, message } = json::json_error(err) else {
            return Error::invalid(Location::field("data"), "the body is not valid JSON");
        };
        let why = if implied { "with no `content-type`, data is taken to be JSON" } else { "the content type says JSON" };
        Error::invalid(
            Location::field("data"),
            format!(
                "the body is not valid JSON (line {line}, column {column}: {message}), but {why}; \
                 send JSON, or set `content-type` to the body's media type"
            ),
        )
    })
}

/// A header value as text: unquoted if it is a quoted string (RFC 7230
/// section 3.2.6), then percent-decoded once, and UTF-8.
fn decode(header: &str, raw: &[u8]) -> Result<String, Error> {
    let unquoted: Cow<'_, [u8]> = match raw {
        [b'"', inner @ .., b'"'] => {
            let mut out = Vec::with_capacity(inner.len());
            let mut escaped = false;
            for &b in inner {
                if !escaped && b == b'\\' {
                    escaped = true;
                } else {
                    out.push(b);
                    escaped = false;
                }
            }
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(raw),
    };
    let bytes = &*unquoted;
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
            out.push(b);
            i += 1;
            continue;
        }
        match bytes
            .get(i + 1..i + 3)
            .and_then(|h| Some(hex(h[0])? << 4 | hex(h[1])?))
        {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                return Err(Error::invalid(
                    Location::field(header),
                    format!(
                        "has a `%` that does not start a `%XX` escape (at byte {i}); write a literal `%` as `%25`"
                    ),
                ));
            }
        }
    }
    String::from_utf8(out).map_err(|e| {
        Error::invalid(
            Location::field(header),
            format!(
                "is not valid UTF-8 once percent-decoded (at byte {}); percent-encode each byte of the \
                 UTF-8 text, e.g. `Hà` as `H%C3%A0`",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
pub(super) mod tests;
