//! The error a plugin reports: a kind the host acts on, a message for people,
//! and the input event at fault. It maps one to one onto the WIT
//! `plugin-error` record, so what a plugin returns is what the host sees.

use core::fmt;

use crate::Event;

/// What went wrong, as far as the plugin can tell; the host decides from it
/// whether to retry. Mirrors the WIT `error-kind` enum.
///
/// ```
/// use cityhub_sdk::{Error, ErrorKind};
/// let err = Error::transient("the upstream register is down, try later");
/// assert_eq!(err.kind(), ErrorKind::Transient);
/// assert_eq!(err.kind().as_str(), "transient");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration given to `init` is unusable. Not retried.
    Config,
    /// An input event is malformed. The batch is not retried.
    InvalidInput,
    /// A temporary failure: the host may retry the batch later.
    Transient,
    /// Any other failure of the plugin's own logic.
    Internal,
}

impl ErrorKind {
    /// The WIT name of the kind: `config`, `invalid-input`, `transient` or
    /// `internal`.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::ErrorKind::InvalidInput.as_str(), "invalid-input");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::InvalidInput => "invalid-input",
            Self::Transient => "transient",
            Self::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error a plugin reports on purpose. A panic or a trap is not one of
/// these: the host treats it as a crash and discards the instance.
///
/// Messages are lowercase, name the thing at fault in backticks and, where
/// they can, say the fix.
///
/// ```
/// use cityhub_sdk::{Error, ErrorKind};
/// let err = Error::config("`alpha` must be in (0, 1], got 1.5");
/// assert_eq!(err.kind(), ErrorKind::Config);
/// assert_eq!(err.to_string(), "config: `alpha` must be in (0, 1], got 1.5");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    event_id: Option<String>,
}

impl Error {
    /// An error of any kind, not tied to an event.
    ///
    /// ```
    /// use cityhub_sdk::{Error, ErrorKind};
    /// let err = Error::new(ErrorKind::Internal, "lookup table is empty");
    /// assert_eq!(err.message(), "lookup table is empty");
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            event_id: None,
        }
    }

    /// The configuration is unusable ([`ErrorKind::Config`]).
    ///
    /// ```
    /// let err = cityhub_sdk::Error::config("`min_samples` must be at least 1");
    /// assert_eq!(err.kind(), cityhub_sdk::ErrorKind::Config);
    /// ```
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// `event` is malformed ([`ErrorKind::InvalidInput`]); the error carries
    /// its id.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("city.traffic.reading").id("r-1")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// let err = cityhub_sdk::Error::invalid_input(&event, "`intensity` must not be negative");
    /// assert_eq!(err.event_id(), Some("r-1"));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn invalid_input(event: &Event<'_>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message).with_event_id(event.id())
    }

    /// A temporary failure the host may retry ([`ErrorKind::Transient`]).
    ///
    /// ```
    /// let err = cityhub_sdk::Error::transient("reference data not loaded yet");
    /// assert_eq!(err.kind(), cityhub_sdk::ErrorKind::Transient);
    /// ```
    pub fn transient(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Transient, message)
    }

    /// Any other failure of the plugin's logic ([`ErrorKind::Internal`]).
    ///
    /// ```
    /// let err = cityhub_sdk::Error::internal("segment table is inconsistent");
    /// assert_eq!(err.kind(), cityhub_sdk::ErrorKind::Internal);
    /// ```
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// The same error, naming `id` as the input event at fault.
    ///
    /// ```
    /// let err = cityhub_sdk::Error::internal("cannot score").with_event_id("r-7");
    /// assert_eq!(err.event_id(), Some("r-7"));
    /// ```
    pub fn with_event_id(mut self, id: impl Into<String>) -> Self {
        self.event_id = Some(id.into());
        self
    }

    /// What went wrong.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::Error::internal("x").kind(), cityhub_sdk::ErrorKind::Internal);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the kind or the event id.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::Error::internal("boom").message(), "boom");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The id of the input event at fault, if there is one.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::Error::internal("boom").event_id(), None);
    /// ```
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }

    /// Splits the error into its kind, message and event id, as the WIT
    /// `plugin-error` record carries them.
    ///
    /// ```
    /// use cityhub_sdk::{Error, ErrorKind};
    /// let (kind, message, id) = Error::internal("boom").with_event_id("e-1").into_parts();
    /// assert_eq!((kind, message.as_str(), id.as_deref()), (ErrorKind::Internal, "boom", Some("e-1")));
    /// ```
    pub fn into_parts(self) -> (ErrorKind, String, Option<String>) {
        (self.kind, self.message, self.event_id)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        if let Some(id) = &self.event_id {
            write!(f, " (event `{id}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_kind_message_and_event() {
        let err = Error::new(ErrorKind::InvalidInput, "`speed` is missing").with_event_id("r-9");
        assert_eq!(
            err.to_string(),
            "invalid-input: `speed` is missing (event `r-9`)"
        );
    }
}
