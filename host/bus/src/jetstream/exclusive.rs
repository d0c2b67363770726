//! Work that one node of several does at a time: it runs while this node
//! holds a store lock ([`cityhub_store::Store::try_lock`]), and the other
//! nodes stand by, trying for the lock every [`STANDBY_RETRY`]. A node that
//! dies loses the lock with its database session, so another takes over
//! within about that long, resuming from what is committed.

use std::{future::Future, time::Duration};

use cityhub_store::Store;
use tokio::sync::watch;
use tracing::{info, warn};

/// How often a standby node tries for the lock.
pub(crate) const STANDBY_RETRY: Duration = Duration::from_secs(1);

/// How often the holder checks that its lock's session is alive.
const CHECK: Duration = Duration::from_secs(2);

/// Runs `task` whenever this node holds lock `name`, until `shutdown`. The
/// task gets a receiver that turns `true` when it must stop (shutdown, or
/// the lock's session was lost); it is started anew (a fresh `task(..)`)
/// each time the lock is taken.
pub(crate) async fn run<F, Fut>(
    store: Store,
    name: String,
    mut shutdown: watch::Receiver<bool>,
    mut task: F,
) where
    F: FnMut(watch::Receiver<bool>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        if *shutdown.borrow() {
            return;
        }
        match store.try_lock(&name).await {
            Ok(Some(mut lock)) => {
                info!(lock = %name, "this node runs `{name}` now");
                let (stop, stopped) = watch::channel(false);
                let mut handle = tokio::spawn(task(stopped));
                loop {
                    tokio::select! {
                        _ = &mut handle => break,
                        _ = tokio::time::sleep(CHECK) => {
                            if let Err(e) = lock.check().await {
                                warn!(lock = %name, "lost the lock's database session ({e}); stopping `{name}` until the lock is taken again");
                                let _ = stop.send(true);
                                let _ = (&mut handle).await;
                                break;
                            }
                        }
                        _ = shutdown.changed() => {
                            let _ = stop.send(true);
                            let _ = handle.await;
                            return;
                        }
                    }
                }
            }
            Ok(None) => {}
            Err(e) => warn!(lock = %name, "cannot try the lock, will try again: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(STANDBY_RETRY) => {}
            _ = shutdown.changed() => return,
        }
    }
}
