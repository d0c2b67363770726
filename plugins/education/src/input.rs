//! Checks shared by the inputs: names and ids of bounded length, and
//! RFC 3339 times, each failing with an invalid-input error that names the
//! event and the field.

use cityhub_sdk::{Error, Event, Timestamp};

/// The longest id or name an input may carry (school and incident ids,
/// names, categories), in bytes: they are kept in state.
pub const MAX_NAME: usize = 200;

/// An invalid-input error about `data.<field>`.
pub fn bad(event: &Event<'_>, field: &str, why: impl std::fmt::Display) -> Error {
    Error::invalid_input(event, format!("`data.{field}` {why}"))
}

/// Checks that `text` is 1 to [`MAX_NAME`] bytes.
pub fn name(event: &Event<'_>, field: &str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() || text.len() > MAX_NAME {
        return Err(bad(
            event,
            field,
            format!(
                "must be 1 to {MAX_NAME} bytes and not blank, got {} bytes",
                text.len()
            ),
        ));
    }
    Ok(())
}

/// Parses `text` as an RFC 3339 date-time.
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
