//! [`BatchFailure`]: why a batch failed, classified.

use std::fmt;

/// What kind of failure ended a batch. Every kind discards the instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The call ran past `time-per-batch`.
    Deadline,
    /// The instance tried to grow its memory past `memory`.
    MemoryLimit,
    /// The guest's wasm stack overflowed.
    StackOverflow,
    /// Any other trap: a panic, `unreachable`, a bad memory access.
    Trap,
    /// More output events than `outputs-per-batch`.
    TooManyOutputs,
    /// An output frame larger than `output-bytes`.
    OutputTooLarge,
    /// An output whose type does not match `publishes`.
    UndeclaredType,
    /// An output frame or event that is malformed.
    BadOutput,
    /// The plugin returned an error on purpose; see [`PluginErrorKind`].
    Plugin(PluginErrorKind),
    /// A fresh instance could not be started (`init` failed or trapped).
    Start,
}

/// The kind of an error a plugin reported itself (WIT `error-kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PluginErrorKind {
    /// Its configuration is unusable.
    Config,
    /// An input event is malformed.
    InvalidInput,
    /// Temporary; worth retrying.
    Transient,
    /// Anything else.
    Internal,
}

impl FailureKind {
    /// Whether trying the same batch again could succeed: every kind but a
    /// plugin's own `invalid-input` and `config` errors.
    pub fn is_retryable(self) -> bool {
        !matches!(
            self,
            Self::Plugin(PluginErrorKind::InvalidInput | PluginErrorKind::Config)
        )
    }

    /// A short stable label, for metrics and logs.
    pub fn label(self) -> &'static str {
        match self {
            Self::Deadline => "deadline",
            Self::MemoryLimit => "memory_limit",
            Self::StackOverflow => "stack_overflow",
            Self::Trap => "trap",
            Self::TooManyOutputs => "too_many_outputs",
            Self::OutputTooLarge => "output_too_large",
            Self::UndeclaredType => "undeclared_type",
            Self::BadOutput => "bad_output",
            Self::Plugin(PluginErrorKind::Config) => "plugin_config",
            Self::Plugin(PluginErrorKind::InvalidInput) => "plugin_invalid_input",
            Self::Plugin(PluginErrorKind::Transient) => "plugin_transient",
            Self::Plugin(PluginErrorKind::Internal) => "plugin_internal",
            Self::Start => "start",
        }
    }
}

/// A failed batch: what kind, why in words, and the input event at fault if known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFailure {
    /// The kind.
    pub kind: FailureKind,
    /// Why, in words, naming the limit or the plugin's own message.
    pub reason: String,
    /// The input event the plugin blamed, if it named one.
    pub event_id: Option<String>,
}

impl BatchFailure {
    pub(crate) fn new(kind: FailureKind, reason: impl Into<String>) -> Self {
        Self {
            kind,
            reason: reason.into(),
            event_id: None,
        }
    }
}

impl fmt::Display for BatchFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason, self.kind.label())?;
        if let Some(id) = &self.event_id {
            write!(f, " at event `{id}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for BatchFailure {}
