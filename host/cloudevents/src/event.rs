//! [`CloudEvent`]: one validated event, owned.

use std::{collections::BTreeMap, fmt};

use bytes::Bytes;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::{Error, EventType, Location};

/// The only `specversion` accepted.
pub const SPEC_VERSION: &str = "1.0";

/// An RFC 3339 timestamp with an offset, kept as the sender wrote it (so that
/// `+07:00`, the province's offset, survives a round trip).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: String,
    at: OffsetDateTime,
}

impl Timestamp {
    /// Parses RFC 3339 text, e.g. `2026-11-27T08:00:00+07:00`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let at = OffsetDateTime::parse(text, &Rfc3339).map_err(|e| {
            Error::invalid(
                Location::field("time"),
                format!("`{text}` is not an RFC 3339 timestamp ({e}); write e.g. `2026-11-27T08:00:00+07:00`"),
            )
        })?;
        Ok(Self {
            text: text.to_owned(),
            at,
        })
    }

    /// A timestamp for `at`, written in RFC 3339 with its own offset.
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        let text = at
            .format(&Rfc3339)
            .unwrap_or_else(|_| at.unix_timestamp().to_string());
        Self { text, at }
    }

    /// Now, in UTC.
    pub fn now() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    /// The text as received.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant.
    pub fn datetime(&self) -> OffsetDateTime {
        self.at
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.text)
    }
}

/// One CloudEvents 1.0 event, validated: `id` and `source` are non-empty,
/// `type` is an [`EventType`], `time` is RFC 3339, extension names are 1-20
/// lowercase ASCII letters or digits (as the spec says) and their values are
/// kept in their canonical string form.
///
/// `data` holds the payload bytes: for JSON events (`datacontenttype` absent or
/// JSON) the JSON text itself; for others the decoded bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudEvent {
    /// `id`: unique within `source`.
    pub id: String,
    /// `source`: a URI-reference naming the producer.
    pub source: String,
    /// `type`.
    pub ty: EventType,
    /// `subject`.
    pub subject: Option<String>,
    /// `time`.
    pub time: Option<Timestamp>,
    /// `datacontenttype`.
    pub datacontenttype: Option<String>,
    /// `dataschema`.
    pub dataschema: Option<String>,
    /// Extension attributes, by name.
    pub extensions: BTreeMap<String, String>,
    /// `data`.
    pub data: Option<Bytes>,
}

impl CloudEvent {
    /// A minimal event; set the other fields directly.
    pub fn new(id: impl Into<String>, source: impl Into<String>, ty: EventType) -> Self {
        Self {
            id: id.into(),
            source: source.into(),
            ty,
            subject: None,
            time: None,
            datacontenttype: None,
            dataschema: None,
            extensions: BTreeMap::new(),
            data: None,
        }
    }

    /// Whether `data` is JSON: `datacontenttype` is absent, `application/json`,
    /// `text/json` or any `+json` type (parameters such as `charset` ignored).
    pub fn is_json(&self) -> bool {
        self.datacontenttype
            .as_deref()
            .is_none_or(is_json_media_type)
    }

    /// The number of bytes this event takes, roughly as stored (attributes +
    /// data); used for size limits.
    pub fn size(&self) -> usize {
        self.id.len()
            + self.source.len()
            + self.ty.as_str().len()
            + self.subject.as_ref().map_or(0, String::len)
            + self.time.as_ref().map_or(0, |t| t.as_str().len())
            + self.datacontenttype.as_ref().map_or(0, String::len)
            + self.dataschema.as_ref().map_or(0, String::len)
            + self
                .extensions
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum::<usize>()
            + self.data.as_ref().map_or(0, Bytes::len)
    }
}

/// Whether a media type is JSON (`application/json`, `text/json`, `*/*+json`).
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// Checks an extension attribute name: 1 to 20 lowercase ASCII letters or digits,
/// and not a context attribute's name.
pub fn check_extension_name(name: &str) -> Result<(), String> {
    const RESERVED: [&str; 10] = [
        "specversion",
        "id",
        "source",
        "type",
        "subject",
        "time",
        "datacontenttype",
        "dataschema",
        "data",
        "data_base64",
    ];
    if name.is_empty()
        || name.len() > 20
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(format!(
            "extension attribute `{name}` has an invalid name: names are 1 to 20 lowercase ASCII letters or digits"
        ));
    }
    if RESERVED.contains(&name) {
        return Err(format!("`{name}` is a context attribute, not an extension"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_keep_their_offset() {
        let t = Timestamp::parse("2026-11-27T08:00:00+07:00").unwrap();
        assert_eq!(t.as_str(), "2026-11-27T08:00:00+07:00");
        assert_eq!(t.datetime().offset().whole_hours(), 7);
        let err = Timestamp::parse("27/11/2026").unwrap_err().to_string();
        assert!(
            err.contains("`27/11/2026` is not an RFC 3339 timestamp"),
            "{err}"
        );
    }

    #[test]
    fn json_media_types() {
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/geo+json"));
        assert!(!is_json_media_type("text/plain"));
    }

    #[test]
    fn extension_names_follow_the_spec() {
        assert!(check_extension_name("partitionkey").is_ok());
        assert!(check_extension_name("Partition").is_err());
        assert!(check_extension_name("a_b").is_err());
        assert!(check_extension_name("thisnameiswaytoolongforaspec").is_err());
        assert!(check_extension_name("subject").is_err());
    }
}
