//! Read models kept from the log by the host itself. One so far: the Open311
//! view of field reports ([`open311`]), consumer `projection:open311`.
//!
//! The task reads the log after its committed position (from the in-memory
//! tail when it reaches back that far), turns the events it cares about into
//! row changes, and commits them with its new position in one transaction
//! ([`cityhub_store::Store::project_service_requests`]). It wakes on every
//! append, like the routes, so a report is in the read model milliseconds
//! after its event is stored; [`crate::Bus::wait_projected`] waits for that
//! (read-your-writes for `POST /open311/v2/requests.json`). A restart
//! resumes from the committed position; a first start reads the whole log.
//! Retention keeps what it has not read. A store error is logged and the
//! window tried again after a pause.

pub mod open311;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use cityhub_store::Seq;
use tokio::sync::watch;
use tracing::warn;

use crate::core::Core;

/// The consumer id of the Open311 projection (its position's key).
pub const CONSUMER: &str = "projection:open311";

/// Events read per window.
const WINDOW: u32 = 1_000;

/// A position with no change to write is saved after this many events...
const SAVE_EVERY_EVENTS: Seq = 10_000;
/// ...or this long.
const SAVE_EVERY: Duration = Duration::from_secs(5);

/// The last position stored.
struct Saved {
    at: Seq,
    when: Instant,
}

/// The pause after a store error.
const BACKOFF: Duration = Duration::from_millis(500);

/// Runs until shutdown, publishing its committed position on `position`.
pub(crate) async fn run(
    core: Arc<Core>,
    position: watch::Sender<Seq>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut at = loop {
        match core.store.position_or_init(CONSUMER, 0).await {
            Ok(p) => break p,
            Err(e) => warn!("the Open311 projection cannot read its position, will try again: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(BACKOFF) => {}
            _ = shutdown.changed() => return,
        }
    };
    position.send_replace(at);
    let mut saved = Saved {
        at,
        when: Instant::now(),
    };
    loop {
        let notified = core.appended.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if *shutdown.borrow() {
            return;
        }
        match step(&core, at, &mut saved).await {
            Ok(Some(next)) => {
                at = next;
                position.send_replace(at);
                continue;
            }
            Ok(None) => {}
            Err(e) => {
                warn!("the Open311 projection failed, will try again: {e}");
                tokio::select! {
                    _ = tokio::time::sleep(BACKOFF) => {}
                    _ = shutdown.changed() => return,
                }
                continue;
            }
        }
        // Idle at the end of the log: an unsaved position is saved once it
        // is due, so retention is not held back by a quiet log.
        let unsaved = saved.at < at;
        let due = SAVE_EVERY.saturating_sub(saved.when.elapsed());
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep(due), if unsaved => {
                match core.store.set_position(CONSUMER, at).await {
                    Ok(()) => saved = Saved { at, when: Instant::now() },
                    Err(e) => {
                        warn!("the Open311 projection cannot save its position, will try again: {e}");
                        saved.when = Instant::now();
                    }
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}

/// Projects one window after `at`; the new position, or `None` at the end
/// of the log.
async fn step(
    core: &Core,
    at: Seq,
    saved: &mut Saved,
) -> Result<Option<Seq>, cityhub_store::Error> {
    let window = core.read_after(at, WINDOW).await?;
    let Some(last) = window.last().map(|e| e.seq) else {
        return Ok(None);
    };
    let changes: Vec<_> = window.iter().filter_map(|e| open311::change(e)).collect();
    if changes.is_empty() {
        // Nothing to write: the stored position is only where a restart
        // resumes and what retention keeps, so it is saved now and then
        // rather than with a transaction per append.
        if last - saved.at >= SAVE_EVERY_EVENTS || saved.when.elapsed() >= SAVE_EVERY {
            core.store.set_position(CONSUMER, last).await?;
            *saved = Saved {
                at: last,
                when: Instant::now(),
            };
        }
    } else {
        core.store
            .project_service_requests(CONSUMER, last, changes)
            .await?;
        *saved = Saved {
            at: last,
            when: Instant::now(),
        };
    }
    Ok(Some(last))
}
