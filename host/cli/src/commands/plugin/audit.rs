//! The audit records of the integrator's plugin commands (`install`,
//! `rollback`, `remove`): written to the store city.toml names, as
//! `cli:<$USER>` from origin `cli`, after the change is made.

use cityhub_config::InstallSettings;
use cityhub_store::{AuditEntry, Store};
use serde_json::Value;

use crate::{client::block_on, commands::token::actor};

/// Appends `action` on plugin `target` to the audit log of the city's store.
///
/// The change itself is already on disk, so a store that cannot be reached
/// does not undo it: the command warns on stderr, naming the record that
/// is missing, and still succeeds.
pub fn record(settings: &InstallSettings, action: &str, target: &str, detail: Value) {
    let entry = AuditEntry {
        actor: actor(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail,
        origin: "cli".to_owned(),
    };
    let written = block_on(async {
        let store = Store::open(&settings.store_url).await?;
        let written = store.audit(entry).await;
        store.close().await;
        written
    });
    match written {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => warn(action, target, &e),
        Err(e) => warn(action, target, &e),
    }
}

fn warn(action: &str, target: &str, e: &dyn std::fmt::Display) {
    eprintln!(
        "warning: done, but the audit log of the city's store did not take `{action}` on `{target}`: {e}; check `[store] url` in city.toml"
    );
}
