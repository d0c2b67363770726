//! The lag monitor: raises `cityhub.route.lagging` when a route falls more
//! than its `lag-alert` behind the log, and `cityhub.route.recovered` when
//! it is back under half of it (the gap keeps a route hovering at the
//! threshold from flapping).

use std::{sync::atomic::Ordering, time::Duration};

use serde_json::json;
use tokio::sync::watch;

use crate::bus::WeakBus;

/// How often lag is checked.
const EVERY: Duration = Duration::from_millis(500);

pub(crate) async fn run(bus: WeakBus, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => return,
        }
        let Some(bus) = bus.upgrade() else { return };
        for r in bus.routes() {
            let alert = r.entry.lag_alert;
            let was = r.stats.lagging.load(Ordering::Relaxed);
            let name = r.entry.name.to_string();
            if !was && r.lag > alert && !r.stats.is_replaying() {
                r.stats.lagging.store(true, Ordering::Relaxed);
                tracing::warn!(route = %name, lag = r.lag, threshold = alert, "route is lagging");
                bus.emit(
                    "cityhub.route.lagging",
                    &name,
                    json!({"route": name, "plugin": r.entry.to.as_str(), "lag": r.lag, "threshold": alert, "suspended": r.suspended}),
                )
                .await;
            } else if was && r.lag <= alert / 2 {
                r.stats.lagging.store(false, Ordering::Relaxed);
                tracing::info!(route = %name, lag = r.lag, "route has caught up");
                bus.emit(
                    "cityhub.route.recovered",
                    &name,
                    json!({"route": name, "plugin": r.entry.to.as_str(), "lag": r.lag, "threshold": alert}),
                )
                .await;
            }
        }
    }
}
