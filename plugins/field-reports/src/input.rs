//! The inputs, read in place and checked field by field: a citizen's report
//! (`city.fieldreport.submitted`), an agency's update
//! (`city.fieldreport.progress`) and the host's clock tick. Errors are
//! invalid-input errors naming the event and the field.

use std::borrow::Cow;
use std::fmt;

use cityhub_sdk::{Error, Event, Timestamp};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

use crate::request::{KEY_PREFIX, Status};

/// The longest `service_request_id`: `req/<id>` must fit a 256-byte state key.
pub const MAX_REQUEST_ID: usize = 256 - KEY_PREFIX.len();

/// The data of a `city.fieldreport.submitted` event (Open311 GeoReport v2
/// names). The citizen's contact never comes here (the host sends it apart,
/// as personal data, to plugins approved for it); any other field is
/// accepted and never read, so it cannot leak into outputs or state.
#[derive(Debug, Deserialize)]
pub struct Submitted<'a> {
    /// The request's id, given by the host (or the simulator).
    #[serde(borrow)]
    pub service_request_id: Cow<'a, str>,
    /// The service the citizen chose, if any.
    #[serde(default, borrow)]
    pub service_code: Option<Cow<'a, str>>,
    /// What the citizen wrote, passed through byte for byte.
    #[serde(default, borrow)]
    pub description: Option<Cow<'a, str>>,
    /// WGS84 latitude (a number, or a number in a string as forms send it).
    #[serde(default, deserialize_with = "coordinate")]
    pub lat: Option<f64>,
    /// WGS84 longitude.
    #[serde(default, deserialize_with = "coordinate")]
    pub long: Option<f64>,
    /// The address as the citizen wrote it.
    #[serde(default, borrow)]
    pub address_string: Option<Cow<'a, str>>,
    /// The address's id in the city's address register.
    #[serde(default, borrow)]
    pub address_id: Option<Cow<'a, str>>,
    /// A photo.
    #[serde(default, borrow)]
    pub media_url: Option<Cow<'a, str>>,
    /// When it was submitted, RFC 3339; the event's `time` if absent.
    #[serde(default, borrow)]
    pub requested_datetime: Option<Cow<'a, str>>,
}

/// The data of a `city.fieldreport.progress` event: an agency's update.
#[derive(Debug, Deserialize)]
pub struct Progress<'a> {
    /// The request updated.
    #[serde(borrow)]
    pub service_request_id: Cow<'a, str>,
    /// `open` or `closed`.
    pub status: Status,
    /// What the agency says, passed through byte for byte.
    #[serde(default, borrow)]
    pub status_notes: Option<Cow<'a, str>>,
    /// When the agency updated it, RFC 3339.
    #[serde(borrow)]
    pub updated_datetime: Cow<'a, str>,
    /// A new responsible agency, when the request is handed over.
    #[serde(default, borrow)]
    pub agency_responsible: Option<Cow<'a, str>>,
}

/// The data of a `cityhub.clock.tick` event.
#[derive(Debug, Deserialize)]
pub struct Tick<'a> {
    /// The host's time, RFC 3339.
    #[serde(borrow)]
    pub now: Cow<'a, str>,
}

/// An invalid-input error about `data.<field>` of `event`.
fn bad(event: &Event<'_>, field: &str, why: impl fmt::Display) -> Error {
    Error::invalid_input(event, format!("`data.{field}` {why}"))
}

/// Parses `text` as the RFC 3339 time in `data.<field>`.
pub fn time(event: &Event<'_>, field: &str, text: &str) -> Result<Timestamp, Error> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| {
        bad(
            event,
            field,
            format_args!(
                "must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got {text:?}"
            ),
        )
    })
}

/// The event's `time`, if it has one; an unreadable one is an error.
pub fn event_time(event: &Event<'_>) -> Result<Option<Timestamp>, Error> {
    event
        .time()
        .map(|text| {
            Timestamp::parse_rfc3339(text).ok_or_else(|| {
                Error::invalid_input(
                    event,
                    format!("`time` must be an RFC 3339 date-time, got {text:?}"),
                )
            })
        })
        .transpose()
}

/// Checks a request id and that the event's subject, if any, is the same.
fn check_id(event: &Event<'_>, id: &str) -> Result<(), Error> {
    if id.trim().is_empty() || id.len() > MAX_REQUEST_ID {
        return Err(bad(
            event,
            "service_request_id",
            format_args!(
                "must be 1 to {MAX_REQUEST_ID} bytes, not blank, got {} bytes",
                id.len()
            ),
        ));
    }
    if let Some(subject) = event.subject().filter(|s| *s != id) {
        return Err(bad(
            event,
            "service_request_id",
            format_args!(
                "({id:?}) is not the event's `subject` ({subject:?}): they must be the same request id"
            ),
        ));
    }
    Ok(())
}

impl Submitted<'_> {
    /// Checks what serde cannot, and returns when the report was submitted.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        check_id(event, &self.service_request_id)?;
        match (self.lat, self.long) {
            (Some(lat), _) if !(-90.0..=90.0).contains(&lat) => {
                return Err(bad(
                    event,
                    "lat",
                    format_args!("must be a latitude, -90 to 90, got {lat}"),
                ));
            }
            (_, Some(long)) if !(-180.0..=180.0).contains(&long) => {
                return Err(bad(
                    event,
                    "long",
                    format_args!("must be a longitude, -180 to 180, got {long}"),
                ));
            }
            (Some(_), None) => {
                return Err(bad(
                    event,
                    "long",
                    "is missing: `lat` and `long` come together",
                ));
            }
            (None, Some(_)) => {
                return Err(bad(
                    event,
                    "lat",
                    "is missing: `lat` and `long` come together",
                ));
            }
            _ => {}
        }
        let located = self.lat.is_some()
            || self
                .address_string
                .as_deref()
                .is_some_and(|a| !a.trim().is_empty())
            || self
                .address_id
                .as_deref()
                .is_some_and(|a| !a.trim().is_empty());
        if !located {
            return Err(Error::invalid_input(
                event,
                "`data` has no location: give `lat` and `long`, `address_string` or `address_id` (Open311 GeoReport v2 needs one)",
            ));
        }
        if let Some(text) = &self.requested_datetime {
            return time(event, "requested_datetime", text);
        }
        event_time(event)?.ok_or_else(|| {
            bad(
                event,
                "requested_datetime",
                "is missing and the event has no `time`: give one of them",
            )
        })
    }
}

impl Progress<'_> {
    /// Checks what serde cannot, and returns when the agency updated it.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        check_id(event, &self.service_request_id)?;
        if self
            .agency_responsible
            .as_deref()
            .is_some_and(|a| a.trim().is_empty())
        {
            return Err(bad(
                event,
                "agency_responsible",
                "is blank: name the agency the request is handed to, or leave it out",
            ));
        }
        time(event, "updated_datetime", &self.updated_datetime)
    }
}

/// A latitude or longitude: a number, or a number in a string.
fn coordinate<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct Degrees;
    impl<'de> Visitor<'de> for Degrees {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number of degrees")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(Some(n)),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_option(Degrees)
}
