//! Read models kept from the log by the host itself, each a consumer of the
//! log with a position of its own that retention respects:
//!
//! - [`open311`]: the Open311 view of field reports (`projection:open311`),
//!   read by the GeoReport API; [`crate::Bus::wait_projected`].
//! - [`ops`]: the operations centre's KPIs, alerts and operator actions,
//!   map places and event-time now (`projection:ops`), read by the ops API;
//!   [`crate::Bus::wait_ops_projected`].
//!
//! Each runs as one task ([`runner`]) that wakes on every append, so an
//! event is in its read model milliseconds after it is stored, and commits
//! each window's changes with its new position in one transaction. A restart
//! resumes from the committed position; a first start reads the whole log.

pub mod open311;
pub mod ops;
mod runner;

use std::sync::Arc;

use cityhub_store::{Seq, Store, StoredEvent};

pub(crate) use runner::{follow, run};

/// A read model the host keeps from the log: what it makes of a window of
/// events, and how it commits that with its position.
pub(crate) trait Projection: Send + 'static {
    /// The key of its position, e.g. `projection:open311`.
    const CONSUMER: &'static str;
    /// How logs name it, e.g. "the Open311 projection".
    const NAME: &'static str;
    /// The changes of one window.
    type Changes: Send + 'static;

    /// The changes a window of the log makes, or `None` when it makes none
    /// (then only the position moves). Called for every window, in log
    /// order; a window whose commit failed is collected again.
    fn collect(&mut self, window: &[Arc<StoredEvent>]) -> Option<Self::Changes>;

    /// Commits `changes` and the new `position` in one transaction.
    fn commit(
        store: &Store,
        position: Seq,
        changes: Self::Changes,
    ) -> impl Future<Output = Result<(), cityhub_store::Error>> + Send;

    /// Told after each [`Projection::commit`] whether it committed, for a
    /// projection that remembers what it wrote.
    fn settle(&mut self, _committed: bool) {}
}
