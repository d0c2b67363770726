//! The plugin runtime: runs each plugin as a sandboxed WebAssembly component.
//!
//! - [`Runtime`] owns the one wasmtime `Engine` (pooling allocator, epoch
//!   interruption), the one `Linker` for the `cityhub:plugin` world (WASI p2
//!   with nothing granted, plus our [`capabilities`]), the epoch ticker and the
//!   on-disk cache of compiled components.
//! - [`Runtime::load`] turns a manifest + component into a [`Plugin`]: compiled
//!   once (or loaded from the cache), checked against the world version, and
//!   pre-instantiated (`InstancePre`); [`Runtime::load_approved`] also fixes
//!   what the city approves ([`Approval`]: output types, data classes).
//! - A [`Worker`] runs batches on one instance of a plugin at a time. Any
//!   failure (trap, deadline, memory limit, too many or undeclared outputs)
//!   fails that batch only: the instance is discarded and a fresh one serves
//!   the next batch. Failures are counted in [`PluginStats`] and logged with the
//!   plugin's name and the batch's event ids. A call that succeeds after
//!   80% or more of its `time-per-batch` is counted and warned about
//!   ([`NearDeadline`]); what a plugin prints is taken and discarded, and
//!   its log records are bounded per call ([`capabilities`]).
//! - [`StateMap`] is a plugin's committed key-value state; each batch writes to
//!   a transaction over it, which the caller commits with the batch's outputs.

mod approval;
mod bindings;
mod cache;
pub mod capabilities;
mod error;
mod failure;
mod host_state;
mod instance;
mod near_deadline;
mod output;
mod plugin;
mod runtime;
mod state;
mod stats;
mod stdio;
mod worker;

pub use approval::Approval;
pub use error::Error;
pub use failure::{BatchFailure, FailureKind, PluginErrorKind};
pub use instance::{BatchOutput, Instance};
pub use near_deadline::NearDeadline;
pub use output::{PLUGIN_VERSION, decode_outputs};
pub use plugin::Plugin;
pub use runtime::{Runtime, RuntimeConfig, SUPPORTED_WORLD};
pub use state::{StateMap, StateWrite};
pub use stats::{BUCKETS, Histogram, PluginStats, quantile};
pub use worker::Worker;
