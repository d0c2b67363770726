//! The seam between the SDK and whatever hosts it: the `log`, `state` and
//! `clock` imports of the WIT world. In a wasm build the SDK implements it
//! with the component's imports; natively
//! [`testing::MemoryHost`](crate::testing::MemoryHost) implements it in
//! memory. Plugins never call it directly: they use the
//! [`Context`](crate::Context), which caches state on top of it.

use core::fmt;

use crate::{Level, Timestamp};

/// What a plugin instance can ask of its host. One method per WIT import
/// function, plus two hooks around each batch for hosts that make a batch's
/// state writes atomic.
///
/// You need this only to run plugins on a host of your own, e.g. with
/// [`testing::NativeRunner::with_host`](crate::testing::NativeRunner::with_host).
///
/// ```
/// use cityhub_sdk::{Host, Level, StateError, Timestamp};
///
/// /// A host with no state at all and a clock stuck at the epoch.
/// struct Stateless;
///
/// impl Host for Stateless {
///     fn state_get(&mut self, _key: &str) -> Option<Vec<u8>> { None }
///     fn state_set(&mut self, _key: &str, _value: &[u8]) -> Result<(), StateError> { Err(StateError::NotWritable) }
///     fn state_delete(&mut self, _key: &str) -> Result<(), StateError> { Err(StateError::NotWritable) }
///     fn log(&mut self, _level: Level, _message: &str, _fields: &[(&str, &str)]) {}
///     fn now(&mut self) -> Timestamp { Timestamp::UNIX_EPOCH }
/// }
/// ```
pub trait Host {
    /// Reads a state value, or `None` when the key is not set. Called at most
    /// once per key per batch: the SDK remembers the answer.
    fn state_get(&mut self, key: &str) -> Option<Vec<u8>>;

    /// Writes a state value. Called once per changed key, at the end of the
    /// batch or on [`State::flush`](crate::State::flush).
    fn state_set(&mut self, key: &str, value: &[u8]) -> Result<(), StateError>;

    /// Removes a key; removing a missing key is not an error. Called like
    /// [`state_set`](Host::state_set).
    fn state_delete(&mut self, key: &str) -> Result<(), StateError>;

    /// Writes one log record with key-value fields. Never fails.
    fn log(&mut self, level: Level, message: &str, fields: &[(&str, &str)]);

    /// The current wall-clock time.
    fn now(&mut self) -> Timestamp;

    /// Called before each batch. A host that commits a batch's state writes
    /// together (as the real host does) starts its transaction here.
    fn begin_batch(&mut self) {}

    /// Called after each batch with whether it succeeded: a host commits the
    /// batch's state writes on success and drops them on failure.
    fn end_batch(&mut self, succeeded: bool) {
        let _ = succeeded;
    }
}

/// Why the host refused a state write. Mirrors the WIT `state-error` variant.
///
/// ```
/// let err = cityhub_sdk::StateError::QuotaExceeded(65_536);
/// assert_eq!(err.to_string(), "the write would exceed the state quota of 65536 bytes");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateError {
    /// The write would take the plugin over its quota (in bytes).
    QuotaExceeded(u64),
    /// The key is not 1 to 256 bytes of UTF-8; the host's explanation.
    InvalidKey(String),
    /// State cannot be written here (e.g. during `init`).
    NotWritable,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::QuotaExceeded(quota) => {
                write!(f, "the write would exceed the state quota of {quota} bytes")
            }
            Self::InvalidKey(why) => write!(f, "invalid key: {why}"),
            Self::NotWritable => {
                f.write_str("state is not writable here; it is only during `handle`")
            }
        }
    }
}

impl std::error::Error for StateError {}
