//! The crate's one error type.

use std::fmt;

/// Where in a request an error is: which event of a batch, which attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The event's position in a batch (0-based); `None` for a single event.
    pub index: Option<usize>,
    /// The attribute or header at fault, e.g. `source`, `data`, `ce-id`.
    pub field: String,
}

impl Location {
    /// The attribute `field` of a single event.
    pub fn field(field: impl Into<String>) -> Self {
        Self {
            index: None,
            field: field.into(),
        }
    }

    /// The same place, inside event `index` of a batch.
    pub fn in_batch(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }

    /// A JSON-pointer-like path for API errors: `/3/source` or `source`.
    pub fn path(&self) -> String {
        match self.index {
            Some(i) if self.field.is_empty() => format!("/{i}"),
            Some(i) => format!("/{i}/{}", self.field),
            None => self.field.clone(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.index, self.field.is_empty()) {
            (Some(i), true) => write!(f, "event {i}"),
            (Some(i), false) => write!(f, "event {i}, `{}`", self.field),
            (None, true) => f.write_str("the event"),
            (None, false) => write!(f, "`{}`", self.field),
        }
    }
}

/// Everything that can be wrong with an event, a type, a pattern or a request.
///
/// Messages are lowercase, name the value or attribute in backticks and say
/// how to fix it. [`Error::code`] is a stable machine-readable code for API
/// responses; [`Error::field`] the attribute at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An event type is not a valid topic.
    #[error("event type `{value}` is not valid: {why}")]
    InvalidType {
        /// The offending type.
        value: String,
        /// Why, in words.
        why: &'static str,
    },
    /// A type pattern is malformed.
    #[error("type pattern `{value}` is not valid: {why}")]
    InvalidPattern {
        /// The offending pattern.
        value: String,
        /// Why, in words.
        why: &'static str,
    },
    /// A required attribute is missing.
    #[error(
        "{location}: required attribute is missing; every CloudEvent needs `specversion`, `id`, `source` and `type`"
    )]
    Missing {
        /// Where.
        location: Location,
    },
    /// An attribute has the wrong JSON type or an invalid value.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The body is not well-formed JSON.
    #[error("request body is not valid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's words.
        message: String,
    },
    /// The body (or a header) is not UTF-8.
    #[error("{what} is not valid UTF-8 (at byte {offset}); send text encoded as UTF-8")]
    NotUtf8 {
        /// `request body` or a header name.
        what: String,
        /// The first invalid byte.
        offset: usize,
    },
    /// The content type is not one of the CloudEvents HTTP modes we accept.
    /// Empty when the request has no `content-type` (and no `ce-*` headers).
    #[error(
        "{}: send `application/cloudevents+json` (structured), `application/cloudevents-batch+json` \
         (batch), or `ce-*` headers with a data content type (binary)",
        unsupported(.0)
    )]
    UnsupportedContentType(String),
    /// A batch holds no events.
    #[error("{0}")]
    BatchSize(String),
    /// A batch holds more events than [`Limits::max_batch_events`](crate::http::Limits::max_batch_events).
    #[error(
        "the batch holds {count} events, more than the limit of {limit} events per batch; \
         split it into requests of at most {limit} events each"
    )]
    BatchTooLarge {
        /// The events in the batch.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A batch body is valid JSON but not an array.
    #[error(
        "a batch must be a JSON array of events, not {0}; send one event as \
         `application/cloudevents+json`, or wrap it in `[...]`"
    )]
    NotABatch(&'static str),
    /// One event is larger than [`Limits::max_event_bytes`](crate::http::Limits::max_event_bytes),
    /// measured with [`CloudEvent::size`](crate::CloudEvent::size).
    #[error(
        "{location} is {size} bytes, over the limit of {limit} bytes per event; send large \
         payloads by reference (e.g. a URL in `data`)"
    )]
    EventTooLarge {
        /// Which event (`field` is empty).
        location: Location,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

fn unsupported(content_type: &str) -> String {
    if content_type.is_empty() {
        "the request has no `content-type` and no `ce-*` headers".to_owned()
    } else {
        format!("content type `{content_type}` is not supported")
    }
}

impl Error {
    pub(crate) fn invalid_type(value: &str, why: &'static str) -> Self {
        Self::InvalidType {
            value: value.to_owned(),
            why,
        }
    }

    pub(crate) fn invalid_pattern(value: &str, why: &'static str) -> Self {
        Self::InvalidPattern {
            value: value.to_owned(),
            why,
        }
    }

    /// An [`Error::Invalid`] at `location`.
    pub fn invalid(location: Location, message: impl Into<String>) -> Self {
        Self::Invalid {
            location,
            message: message.into(),
        }
    }

    /// A stable code for API responses: `invalid_event`, `invalid_pattern`,
    /// `invalid_json`, `invalid_utf8`, `unsupported_content_type`,
    /// `invalid_batch`, `batch_too_large`, `event_too_large`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidType { .. } | Self::Missing { .. } | Self::Invalid { .. } => {
                "invalid_event"
            }
            Self::InvalidPattern { .. } => "invalid_pattern",
            Self::Json { .. } => "invalid_json",
            Self::NotUtf8 { .. } => "invalid_utf8",
            Self::UnsupportedContentType(_) => "unsupported_content_type",
            Self::BatchSize(_) | Self::NotABatch(_) => "invalid_batch",
            Self::BatchTooLarge { .. } => "batch_too_large",
            Self::EventTooLarge { .. } => "event_too_large",
        }
    }

    /// The attribute at fault, as a path (`/3/source`, or `/3` for a whole
    /// event of a batch), when there is one.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::Missing { location }
            | Self::Invalid { location, .. }
            | Self::EventTooLarge { location, .. } => {
                Some(location.path()).filter(|p| !p.is_empty())
            }
            Self::InvalidType { .. } => Some("type".into()),
            _ => None,
        }
    }

    /// The same error, blamed on `field` instead (e.g. `ce-time` rather than
    /// `time` in binary mode). A bad event type becomes an [`Error::Invalid`].
    pub(crate) fn at_field(self, field: &str) -> Self {
        match self {
            Self::Missing { location } => Self::Missing {
                location: Location {
                    field: field.to_owned(),
                    ..location
                },
            },
            Self::Invalid { location, message } => Self::Invalid {
                location: Location {
                    field: field.to_owned(),
                    ..location
                },
                message,
            },
            Self::InvalidType { value, why } => Self::invalid(
                Location::field(field),
                format!("event type `{value}` is not valid: {why}"),
            ),
            other => other,
        }
    }

    /// The same error, placed inside event `index` of a batch.
    pub fn in_batch(self, index: usize) -> Self {
        match self {
            Self::Missing { location } => Self::Missing {
                location: location.in_batch(index),
            },
            Self::Invalid { location, message } => Self::Invalid {
                location: location.in_batch(index),
                message,
            },
            Self::EventTooLarge {
                location,
                size,
                limit,
            } => Self::EventTooLarge {
                location: location.in_batch(index),
                size,
                limit,
            },
            Self::InvalidType { value, why } => Self::Invalid {
                location: Location::field("type").in_batch(index),
                message: format!("event type `{value}` is not valid: {why}"),
            },
            other => other,
        }
    }
}
