//! Replacing a running plugin with a new version of it, without stopping
//! its routes: the new version is tried first (an instance started and its
//! `init` run), then swapped in whole between windows (see [`crate::slot`]).
//! A version that fails leaves the old one serving and says why.

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use cityhub_runtime::{Plugin, Worker};
use semver::Version;
use serde_json::json;
use tracing::{error, info};

use crate::{Bus, Error, UpgradeFailure};

/// What [`Bus::upgrade`] did.
#[derive(Debug, Clone)]
pub struct Upgraded {
    /// The version that served before.
    pub from: Version,
    /// The version serving now.
    pub to: Version,
    /// From the call to the swap: starting an instance and its `init`.
    pub took: Duration,
}

impl Bus {
    /// Makes `plugin`, a new load of a running plugin (same name; another
    /// version, component or configuration), the version serving its routes.
    ///
    /// Called when an installed package changes or city.toml is edited. The
    /// new version's first instance is started and runs `init` with the
    /// plugin's committed state to read; only then is it swapped in. Each
    /// route's windows already running finish on the old version, and its
    /// next window runs the new one, so every event is handled by exactly
    /// one version; the plugin's state carries over. Announced as
    /// `cityhub.plugin.upgraded`. If the version cannot start, the old one
    /// serves on and the refusal is recorded (see [`Bus::refuse_upgrade`]).
    pub async fn upgrade(&self, plugin: Arc<Plugin>) -> Result<Upgraded, Error> {
        let name = plugin.name().to_owned();
        let to = plugin.manifest().version.clone();
        let slot = self.slot(&name)?;
        let started = Instant::now();
        let state = slot.state(&self.core.store).await?;
        let tried = tokio::task::spawn_blocking(move || Worker::start(plugin, state))
            .await
            .map_err(|e| format!("its first instance's thread failed: {e}"))
            .and_then(|r| r.map_err(|e| e.to_string()));
        let worker = match tried {
            Ok(w) => w,
            Err(reason) => {
                let reason = format!("it does not start: {reason}");
                self.refuse_upgrade(&name, &to.to_string(), &reason).await;
                return Err(Error::UpgradeRefused {
                    plugin: name,
                    version: to.to_string(),
                    reason,
                });
            }
        };
        let digest = worker.plugin().digest().to_string();
        let old = slot.swap(worker);
        let upgraded = Upgraded {
            from: old.manifest().version.clone(),
            to,
            took: started.elapsed(),
        };
        info!(
            plugin = %name,
            from = %upgraded.from,
            to = %upgraded.to,
            %digest,
            ms = upgraded.took.as_millis() as u64,
            "plugin upgraded: its routes' next windows run the new version"
        );
        let detail = json!({
            "plugin": name,
            "from": upgraded.from.to_string(),
            "to": upgraded.to.to_string(),
            "digest": digest,
        });
        self.audit("plugin.upgraded", &name, detail.clone()).await;
        self.core
            .emit("cityhub.plugin.upgraded", &name, detail)
            .await;
        Ok(upgraded)
    }

    /// Records that `version` of the running plugin `plugin` was refused
    /// (it did not verify, load or start), so that `GET /v1/plugins` shows
    /// it, logs it and announces it as `cityhub.plugin.upgrade-failed`. The
    /// serving version is untouched. Unknown plugins are only logged.
    pub async fn refuse_upgrade(&self, plugin: &str, version: &str, reason: &str) {
        error!(
            plugin,
            version, "new version refused, the running version serves on: {reason}"
        );
        let Ok(slot) = self.slot(plugin) else {
            return;
        };
        slot.refused(UpgradeFailure {
            version: version.to_owned(),
            reason: reason.to_owned(),
            at: SystemTime::now(),
        });
        let detail = json!({"plugin": plugin, "version": version, "reason": reason});
        self.audit("plugin.upgrade-failed", plugin, detail.clone())
            .await;
        self.core
            .emit("cityhub.plugin.upgrade-failed", plugin, detail)
            .await;
    }
}
