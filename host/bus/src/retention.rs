//! The retention task: removes events older than the configured period in the
//! background, in small chunks, once every running route has passed them.

use std::time::Duration;

use cityhub_cloudevents::Timestamp;
use cityhub_store::Store;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::bus::WeakBus;

/// Events deleted per transaction: small enough that ingest, which waits for
/// the store's write turn, is never held up for long.
const CHUNK: u32 = 5_000;

/// Runs until shutdown. Every `keep / 2` (between 1 s and 1 min) it deletes
/// the events recorded more than `keep` ago whose seq every running route
/// has passed. Store errors are logged and tried again next round.
pub(crate) async fn run(bus: WeakBus, keep: Duration, mut shutdown: watch::Receiver<bool>) {
    let every = (keep / 2).clamp(Duration::from_secs(1), Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
        let Some(bus) = bus.upgrade() else { return };
        let consumers = bus.consumers();
        let store = bus.store().clone();
        drop(bus);
        match sweep(&store, &consumers, keep).await {
            Ok(0) => {}
            Ok(n) => info!(
                deleted = n,
                keep_secs = keep.as_secs(),
                "retention removed old events"
            ),
            Err(e) => warn!("retention sweep failed, will try again: {e}"),
        }
    }
}

async fn sweep(
    store: &Store,
    consumers: &[String],
    keep: Duration,
) -> Result<u64, cityhub_store::Error> {
    let mut upto = store.last_seq().await?;
    for c in consumers {
        upto = upto.min(store.position(c).await?);
    }
    // A retention longer than the calendar reaches back keeps everything.
    let Some(cutoff) = Timestamp::now()
        .datetime()
        .checked_sub(time::Duration::try_from(keep).unwrap_or(time::Duration::MAX))
        .map(Timestamp::from_datetime)
    else {
        return Ok(0);
    };
    let mut total = 0;
    loop {
        let n = store.delete_before(&cutoff, upto, CHUNK).await?;
        total += n;
        if n < u64::from(CHUNK) {
            return Ok(total);
        }
        tokio::task::yield_now().await;
    }
}
