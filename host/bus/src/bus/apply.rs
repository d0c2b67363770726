//! Applying a configuration to the running bus: which plugins are loaded,
//! which routes run ([`Bus::apply`], at start and on every reload), and
//! starting and stopping one route's task.

use std::{
    collections::BTreeMap,
    sync::{Arc, atomic::Ordering},
};

use cityhub_config::RouteEntry;
use tokio::{sync::watch, task::JoinHandle};

use super::Bus;
use crate::{
    Error,
    route::{self, Route, RouteStats},
    slot::{PluginHandle, Slot},
};

/// What [`Bus::apply`] changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Routes started that were not running.
    pub started: Vec<String>,
    /// Plugins whose new version did not start: the old one serves on (see
    /// [`Bus::upgrade`]).
    pub refused: Vec<String>,
    /// Plugins whose new version was not tried (the store failed): the old
    /// one serves on, and the next reload tries again.
    pub not_swapped: Vec<String>,
    /// Routes restarted with a new configuration or plugin circuit.
    pub restarted: Vec<String>,
    /// Routes stopped.
    pub stopped: Vec<String>,
    /// Routes left running as they were.
    pub unchanged: Vec<String>,
}

/// A route's running task.
pub(super) struct Running {
    pub(super) route: Arc<Route>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Bus {
    /// Applies a new set of plugins and routes: starts new routes, restarts
    /// changed ones (a changed entry, or a plugin whose circuit changed),
    /// stops removed ones, and leaves the rest running. A plugin loaded anew
    /// under the same circuit (a new version, component or configuration) is
    /// swapped in by [`Bus::upgrade`] without stopping its routes.
    pub async fn apply(&self, plugins: Vec<PluginHandle>, routes: Vec<RouteEntry>) -> Applied {
        let mut running = self.routes.lock().await;
        let mut changed_plugins = Vec::new();
        let mut upgrades = Vec::new();
        {
            let Ok(mut slots) = self.plugins.lock() else {
                return Applied::default();
            };
            let mut next = BTreeMap::new();
            for h in plugins {
                let name = h.plugin.name().to_owned();
                match slots.remove(&name) {
                    // A new version under the same circuit: swapped in
                    // place, its routes run on.
                    Some(s) if s.breaker.circuit() == h.circuit => {
                        if !Arc::ptr_eq(&s.plugin(), &h.plugin) {
                            upgrades.push(h.plugin);
                        }
                        next.insert(name, s);
                    }
                    _ => {
                        changed_plugins.push(name.clone());
                        next.insert(name, Arc::new(Slot::new(&h)));
                    }
                }
            }
            *slots = next;
        }
        let mut applied = Applied::default();
        for plugin in upgrades {
            // A refused version is logged, recorded and announced; the old
            // one serves on.
            let name = plugin.name().to_owned();
            match self.upgrade(plugin).await {
                Ok(_) => {}
                Err(Error::UpgradeRefused { .. }) => applied.refused.push(name),
                Err(e) => {
                    tracing::error!(plugin = %name, "the new version was not swapped in, the running one serves on: {e}");
                    applied.not_swapped.push(name);
                }
            }
        }
        let slots = self.plugins.lock().map(|s| s.clone()).unwrap_or_default();
        let wanted: BTreeMap<String, RouteEntry> = routes
            .into_iter()
            .map(|r| (r.name.to_string(), r))
            .collect();
        let names: Vec<String> = running.keys().cloned().collect();
        for name in names {
            let keep = wanted.get(&name).is_some_and(|e| {
                running.get(&name).is_some_and(|r| {
                    r.route.entry == *e && !changed_plugins.contains(&e.to.to_string())
                })
            });
            if keep {
                applied.unchanged.push(name);
            } else if let Some(r) = running.remove(&name) {
                stop(r).await;
                if wanted.contains_key(&name) {
                    applied.restarted.push(name);
                } else {
                    applied.stopped.push(name);
                }
            }
        }
        for (name, entry) in wanted {
            if running.contains_key(&name) {
                continue;
            }
            let Some(slot) = slots.get(entry.to.as_str()).cloned() else {
                tracing::error!(route = %name, plugin = %entry.to, "route names a plugin that is not loaded; not started");
                continue;
            };
            if !applied.restarted.contains(&name) {
                applied.started.push(name.clone());
            }
            let r = self.start_route(entry, slot).await;
            running.insert(name, r);
        }
        self.refresh_view(&running);
        applied
    }

    /// Starts a route's task. A route that never ran starts at the end of
    /// the log (its position is stored at once, so a crash before its first
    /// commit does not move it); `cityhub replay` backfills it.
    pub(super) async fn start_route(&self, entry: RouteEntry, slot: Arc<Slot>) -> Running {
        let consumer = route::consumer_id(entry.name.as_str());
        let last = self.core.last_seq();
        // On a store error the task itself tries again; until then the
        // route is taken to be caught up, so that it holds nothing back.
        let position = self
            .core
            .store
            .position_or_init(&consumer, last)
            .await
            .unwrap_or(last);
        if self.core.jetstream.is_some() {
            // Its start line too, before any request is served: events
            // accepted from now on are the route's, whenever its task runs.
            let start = route::start_key(&consumer);
            if let Err(e) = self.core.store.position_or_init(&start, last).await {
                tracing::warn!(route = %entry.name, "cannot store the route's start line yet: {e}");
            }
        }
        let stats = Arc::new(RouteStats::default());
        stats.position.store(position, Ordering::Relaxed);
        let (stop, stop_rx) = watch::channel(*self.shutdown.borrow());
        let route = Arc::new(Route {
            consumer,
            entry,
            slot,
            core: self.core.clone(),
            stats,
            stop: stop_rx,
        });
        let task = tokio::spawn(route.clone().run());
        Running { route, stop, task }
    }

    pub(super) fn refresh_view(&self, running: &BTreeMap<String, Running>) {
        if let Ok(mut v) = self.view.lock() {
            *v = running
                .values()
                .map(|r| (r.route.clone(), r.route.entry.max_lag))
                .collect();
        }
    }
}

/// Asks `r` to stop after its current call and waits for its task.
pub(super) async fn stop(r: Running) {
    let _ = r.stop.send(true);
    let _ = r.task.await;
}
