//! Configuration reload: city.toml is watched (notify), edits are debounced,
//! checked like at start-up, and applied route by route; an invalid edit
//! keeps the running configuration and says why.
//!
//! What reloads: routes (added, changed, removed) and plugins (a changed
//! component, manifest or `config` reloads that plugin and restarts its
//! routes). What needs a restart (logged as such): `[server]`, `[store]`,
//! `[runtime]` and `[ingest]`.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use cityhub_bus::{Bus, PluginHandle};
use cityhub_config::CityConfig;
use cityhub_package::Digest;
use cityhub_runtime::{Plugin, Runtime};
use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;
use tracing::{error, info, warn};

/// Edits closer together than this are applied once.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// The loaded plugins, each with what it was loaded from, so a reload only
/// loads the plugins whose component, manifest or config changed.
#[derive(Default)]
pub(crate) struct Loaded {
    plugins: HashMap<String, (Digest, Arc<Plugin>)>,
}

impl Loaded {
    /// Loads every plugin of `config`, reusing the already loaded ones that
    /// did not change. Fails on the first plugin that does not load.
    pub fn load(
        &mut self,
        runtime: &Runtime,
        config: &CityConfig,
    ) -> anyhow::Result<Vec<PluginHandle>> {
        let mut next = HashMap::new();
        let mut handles = Vec::new();
        for p in &config.plugins {
            let bytes = std::fs::read(&p.component).with_context(|| {
                format!(
                    "plugin `{}`: cannot read component `{}`; build it with `cityhub plugin build {}` (or run `serve --build`)",
                    p.name,
                    p.component.display(),
                    p.dir.display()
                )
            })?;
            let manifest = format!("{:?}", p.manifest);
            let config_json = p.config.to_string();
            let key = Digest::of_parts([
                bytes.as_slice(),
                manifest.as_bytes(),
                config_json.as_bytes(),
            ]);
            let plugin = match self.plugins.get(p.name.as_str()) {
                Some((k, plugin)) if *k == key => plugin.clone(),
                _ => {
                    let started = std::time::Instant::now();
                    let plugin =
                        runtime.load(p.manifest.clone(), &p.component, p.config.clone())?;
                    info!(plugin = plugin.name(), version = %plugin.manifest().version, digest = %plugin.digest(), ms = started.elapsed().as_millis() as u64, "plugin loaded");
                    plugin
                }
            };
            next.insert(p.name.to_string(), (key, plugin.clone()));
            handles.push(PluginHandle {
                plugin,
                circuit: p.circuit,
            });
        }
        self.plugins = next;
        Ok(handles)
    }
}

/// Starts watching `file`; reloads run on the current tokio runtime until
/// the returned watcher is dropped.
pub(crate) fn watch(
    file: PathBuf,
    config: CityConfig,
    runtime: Arc<Runtime>,
    loaded: Loaded,
    bus: Arc<Bus>,
) -> anyhow::Result<notify::RecommendedWatcher> {
    let (tx, rx) = mpsc::channel::<()>(1);
    let name = file.file_name().map(|n| n.to_owned());
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(e) = event
            && e.paths.iter().any(|p| p.file_name() == name.as_deref())
            && !e.kind.is_access()
        {
            // A full channel already holds a wake-up: nothing is lost.
            let _ = tx.try_send(());
        }
    })
    .context("starting the city.toml watcher")?;
    // Watch the folder: editors often replace the file rather than write it.
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    watcher
        .watch(&dir, RecursiveMode::NonRecursive)
        .with_context(|| format!("watching `{}` for edits of city.toml", dir.display()))?;
    tokio::spawn(run(file, config, runtime, loaded, bus, rx));
    Ok(watcher)
}

async fn run(
    file: PathBuf,
    mut current: CityConfig,
    runtime: Arc<Runtime>,
    mut loaded: Loaded,
    bus: Arc<Bus>,
    mut rx: mpsc::Receiver<()>,
) {
    while rx.recv().await.is_some() {
        // Debounce: wait until the edits stop.
        loop {
            tokio::time::sleep(DEBOUNCE).await;
            if rx.try_recv().is_err() {
                break;
            }
        }
        if let Some(next) = reload(&file, &current, &runtime, &mut loaded, &bus).await {
            current = next;
        }
    }
}

async fn reload(
    file: &Path,
    current: &CityConfig,
    runtime: &Arc<Runtime>,
    loaded: &mut Loaded,
    bus: &Bus,
) -> Option<CityConfig> {
    let next = match CityConfig::load(file) {
        Ok(c) => c,
        Err(d) => {
            error!(file = %file.display(), "city.toml was edited but has errors; the running configuration stays:\n{d}");
            return None;
        }
    };
    for (section, same) in [
        (
            "[server]",
            format!("{:?}", current.server) == format!("{:?}", next.server),
        ),
        (
            "[store]",
            current.store_url == next.store_url && current.retention == next.retention,
        ),
        (
            "[runtime]",
            current.cache_dir == next.cache_dir && current.max_instances == next.max_instances,
        ),
        ("[ingest]", current.ingest == next.ingest),
    ] {
        if !same {
            warn!(
                section,
                "this section changed, but it applies only after a restart"
            );
        }
    }
    // Reading and compiling components blocks: keep it off the async workers.
    let (rt, mut l) = (runtime.clone(), std::mem::take(loaded));
    let joined = tokio::task::spawn_blocking(move || {
        let r = l.load(&rt, &next);
        (l, next, r)
    })
    .await;
    let Ok((l, next, result)) = joined else {
        error!("reloading city.toml failed unexpectedly; the running configuration stays");
        return None;
    };
    *loaded = l;
    let handles = match result {
        Ok(h) => h,
        Err(e) => {
            error!(file = %file.display(), "city.toml was edited but a plugin does not load; the running configuration stays: {e:#}");
            return None;
        }
    };
    let applied = bus.apply(handles, next.routes.clone()).await;
    bus.set_tick(next.clock.tick);
    info!(
        started = ?applied.started,
        restarted = ?applied.restarted,
        stopped = ?applied.stopped,
        unchanged = applied.unchanged.len(),
        "configuration reloaded"
    );
    Some(next)
}
