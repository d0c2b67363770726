//! The audit records the host writes itself (actor `host`): a plugin's new
//! version serving or refused, and each reload of the configuration. Others
//! (API handlers, CLI commands) write theirs through
//! [`cityhub_store::Store::audit`] under their own actor.

use cityhub_store::AuditEntry;
use serde_json::Value;
use tracing::error;

use crate::Bus;

/// The actor and origin of the host's own records.
pub const HOST: &str = "host";

impl Bus {
    /// Appends `action` on `target` to the audit log as the host.
    ///
    /// Called after the thing has happened: a failure to record it is
    /// logged as an error (naming the action) and does not undo it.
    pub async fn audit(&self, action: &str, target: &str, detail: Value) {
        let entry = AuditEntry {
            actor: HOST.to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            detail,
            origin: HOST.to_owned(),
        };
        if let Err(e) = self.core.store.audit(entry).await {
            error!(
                action,
                target, "the audit log did not take this record: {e}"
            );
        }
    }
}
