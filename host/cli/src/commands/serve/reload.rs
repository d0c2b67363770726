//! Configuration reload: city.toml and the installed plugins' folder
//! (`[runtime] plugins-dir`, where `cityhub plugin install|rollback` change
//! a plugin's `installed.toml`) are watched (notify), edits are debounced,
//! checked like at start-up, and applied route by route; an invalid edit
//! keeps the running configuration and says why.
//!
//! What reloads: routes (added, changed, removed) and plugins (a changed
//! component, manifest, installed version or `config` loads that plugin
//! anew, and [`Bus::upgrade`] swaps it in without stopping its routes). A
//! running plugin whose new version does not load keeps serving, and the
//! refusal shows in `GET /v1/plugins`. A plugin's approvals (`publishes`,
//! `data-classes`) and `[ingest] classes` reload too (each plugin is loaded
//! anew with them). What needs a restart (logged as such): `[server]`,
//! `[store]`, `[runtime]`, `[bus]`, `[mqtt]` and the rest of `[ingest]`.

use std::{
    borrow::Cow,
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use cityhub_bus::{Bus, PluginHandle};
use cityhub_config::{CityConfig, Code, Installed, PluginEntry};
use cityhub_package::Digest;
use cityhub_runtime::{Approval, Plugin, Runtime};
use notify::{RecursiveMode, Watcher};
use serde_json::json;
use tokio::sync::mpsc;
use tracing::{error, info, warn};

/// Edits closer together than this are applied once.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// The loaded plugins, each with what it was loaded from, so a reload only
/// loads the plugins whose component, manifest or config changed.
#[derive(Default)]
pub(crate) struct Loaded {
    plugins: HashMap<String, (Digest, Arc<Plugin>)>,
    /// What the last load replaced, for [`Loaded::keep_serving`].
    replaced: HashMap<String, (Digest, Arc<Plugin>)>,
    /// The last refused code of each plugin (did not load or start), so the
    /// same bytes are not tried and announced again at every reload.
    refused: HashMap<String, Digest>,
}

/// What [`Loaded::load`] gives the bus.
pub(crate) struct Reloaded {
    /// Every plugin to run.
    pub handles: Vec<PluginHandle>,
    /// New versions of running plugins that did not load (plugin, version,
    /// why): the running version stays in `handles`.
    pub refused: Vec<(String, String, String)>,
}

impl Loaded {
    /// Loads every plugin of `config`, reusing the already loaded ones that
    /// did not change. A plugin not running yet that does not load fails the
    /// whole load; a running one keeps its loaded version (see
    /// [`Reloaded::refused`]).
    pub fn load(&mut self, runtime: &Runtime, config: &CityConfig) -> anyhow::Result<Reloaded> {
        let mut next = HashMap::new();
        let mut out = Reloaded {
            handles: Vec::new(),
            refused: Vec::new(),
        };
        let mut refused = HashMap::new();
        for p in &config.plugins {
            let name = p.name.as_str();
            let running = self.plugins.get(name);
            let approval = approval(p, config);
            let (key, plugin) = match (
                load_one(runtime, p, &approval, running, &self.refused),
                running,
            ) {
                (Ok(l), _) => l,
                (Err((key, e)), Some(running)) => {
                    if let Some(e) = e {
                        let version = p.manifest.version.to_string();
                        out.refused
                            .push((name.to_owned(), version, format!("{e:#}")));
                    }
                    refused.insert(name.to_owned(), key);
                    running.clone()
                }
                (Err((_, e)), None) => {
                    return Err(e.unwrap_or_else(|| anyhow::anyhow!("plugin `{name}` was refused")));
                }
            };
            next.insert(name.to_owned(), (key, plugin.clone()));
            out.handles.push(PluginHandle {
                plugin,
                circuit: p.circuit,
            });
        }
        self.replaced = std::mem::take(&mut self.plugins)
            .into_iter()
            .filter(|(name, (key, _))| next.get(name).is_some_and(|(k, _)| k != key))
            .collect();
        self.plugins = next;
        self.refused = refused;
        Ok(out)
    }

    /// After the bus did not swap in the new versions of `names`: the
    /// versions they replaced are the loaded ones again. With `refused` (they
    /// did not start) that code is not tried again until it changes;
    /// otherwise the next reload tries it again.
    pub fn keep_serving(&mut self, names: &[String], refused: bool) {
        for name in names {
            if let (Some(old), Some((key, _))) =
                (self.replaced.remove(name), self.plugins.remove(name))
            {
                if refused {
                    self.refused.insert(name.clone(), key);
                }
                self.plugins.insert(name.clone(), old);
            }
        }
    }
}

/// Loads one plugin, or reuses `running` when its code, manifest and
/// configuration are unchanged. `Err` carries the code's key and why it does
/// not load (`None`: refused before, not tried again).
fn load_one(
    runtime: &Runtime,
    p: &PluginEntry,
    approval: &Approval,
    running: Option<&(Digest, Arc<Plugin>)>,
    refused: &HashMap<String, Digest>,
) -> Result<(Digest, Arc<Plugin>), (Digest, Option<anyhow::Error>)> {
    let (bytes, path): (Cow<'_, [u8]>, &Path) = match &p.code {
        Code::Folder { dir, component } => match std::fs::read(component) {
            Ok(bytes) => (Cow::Owned(bytes), component),
            Err(e) => {
                let e = anyhow::anyhow!(
                    "plugin `{}`: cannot read component `{}`: {e}; build it with `cityhub plugin build {}` (or run `serve --build`)",
                    p.name,
                    component.display(),
                    dir.display()
                );
                return Err((Digest::of(b""), Some(e)));
            }
        },
        Code::Package(installed) => (Cow::Borrowed(&installed.component[..]), &installed.file),
    };
    let manifest = format!("{:?}", p.manifest);
    let config_json = p.config.to_string();
    let approved = format!("{approval:?}");
    let key = Digest::of_parts([
        &bytes[..],
        manifest.as_bytes(),
        config_json.as_bytes(),
        approved.as_bytes(),
    ]);
    if let Some((k, plugin)) = running
        && *k == key
    {
        return Ok((key, plugin.clone()));
    }
    if running.is_some() && refused.get(p.name.as_str()) == Some(&key) {
        return Err((key, None));
    }
    let started = std::time::Instant::now();
    let plugin = runtime
        .load_approved(
            p.manifest.clone(),
            path,
            &bytes,
            p.config.clone(),
            approval.clone(),
        )
        .map_err(|e| (key, Some(e.into())))?;
    info!(plugin = plugin.name(), version = %plugin.manifest().version, digest = %plugin.digest(), compiled = plugin.compiled(), ms = started.elapsed().as_millis() as u64, "plugin loaded");
    Ok((key, plugin))
}

/// What city.toml approves for plugin `p`: its `publishes`, its
/// `data-classes`, and `[ingest] classes` for its outputs.
fn approval(p: &PluginEntry, config: &CityConfig) -> Approval {
    Approval {
        publishes: p.publishes.clone(),
        data_classes: p.data_classes.clone(),
        classes: config.ingest.classes.clone(),
    }
}

/// What a change touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Changed {
    /// city.toml: editors write in several steps, so edits are debounced.
    City,
    /// A plugin's `installed.toml`, written whole by a rename: applied at
    /// once.
    Installed,
}

