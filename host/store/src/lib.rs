//! The event log, consumer positions and plugin state: the only place in
//! cityhub with SQL.
//!
//! A [`Store`] is opened from a URL and runs on one of two backends:
//!
//! - `sqlite://path/to/file.db` (the embedded default): one file, created with
//!   its folder if missing, in WAL mode with `synchronous=NORMAL`. A commit is
//!   durable against a crash of the process (what we promise and test); a
//!   power loss or OS crash may lose the last commits before a checkpoint.
//!   Add `?durable=full` for `synchronous=FULL`, which survives power loss at
//!   the price of an fsync per commit. `:memory:` is refused: the host needs a
//!   file.
//! - `postgres://user@host:5432/database`: for a shared or replicated log.
//!
//! The log is append-only and ordered by [`Seq`], which strictly increases
//! (with gaps) and starts at 1. Appends are idempotent on (`source`, `id`).
//! Consumers (routes) read the log in order, then [`Store::commit_batch`] their
//! output events, state changes, dead letters and new position in one
//! transaction, so a crash never leaves a batch half-applied.
//!
//! Read models kept from the log live here too: `service_requests`, the
//! Open311 view of field reports ([`Store::project_service_requests`]), and
//! the ops read model of KPIs, alerts, map places and the event-time now
//! ([`ops`], [`Store::project_ops`]).
//!
//! Access: API tokens, kept only as hashes ([`Store::create_token`],
//! [`Store::token_by_hash`]), and the audit log ([`Store::audit`],
//! [`Store::audit_log`]), append-only in the database itself.

mod audit;
mod batch;
mod claim;
mod db;
mod dead_letters;
mod error;
mod events;
mod open;
pub mod ops;
mod positions;
mod retention;
mod row;
mod service_requests;
mod shared;
mod sql;
mod state;
mod store;
mod tokens;

pub use audit::{AuditEntry, AuditQuery, AuditRecord, MAX_AUDIT_LIMIT};
pub use batch::{BatchCommit, Shared};
pub use claim::HostClaim;
pub use dead_letters::{DeadLetter, DeadLetterQuery, DeadLetterStatus, NewDeadLetter};
pub use error::Error;
pub use events::{Appended, EventQuery, StoredEvent};
pub use ops::{
    AlertAction, AlertQuery, AlertRow, AlertUpdate, Assignment, KpiPoint, KpiRow, KpiUpdate, Mark,
    OpsWindow, Place, PlaceChange,
};
pub use service_requests::{ProjectionMode, ServiceRequestQuery, ServiceRequestRow};
pub use shared::{Lock, Turns};
pub use store::{Backend, Store};
pub use tokens::{NewToken, TokenRow};

/// A position in the log: strictly increasing, starting at 1; `0` means
/// "before the first event". Seqs may have gaps (PostgreSQL spends sequence
/// values on duplicates and rolled-back appends).
pub type Seq = i64;
