//! Writing the CloudEvents JSON format. `data` goes out the way the format's
//! section 3.1.1 asks: inline JSON when the event is JSON and its bytes are
//! JSON (copied through as raw text, never re-built), a JSON string for
//! UTF-8 text, and `data_base64` for everything else.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde::{Serialize, Serializer, ser::SerializeMap};
use serde_json::{Map, Value, value::RawValue};

use crate::{CloudEvent, SPEC_VERSION, event::check_extension_name};

/// How `data` is written.
enum Payload<'a> {
    /// As a JSON value.
    Json(&'a RawValue),
    /// As a JSON string.
    Text(&'a str),
    /// As `data_base64`.
    Binary(&'a [u8]),
}

impl CloudEvent {
    fn payload(&self) -> Option<Payload<'_>> {
        let data = self.data.as_deref()?;
        if self.is_json()
            && let Ok(raw) = serde_json::from_slice::<&RawValue>(data)
        {
            return Some(Payload::Json(raw));
        }
        if self
            .datacontenttype
            .as_deref()
            .is_some_and(is_text_media_type)
            && let Ok(text) = std::str::from_utf8(data)
        {
            return Some(Payload::Text(text));
        }
        Some(Payload::Binary(data))
    }

    /// The attributes as JSON members, in the order they are written.
    fn attributes(&self) -> impl Iterator<Item = (&str, &str)> {
        let optional = [
            ("subject", self.subject.as_deref()),
            ("time", self.time.as_ref().map(|t| t.as_str())),
            ("datacontenttype", self.datacontenttype.as_deref()),
            ("dataschema", self.dataschema.as_deref()),
        ];
        [
            ("specversion", SPEC_VERSION),
            ("id", &*self.id),
            ("source", &*self.source),
            ("type", self.ty.as_str()),
        ]
        .into_iter()
        .chain(optional.into_iter().filter_map(|(k, v)| Some((k, v?))))
        .chain(
            self.extensions
                .iter()
                .filter(|(k, _)| check_extension_name(k).is_ok())
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }

    /// Appends the event in the CloudEvents JSON format to `out`.
    ///
    /// Extensions whose names are not valid (which parsing never produces,
    /// but the fields are public) are left out, so that the output always
    /// parses back. Extension values are written as strings, their canonical form.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        // Writing to a `Vec` cannot fail, and every value here is a string or raw JSON.
        let _ = serde_json::to_writer(out, self);
    }

    /// The event in the CloudEvents JSON format, as a [`Value`] (see
    /// [`CloudEvent::write_json`]).
    pub fn to_json_value(&self) -> Value {
        let mut map: Map<String, Value> = self
            .attributes()
            .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
            .collect();
        match self.payload() {
            Some(Payload::Json(raw)) => {
                let value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
                map.insert("data".to_owned(), value);
            }
            Some(Payload::Text(text)) => {
                map.insert("data".to_owned(), Value::String(text.to_owned()));
            }
            Some(Payload::Binary(bytes)) => {
                map.insert(
                    "data_base64".to_owned(),
                    Value::String(STANDARD.encode(bytes)),
                );
            }
            None => {}
        }
        Value::Object(map)
    }
}

/// Serializes as the CloudEvents JSON format (see [`CloudEvent::write_json`]).
/// Meant for `serde_json`: inline JSON `data` is written as a `RawValue`.
impl Serialize for CloudEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (k, v) in self.attributes() {
            map.serialize_entry(k, v)?;
        }
        match self.payload() {
            Some(Payload::Json(raw)) => map.serialize_entry("data", raw)?,
            Some(Payload::Text(text)) => map.serialize_entry("data", text)?,
            Some(Payload::Binary(bytes)) => {
                map.serialize_entry("data_base64", &STANDARD.encode(bytes))?
            }
            None => {}
        }
        map.end()
    }
}

/// Media types whose data is written as a JSON string when it is UTF-8:
/// `text/*`, `application/xml` and `*/*+xml`.
fn is_text_media_type(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/") || essence == "application/xml" || essence.ends_with("+xml")
}
