//! Helpers the inputs share to refuse malformed data with an invalid-input
//! error that names the event and the field.

use cityhub_sdk::{Error, Event, Timestamp};

/// The invalid-input error for `data.<field>` of `event`, saying `why`.
pub fn bad(event: &Event<'_>, field: &str, why: impl std::fmt::Display) -> Error {
    Error::invalid_input(event, format!("`data.{field}` {why}"))
}

/// `text`, the RFC 3339 date-time in `data.<field>`.
pub fn time(event: &Event<'_>, field: &str, text: &str) -> Result<Timestamp, Error> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| {
        bad(
            event,
            field,
            format!(
                "must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got {text:?}"
            ),
        )
    })
}

/// Checks that the id in `data.<field>` is 1 to `max` bytes.
pub fn id(event: &Event<'_>, field: &str, text: &str, max: usize) -> Result<(), Error> {
    if text.is_empty() || text.len() > max {
        return Err(bad(
            event,
            field,
            format!("must be 1 to {max} bytes, got {}", text.len()),
        ));
    }
    Ok(())
}

/// Checks that `data.<field>` is a finite number of at least 0.
pub fn non_negative(event: &Event<'_>, field: &str, v: f64) -> Result<(), Error> {
    if !(v.is_finite() && v >= 0.0) {
        return Err(bad(event, field, format!("must be 0 or more, got {v}")));
    }
    Ok(())
}
