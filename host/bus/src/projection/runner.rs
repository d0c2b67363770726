//! The task that keeps one [`Projection`] up to date with the log.
//!
//! It reads the log after its committed position (from the in-memory tail
//! when it reaches back that far), lets the projection turn the window into
//! changes, and commits them with the new position in one transaction. It
//! wakes on every append, like the routes. A window with nothing to write
//! moves the position in memory only; the stored position follows every
//! [`SAVE_EVERY_EVENTS`] events or [`SAVE_EVERY`], and once due while the
//! log is quiet, so retention is never held back for long. A store error is
//! logged and the window tried again after a pause.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use cityhub_store::Seq;
use tokio::sync::watch;
use tracing::warn;

use super::Projection;
use crate::core::Core;

/// Events read per window.
const WINDOW: u32 = 1_000;

/// A position with no change to write is saved after this many events...
const SAVE_EVERY_EVENTS: Seq = 10_000;
/// ...or this long.
const SAVE_EVERY: Duration = Duration::from_secs(5);

/// The pause after a store error.
const BACKOFF: Duration = Duration::from_millis(500);

/// The last position stored.
struct Saved {
    at: Seq,
    when: Instant,
}

/// Runs `p` until shutdown, publishing its position on `position`.
pub(crate) async fn run<P: Projection>(
    core: Arc<Core>,
    mut p: P,
    position: watch::Sender<Seq>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut at = loop {
        match core.store.position_or_init(P::CONSUMER, 0).await {
            Ok(at) => break at,
            Err(e) => warn!("{} cannot read its position, will try again: {e}", P::NAME),
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
        match step(&core, &mut p, at, &mut saved).await {
            Ok(Some(next)) => {
                at = next;
                position.send_replace(at);
                continue;
            }
            Ok(None) => {}
            Err(e) => {
                warn!("{} failed, will try again: {e}", P::NAME);
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
                match core.store.set_position(P::CONSUMER, at).await {
                    Ok(()) => saved = Saved { at, when: Instant::now() },
                    Err(e) => {
                        warn!("{} cannot save its position, will try again: {e}", P::NAME);
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
async fn step<P: Projection>(
    core: &Core,
    p: &mut P,
    at: Seq,
    saved: &mut Saved,
) -> Result<Option<Seq>, cityhub_store::Error> {
    let window = core.read_after(at, WINDOW).await?;
    let Some(last) = window.last().map(|e| e.seq) else {
        return Ok(None);
    };
    match p.collect(&window) {
        None => {
            // Nothing to write: the stored position is only where a restart
            // resumes and what retention keeps, so it is saved now and then
            // rather than with a transaction per append.
            if last - saved.at >= SAVE_EVERY_EVENTS || saved.when.elapsed() >= SAVE_EVERY {
                core.store.set_position(P::CONSUMER, last).await?;
                *saved = Saved {
                    at: last,
                    when: Instant::now(),
                };
            }
        }
        Some(changes) => {
            let committed = P::commit(&core.store, last, changes).await;
            p.settle(committed.is_ok());
            committed?;
            *saved = Saved {
                at: last,
                when: Instant::now(),
            };
        }
    }
    Ok(Some(last))
}

/// How often [`follow`] reads the stored position.
const FOLLOW_EVERY: Duration = Duration::from_millis(200);

/// On a node of several (the JetStream bus), where another node may be the
/// one running the projection: publishes the stored position of `consumer`
/// on `position` whenever it is ahead, so a read that waits for the model
/// (`?seen=`, Open311's POST) is answered on every node. Runs until
/// shutdown.
pub(crate) async fn follow(
    core: Arc<Core>,
    consumer: &'static str,
    position: watch::Sender<Seq>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(FOLLOW_EVERY) => {}
            _ = shutdown.changed() => return,
        }
        if let Ok(stored) = core.store.position(consumer).await {
            position.send_if_modified(|p| {
                let ahead = stored > *p;
                if ahead {
                    *p = stored;
                }
                ahead
            });
        }
    }
}
