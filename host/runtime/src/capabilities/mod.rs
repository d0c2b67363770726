//! The host side of the `cityhub:plugin` imports, one module per WIT interface.
//!
//! Each is a trait impl on the instance's store data; the linker in
//! [`crate::Runtime`] wires them up once at start-up. They are called
//! synchronously from inside a plugin call, so they never block on I/O: state
//! reads and writes touch only the in-memory batch transaction, and log
//! records go to `tracing`.

mod clock;
mod log;
mod state;

/// The longest log message kept, in bytes; longer ones are cut.
pub const MAX_LOG_MESSAGE: usize = 4096;
/// The most fields kept per log record.
pub const MAX_LOG_FIELDS: usize = 32;
