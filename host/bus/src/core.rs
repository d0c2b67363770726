//! [`Core`]: what the bus's tasks share — the store, the wake-up for new
//! events, the newest seq, and how platform events are announced.

use std::sync::atomic::{AtomicI64, Ordering};

use cityhub_store::{Appended, Seq, Store};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tracing::{info, warn};

use crate::{breaker::Transition, platform};

#[derive(Debug)]
pub(crate) struct Core {
    pub store: Store,
    /// Woken after every append (ingest, outputs, platform events).
    pub appended: Notify,
    /// The newest seq known to be in the log (for lag without a query).
    pub last_seq: AtomicI64,
}

impl Core {
    pub fn new(store: Store, last_seq: Seq) -> Self {
        Self {
            store,
            appended: Notify::new(),
            last_seq: AtomicI64::new(last_seq),
        }
    }

    /// Notes appended events and wakes the routes.
    pub fn appended(&self, appended: &[Appended]) {
        if let Some(max) = appended.iter().map(|a| a.seq()).max() {
            self.last_seq.fetch_max(max, Ordering::Relaxed);
        }
        self.appended.notify_waiters();
    }

    /// The newest seq.
    pub fn last_seq(&self) -> Seq {
        self.last_seq.load(Ordering::Relaxed)
    }

    /// Stores a platform event. A store failure is logged, not returned: an
    /// announcement must never stop delivery.
    pub async fn emit(&self, ty: &str, subject: &str, data: Value) {
        let Some(event) = platform::event(ty, subject, data) else {
            return;
        };
        match self.store.append(std::slice::from_ref(&event)).await {
            Ok(a) => self.appended(&a),
            Err(e) => warn!(event.type = ty, subject, "cannot store a platform event: {e}"),
        }
    }

    /// Logs and announces a breaker transition of `plugin`.
    pub async fn announce(&self, plugin: &str, t: Transition) {
        match t {
            Transition::Suspended { failures, reason } => {
                warn!(plugin, failures, reason = %reason, "plugin suspended by its circuit breaker; its routes pause");
                self.emit(
                    "cityhub.plugin.suspended",
                    plugin,
                    json!({"plugin": plugin, "failures": failures, "reason": reason}),
                )
                .await;
            }
            Transition::Resumed { by } => {
                info!(plugin, by, "plugin resumed");
                self.emit(
                    "cityhub.plugin.resumed",
                    plugin,
                    json!({"plugin": plugin, "by": by}),
                )
                .await;
            }
        }
    }
}
