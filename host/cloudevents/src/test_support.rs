//! Helpers shared by the unit tests: one assertion for an error's variant
//! (by its code), field path and words.

use crate::Error;

/// Asserts `err`'s [`Error::code`], [`Error::field`], and that its message
/// holds every one of `words`.
#[track_caller]
pub(crate) fn assert_error(err: &Error, code: &str, field: Option<&str>, words: &[&str]) {
    let message = err.to_string();
    assert_eq!(err.code(), code, "{message}");
    assert_eq!(err.field().as_deref(), field, "{message}");
    for word in words {
        assert!(message.contains(word), "{word:?} not in {message:?}");
    }
    assert!(
        message.starts_with(|c: char| !c.is_uppercase()),
        "not lowercase: {message}"
    );
}
