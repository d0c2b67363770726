//! Checks on context attribute values shared by the JSON format and the
//! binary HTTP mode. Each takes the name to blame (`id` in JSON, `ce-id` in
//! binary mode), so that one rule gives the same words in every mode.

use std::borrow::Cow;

use crate::{Error, EventType, Location, SPEC_VERSION, Timestamp, event::check_extension_name};

/// `specversion`: present and exactly `1.0`.
pub(crate) fn spec_version(field: &str, value: Option<&str>) -> Result<(), Error> {
    match value {
        None => Err(Error::Missing {
            location: Location::field(field),
        }),
        Some(SPEC_VERSION) => Ok(()),
        Some(other) => Err(Error::invalid(
            Location::field(field),
            format!(
                "CloudEvents version `{other}` is not supported; cityhub accepts `{SPEC_VERSION}` only: set it to `{SPEC_VERSION}`"
            ),
        )),
    }
}

/// A required string attribute (`id`, `source`): present and not empty.
pub(crate) fn required(
    field: &str,
    value: Option<Cow<'_, str>>,
    hint: &str,
) -> Result<String, Error> {
    match value {
        None => Err(Error::Missing {
            location: Location::field(field),
        }),
        Some(v) if v.is_empty() => Err(Error::invalid(
            Location::field(field),
            format!("must not be empty; {hint}"),
        )),
        Some(v) => Ok(v.into_owned()),
    }
}

/// An optional string attribute (`subject`, `datacontenttype`, `dataschema`):
/// absent, or not empty.
pub(crate) fn optional(field: &str, value: Option<Cow<'_, str>>) -> Result<Option<String>, Error> {
    match value {
        Some(v) if v.is_empty() => Err(Error::invalid(
            Location::field(field),
            "must not be empty; leave the attribute out instead",
        )),
        other => Ok(other.map(Cow::into_owned)),
    }
}

/// `type`: present, and a valid [`EventType`].
pub(crate) fn event_type(field: &str, value: Option<&str>) -> Result<EventType, Error> {
    match value {
        None => Err(Error::Missing {
            location: Location::field(field),
        }),
        Some(v) => EventType::new(v).map_err(|e| e.at_field(field)),
    }
}

/// `time`: absent, or RFC 3339.
pub(crate) fn time(field: &str, value: Option<&str>) -> Result<Option<Timestamp>, Error> {
    value
        .map(|v| Timestamp::parse(v).map_err(|e| e.at_field(field)))
        .transpose()
}

/// An extension attribute's name, blamed on `field` (the member or header).
pub(crate) fn extension_name(field: &str, name: &str) -> Result<(), Error> {
    check_extension_name(name).map_err(|message| Error::invalid(Location::field(field), message))
}

/// What to say when `id` is empty.
pub(crate) const ID_HINT: &str = "give each event an id unique within its `source`, e.g. a UUID";
/// What to say when `source` is empty.
pub(crate) const SOURCE_HINT: &str = "name the producer, e.g. `/sensors/cau-giay/42`";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blames_the_field_it_is_given() {
        let err = time("ce-time", Some("yesterday")).unwrap_err();
        assert_eq!(err.field().as_deref(), Some("ce-time"));
        let err = event_type("ce-type", Some("city traffic")).unwrap_err();
        assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
        assert_eq!(err.field().as_deref(), Some("ce-type"));
        let err = spec_version("specversion", Some("0.3"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`0.3` is not supported") && err.contains("set it to `1.0`"),
            "{err}"
        );
    }
}
