//! The continuous load: [`POSTERS`] concurrent posters, each sending
//! batches of [`PER_REQUEST`] events as fast as the host takes them. Ids
//! are whole numbers from one counter, so that every id from 0 to
//! [`Load::stop`]'s total was posted, and accepted: a batch refused with
//! `429`/`503` (a route past `max-lag`, the log busy) or lost to a
//! connection error is sent again, with the same ids, until it is (a
//! duplicate id is not stored twice).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use bytes::Bytes;
use tokio::task::JoinHandle;

use crate::{city::INPUT_TYPE, support::Host};

/// Posters at once: the fewest that make the route the bottleneck. With 2
/// the route kept up (a lag of a few hundred) at about 20,000 outputs a
/// second; with 4 it handles about 27,000 and its lag stays at `max-lag`;
/// 8 were no faster and had half their requests refused.
pub const POSTERS: usize = 4;
/// Events per request (batch mode).
pub const PER_REQUEST: u64 = 100;
/// The pause before sending a refused batch again; short, so that the
/// load stays at the most the host takes rather than at `Retry-After`'s
/// whole seconds.
const RESEND_AFTER: Duration = Duration::from_millis(10);
/// A batch not accepted for this long fails the bench.
const GIVE_UP: Duration = Duration::from_secs(60);

/// What the posters met.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Requests answered `202`.
    pub accepted: u64,
    /// Requests answered `429` or `503`, sent again.
    pub refused: u64,
    /// Requests lost to a connection error, sent again.
    pub errors: u64,
}

/// The posters, running until [`Load::stop`].
pub struct Load {
    stop: Arc<AtomicBool>,
    next: Arc<AtomicU64>,
    posters: Vec<JoinHandle<Counts>>,
}

impl Load {
    pub fn start(host: &Arc<Host>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicU64::new(0));
        let posters = (0..POSTERS)
            .map(|_| tokio::spawn(poster(host.clone(), next.clone(), stop.clone())))
            .collect();
        Self {
            stop,
            next,
            posters,
        }
    }

    /// Stops the posters once their batches in flight are accepted; returns
    /// how many events were posted (ids `0..n`) and what they met.
    pub async fn stop(self) -> (u64, Counts) {
        self.stop.store(true, Ordering::Relaxed);
        let mut all = Counts::default();
        for p in self.posters {
            let c = p.await.unwrap();
            all.accepted += c.accepted;
            all.refused += c.refused;
            all.errors += c.errors;
        }
        (self.next.load(Ordering::Relaxed), all)
    }
}

async fn poster(host: Arc<Host>, next: Arc<AtomicU64>, stop: Arc<AtomicBool>) -> Counts {
    let url = host.url("/v1/events");
    let mut counts = Counts::default();
    while !stop.load(Ordering::Relaxed) {
        let first = next.fetch_add(PER_REQUEST, Ordering::Relaxed);
        let body = batch(first);
        let since = Instant::now();
        loop {
            let sent = host
                .http
                .post(&url)
                .header("content-type", "application/cloudevents-batch+json")
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(r) if r.status() == 202 => {
                    counts.accepted += 1;
                    break;
                }
                Ok(r) if r.status() == 429 || r.status() == 503 => counts.refused += 1,
                Ok(r) => panic!(
                    "POST /v1/events answered {}: {}",
                    r.status(),
                    r.text().await.unwrap_or_default()
                ),
                Err(_) => counts.errors += 1,
            }
            assert!(
                since.elapsed() < GIVE_UP,
                "a batch was not accepted in {GIVE_UP:?} ({counts:?})"
            );
            tokio::time::sleep(RESEND_AFTER).await;
        }
    }
    counts
}

/// The batch of ids `first..first + PER_REQUEST`, as a batch-mode body.
fn batch(first: u64) -> Bytes {
    let events: Vec<String> = (first..first + PER_REQUEST)
        .map(|id| {
            format!(
                r#"{{"specversion":"1.0","id":"{id}","source":"/bench/upgrade","type":"{INPUT_TYPE}"}}"#
            )
        })
        .collect();
    Bytes::from(format!("[{}]", events.join(",")))
}
