//! Noticing events other nodes append: on a store shared by several nodes
//! an append wakes only the node that made it, so each node reads the end
//! of the log every [`EVERY`] and, when it moved, wakes what waits for new
//! events here (the forwarder, projections, `/v1/stream`).

use std::{sync::Arc, time::Duration};

use tokio::sync::watch;

use crate::core::Core;

/// How often the end of the log is read.
const EVERY: Duration = Duration::from_millis(100);

/// Runs until shutdown.
pub(crate) async fn run(core: Arc<Core>, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => return,
        }
        if let Ok(last) = core.store.last_seq().await
            && last > core.last_seq()
        {
            core.last_seq
                .fetch_max(last, std::sync::atomic::Ordering::Relaxed);
            core.appended.notify_waiters();
        }
    }
}
