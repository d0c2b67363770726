//! [`Limits`]: what a plugin asks the host for, and the host's ceilings.

use crate::{ByteSize, Millis};

/// The limits a plugin's manifest asks for. The host enforces each one on
/// every call; none may exceed the ceilings below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Linear memory of one instance (default 16 MiB, 2 MiB to 4 GiB). Does
    /// not cover the host-side memory of the instance (tables, the component's
    /// code), which the host accounts for separately.
    pub memory: ByteSize,
    /// Wall-clock time for one `handle` or `init` call (default 1s, 1ms to
    /// 60s), enforced by epoch interruption: a call is stopped within one
    /// epoch tick (1 ms) after the deadline.
    pub time_per_batch: Millis,
    /// Output events per call (default 1,000, at most 100,000).
    pub outputs_per_batch: u32,
    /// Size of one call's output frame (default 4 MiB, at most 64 MiB).
    pub output_bytes: ByteSize,
    /// Total size of the plugin's state keys and values (default 1 MiB, at most 1 GiB).
    pub state_quota: ByteSize,
}

impl Limits {
    /// The ceiling on `memory`.
    pub const MAX_MEMORY: ByteSize = ByteSize::mib(4096);
    /// The floor on `memory`: a Rust guest's stack alone takes 1 MiB.
    pub const MIN_MEMORY: ByteSize = ByteSize::mib(2);
    /// The ceiling on `time-per-batch`.
    pub const MAX_TIME: Millis = Millis::new(60_000);
    /// The ceiling on `outputs-per-batch`.
    pub const MAX_OUTPUTS: u32 = 100_000;
    /// The ceiling on `output-bytes`.
    pub const MAX_OUTPUT_BYTES: ByteSize = ByteSize::mib(64);
    /// The ceiling on `state-quota`.
    pub const MAX_STATE: ByteSize = ByteSize::mib(1024);
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory: ByteSize::mib(16),
            time_per_batch: Millis::new(1000),
            outputs_per_batch: 1000,
            output_bytes: ByteSize::mib(4),
            state_quota: ByteSize::mib(1),
        }
    }
}