/// Starts watching `file` and the installed plugins' folder; reloads run on
/// the current tokio runtime until the returned watcher is dropped.
pub(crate) fn watch(
    file: PathBuf,
    config: CityConfig,
    runtime: Arc<Runtime>,
    loaded: Loaded,
    bus: Arc<Bus>,
) -> anyhow::Result<notify::RecommendedWatcher> {
    let (tx, rx) = mpsc::channel::<Changed>(4);
    let name = file.file_name().map(|n| n.to_owned());
    let installed = std::ffi::OsStr::new(Installed::FILE);
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(e) = event else { return };
        if e.kind.is_access() {
            return;
        }
        for p in &e.paths {
            let changed = if p.file_name() == name.as_deref() {
                Changed::City
            } else if p.file_name() == Some(installed) {
                Changed::Installed
            } else {
                continue;
            };
            // A full channel already holds wake-ups: nothing is lost.
            let _ = tx.try_send(changed);
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
    let plugins_dir = &config.plugins_dir;
    std::fs::create_dir_all(plugins_dir).with_context(|| {
        format!(
            "creating the installed plugins' folder `{}` ([runtime] plugins-dir)",
            plugins_dir.display()
        )
    })?;
    watcher
        .watch(plugins_dir, RecursiveMode::Recursive)
        .with_context(|| format!("watching `{}` for installed plugins", plugins_dir.display()))?;
    tokio::spawn(run(file, config, runtime, loaded, bus, rx));
    Ok(watcher)
}

async fn run(
    file: PathBuf,
    mut current: CityConfig,
    runtime: Arc<Runtime>,
    mut loaded: Loaded,
    bus: Arc<Bus>,
    mut rx: mpsc::Receiver<Changed>,
) {
    while let Some(mut changed) = rx.recv().await {
        // Debounce edits of city.toml: wait until they stop.
        while changed == Changed::City {
            tokio::time::sleep(DEBOUNCE).await;
            match rx.try_recv() {
                Ok(_) => changed = Changed::City,
                Err(_) => break,
            }
        }
        if let Some(next) = reload(&file, &current, &runtime, &mut loaded, &bus).await {
            current = next;
        }
    }
}

/// After a configuration that does not load: each installed plugin whose
/// active version changed is recorded as refused, with why.
async fn refuse_installed(current: &CityConfig, bus: &Bus, why: &str) {
    for p in &current.plugins {
        let Code::Package(running) = &p.code else {
            continue;
        };
        if let Ok(Some(i)) = Installed::read(&current.plugins_dir, p.name.as_str())
            && i.active != running.version
        {
            bus.refuse_upgrade(p.name.as_str(), &i.active.to_string(), why)
                .await;
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
            error!(file = %file.display(), "city.toml or an installed plugin changed, but the configuration has errors; the running configuration stays:\n{d}");
            refuse_installed(current, bus, &d.to_string()).await;
            let detail = json!({"applied": false, "errors": d.to_string()});
            bus.audit("config.changed", &file.display().to_string(), detail)
                .await;
            return None;
        }
    };
    let mut restart_needed = Vec::new();
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
        // `classes` reloads live (below); the rest of `[ingest]` does not.
        (
            "[ingest]",
            current.ingest.accepts == next.ingest.accepts
                && current.ingest.max_pending == next.ingest.max_pending,
        ),
        ("[bus]", current.bus == next.bus),
        ("[mqtt]", current.mqtt == next.mqtt),
    ] {
        if !same {
            warn!(
                section,
                "this section changed, but it applies only after a restart"
            );
            restart_needed.push(section);
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
        Ok(r) => {
            for (plugin, version, why) in &r.refused {
                bus.refuse_upgrade(plugin, version, why).await;
            }
            r.handles
        }
        Err(e) => {
            error!(file = %file.display(), "city.toml was edited but a plugin does not load; the running configuration stays: {e:#}");
            let detail = json!({"applied": false, "errors": format!("{e:#}")});
            bus.audit("config.changed", &file.display().to_string(), detail)
                .await;
            return None;
        }
    };
    let applied = bus.apply(handles, next.routes.clone()).await;
    loaded.keep_serving(&applied.refused, true);
    loaded.keep_serving(&applied.not_swapped, false);
    bus.set_tick(next.clock.tick);
    bus.set_classes(next.ingest.classes.clone());
    info!(
        started = ?applied.started,
        refused = ?applied.refused,
        restarted = ?applied.restarted,
        stopped = ?applied.stopped,
        unchanged = applied.unchanged.len(),
        "configuration reloaded"
    );
    let detail = json!({
        "applied": true,
        "started": applied.started,
        "refused": applied.refused,
        "restarted": applied.restarted,
        "stopped": applied.stopped,
        "unchanged": applied.unchanged.len(),
        "restart_needed": restart_needed,
    });
    bus.audit("config.changed", &file.display().to_string(), detail)
        .await;
    Some(next)
}
