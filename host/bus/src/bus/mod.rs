//! [`Bus`]: runs a task per route, admits ingest, and is how the API and the
//! configuration watcher steer delivery (replay, resume, reload).
//!
//! - [`apply`]: the plugins loaded and the routes running, at start and on
//!   each reload.
//! - [`background`]: the work besides the routes (monitor, clock,
//!   projections, retention, the JetStream forwarder).
//! - [`replay`]: delivering a route's events, or dead letters, again.

mod apply;
mod background;
mod replay;

pub use apply::Applied;
pub use replay::ReplayFrom;

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, Weak},
    time::{Duration, SystemTime},
};

use cityhub_cloudevents::{ClassPolicy, CloudEvent, TypePattern};
use cityhub_config::RouteEntry;
use cityhub_store::{Appended, Seq, Store};
use tokio::{sync::watch, task::JoinHandle};

use self::{
    apply::{Running, stop},
    background::Background,
};
use crate::{
    Error,
    backpressure::Gate,
    breaker,
    core::Core,
    route::{Route, RouteStats},
    slot::{PluginHandle, Slot},
};

/// How the bus runs, besides its plugins and routes.
#[derive(Debug, Clone, Default)]
pub struct BusOptions {
    /// Remove events recorded longer ago than this, once every route has
    /// passed them; `None` keeps them for ever.
    pub retention: Option<Duration>,
    /// `[ingest] accepts`: the types senders may post; `None` accepts any.
    pub accepts: Option<Vec<TypePattern>>,
    /// `[ingest] max-pending`: the most events waiting for the log (0 means
    /// the default, 100,000).
    pub max_pending: u32,
    /// `[ingest] classes`: the data class stamped on each event entering the
    /// log by its type; [`Bus::set_classes`] changes it.
    pub classes: ClassPolicy,
    /// `[open311]` is configured: keep the Open311 read model of field
    /// reports (the projection reads every event the log takes, so it runs
    /// only when something serves it).
    pub open311: bool,
    /// Keep the ops read model (KPIs, alerts, map places, event-time now;
    /// [`crate::projection::ops`]) for the operations centre. Runs the
    /// Open311 projection too, whose field reports the ops API serves.
    pub ops: bool,
    /// `[bus]`: the embedded bus, or JetStream shared by several nodes.
    pub backend: cityhub_config::BusBackend,
}

/// A route as the API shows it.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    /// Its configuration.
    pub entry: RouteEntry,
    /// Its counters.
    pub stats: Arc<RouteStats>,
    /// Its committed position.
    pub position: Seq,
    /// Events in the log after its position (not all may be for it).
    pub lag: u64,
    /// Whether its plugin is suspended.
    pub suspended: bool,
}

/// A plugin as the API shows it.
#[derive(Debug, Clone)]
pub struct PluginInfo {
    /// The loaded plugin.
    pub plugin: Arc<cityhub_runtime::Plugin>,
    /// Its breaker's status.
    pub status: breaker::Status,
    /// Why the last new version of it was refused (the old one still
    /// serves), until a new version is accepted.
    pub upgrade_failure: Option<crate::UpgradeFailure>,
    /// The routes delivering to it.
    pub routes: Vec<String>,
}

/// The running bus. Cheap to share behind an `Arc`.
pub struct Bus {
    /// What the bus's tasks share; crate-visible for `stream.rs`.
    pub(crate) core: Arc<Core>,
    gate: Gate,
    accepts: Option<Vec<TypePattern>>,
    /// `[ingest] classes`, swapped whole on reload.
    classes: Mutex<Arc<ClassPolicy>>,
    shutdown: watch::Sender<bool>,
    plugins: Mutex<BTreeMap<String, Arc<Slot>>>,
    routes: tokio::sync::Mutex<BTreeMap<String, Running>>,
    /// A copy of the route list for lock-free-ish reads on the ingest path.
    view: Mutex<Vec<(Arc<Route>, u64)>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// The clock's period (`[clock] tick`).
    tick: watch::Sender<Duration>,
    /// The Open311 projection's position.
    projected: watch::Receiver<Seq>,
    /// Whether the Open311 projection runs ([`BusOptions::open311`] or
    /// [`BusOptions::ops`]).
    open311: bool,
    /// The ops projection's position.
    ops_projected: watch::Receiver<Seq>,
    /// Whether the ops projection runs ([`BusOptions::ops`]).
    ops: bool,
    /// This host's claim on the store, given up by [`Bus::shutdown`].
    claim: Mutex<Option<cityhub_store::HostClaim>>,
}

impl std::fmt::Debug for Bus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bus").finish_non_exhaustive()
    }
}

impl Bus {
    /// Starts a task per route on the current tokio runtime; each resumes
    /// from its committed position, so events accepted before a crash are
    /// delivered after the restart. Also starts the lag monitor and, with a
    /// retention period, the retention task.
    ///
    /// Refused when another host runs on the same store and the two would
    /// both deliver every event (the embedded bus, or any bus on SQLite):
    /// the store's error [`cityhub_store::Error::InUse`] says who and what to
    /// do. Its claim on the store is given up by [`Bus::shutdown`].
    pub async fn start(
        store: Store,
        plugins: Vec<PluginHandle>,
        routes: Vec<RouteEntry>,
        options: BusOptions,
    ) -> Result<Arc<Self>, Error> {
        let last = store
            .last_seq()
            .await
            .map_err(Error::store("reading the end of the log"))?;
        let (shutdown, _) = watch::channel(false);
        let max_pending = if options.max_pending == 0 {
            100_000
        } else {
            options.max_pending
        };
        // One host per store, unless the nodes take turns at each route
        // (the JetStream bus on PostgreSQL): see `Store::claim_host`.
        let alone = matches!(options.backend, cityhub_config::BusBackend::Embedded)
            || store.backend() == cityhub_store::Backend::Sqlite;
        let claim = if alone {
            let claim = store.claim_host().await;
            Some(claim.map_err(Error::store("starting the bus"))?)
        } else {
            None
        };
        let jetstream = match &options.backend {
            cityhub_config::BusBackend::Embedded => None,
            cityhub_config::BusBackend::JetStream(c) => {
                Some(Arc::new(crate::jetstream::JetStream::connect(c).await?))
            }
        };
        let core = Core::start(store.clone(), last, jetstream.clone());
        let (tick, tick_rx) = watch::channel(cityhub_config::ClockConfig::DEFAULT_TICK);
        let (projected_tx, projected) = watch::channel(0);
        let (ops_projected_tx, ops_projected) = watch::channel(0);
        let open311 = options.open311 || options.ops;
        let bus = Arc::new(Self {
            core: core.clone(),
            gate: Gate::new(max_pending),
            accepts: options.accepts,
            classes: Mutex::new(Arc::new(options.classes)),
            shutdown,
            plugins: Mutex::new(BTreeMap::new()),
            routes: tokio::sync::Mutex::new(BTreeMap::new()),
            view: Mutex::new(Vec::new()),
            tasks: Mutex::new(Vec::new()),
            tick,
            projected,
            open311,
            ops_projected,
            ops: options.ops,
            claim: Mutex::new(claim),
        });
        bus.apply(plugins, routes).await;
        bus.start_background(Background {
            tick: tick_rx,
            projected: projected_tx,
            ops_projected: ops_projected_tx,
            retention: options.retention,
            forward: jetstream.map(|js| (js, last)),
        });
        Ok(bus)
    }

    /// Admits and stores `events` in the log (one transaction, durable on
    /// return) and wakes the routes. Events already stored (same `source`
    /// and `id`) are reported as duplicates and not stored again.
    ///
    /// Refused, storing nothing, when a type is not accepted
    /// ([`Error::NotAccepted`]), when a `city.fieldreport.submitted` carries
    /// `data.contact` ([`Error::ContactInReport`]), when an event claims a
    /// data class other than `[ingest] classes` gives its type
    /// ([`Error::DataClass`]), when a running route is more than its
    /// `max-lag` behind ([`Error::RouteBehind`], HTTP 429) or when
    /// `max-pending` events already wait for the log ([`Error::LogBusy`],
    /// HTTP 503).
    ///
    /// Requests arriving together are stored in one transaction (group
    /// commit); each gets its own answer.
    pub async fn ingest(&self, events: Vec<CloudEvent>) -> Result<Vec<Appended>, Error> {
        if let Some(accepts) = &self.accepts
            && let Some(e) = events
                .iter()
                .find(|e| !accepts.iter().any(|p| p.matches(&e.ty)))
        {
            return Err(Error::NotAccepted {
                id: e.id.clone(),
                ty: e.ty.to_string(),
            });
        }
        crate::classes::no_contact_in_reports(&events)?;
        self.ingest_from_host(events).await
    }

    /// [`Bus::ingest`] for events the host itself makes from a request of
    /// its own API (an Open311 report): `[ingest] accepts` does not apply,
    /// which is about what senders may post as CloudEvents; backpressure,
    /// durability, duplicate detection and `[ingest] classes` do.
    pub async fn ingest_from_host(
        &self,
        mut events: Vec<CloudEvent>,
    ) -> Result<Vec<Appended>, Error> {
        if *self.shutdown.borrow() {
            return Err(Error::ShuttingDown);
        }
        crate::classes::stamp(&self.classes(), &mut events)?;
        self.check_lag()?;
        let permit = self.gate.admit(events.len())?;
        self.core
            .ingest(events, Some(permit))
            .await
            .map_err(Error::store("storing ingested events"))
    }

    fn check_lag(&self) -> Result<(), Error> {
        let last = self.core.last_seq();
        let view = self.view.lock().map(|v| v.clone()).unwrap_or_default();
        for (route, max_lag) in view {
            // A suspended route waits on purpose, and a replaying one is
            // catching up on events already accepted: neither holds ingest.
            if route.slot.breaker.is_suspended() || route.stats.is_replaying() {
                continue;
            }
            let lag = (last - route.stats.position()).max(0) as u64;
            if lag > max_lag {
                return Err(Error::RouteBehind {
                    route: route.entry.name.to_string(),
                    lag,
                    max_lag,
                    retry_after: Duration::from_secs(1),
                });
            }
        }
        Ok(())
    }

    /// Sets the clock's period (`[clock] tick`; default one minute). Takes
    /// effect at once: the next tick comes one new period from now.
    pub fn set_tick(&self, every: Duration) {
        self.tick.send_if_modified(|t| {
            let changed = *t != every;
            *t = every;
            changed
        });
    }

    /// Sets `[ingest] classes` for the events ingested from now on (plugins
    /// get theirs when loaded: [`cityhub_runtime::Approval`]).
    pub fn set_classes(&self, classes: ClassPolicy) {
        // Nothing panics while holding it; stay total anyway.
        *self.classes.lock().unwrap_or_else(|p| p.into_inner()) = Arc::new(classes);
    }

    /// `[ingest] classes` now.
    fn classes(&self) -> Arc<ClassPolicy> {
        self.classes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Waits until the Open311 read model has projected the log up to `seq`,
    /// at most `timeout`; returns whether it got there (never, without
    /// [`BusOptions::open311`] or [`BusOptions::ops`]).
    pub async fn wait_projected(&self, seq: Seq, timeout: Duration) -> bool {
        wait_for(&self.projected, seq, timeout).await
    }

    /// Waits until the ops read model has projected the log up to `seq`, at
    /// most `timeout`; returns whether it got there (never, without
    /// [`BusOptions::ops`]).
    pub async fn wait_ops_projected(&self, seq: Seq, timeout: Duration) -> bool {
        wait_for(&self.ops_projected, seq, timeout).await
    }

    /// How far the ops read model has projected the log (0 before its task
    /// has read its stored position, and without [`BusOptions::ops`]).
    pub fn ops_position(&self) -> Seq {
        *self.ops_projected.borrow()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.core.store
    }

    /// The newest seq the bus knows of.
    pub fn last_seq(&self) -> Seq {
        self.core.last_seq()
    }

    /// Ingest's queue: events waiting for the log now, the most ever, and
    /// the limit.
    pub fn pending(&self) -> (u64, u64, u64) {
        self.gate.depth()
    }

    /// Every route, by name.
    pub fn routes(&self) -> Vec<RouteInfo> {
        let last = self.core.last_seq();
        let view = self.view.lock().map(|v| v.clone()).unwrap_or_default();
        view.into_iter()
            .map(|(r, _)| {
                let position = r.stats.position();
                RouteInfo {
                    entry: r.entry.clone(),
                    stats: r.stats.clone(),
                    position,
                    lag: (last - position).max(0) as u64,
                    suspended: r.slot.breaker.is_suspended(),
                }
            })
            .collect()
    }

    /// One route.
    pub fn route(&self, name: &str) -> Result<RouteInfo, Error> {
        self.routes()
            .into_iter()
            .find(|r| r.entry.name.as_str() == name)
            .ok_or_else(|| Error::UnknownRoute(name.to_owned()))
    }

    /// Every plugin, by name.
    pub fn plugins(&self) -> Vec<PluginInfo> {
        let slots: Vec<Arc<Slot>> = self
            .plugins
            .lock()
            .map(|p| p.values().cloned().collect())
            .unwrap_or_default();
        let routes = self.routes();
        slots
            .into_iter()
            .map(|s| PluginInfo {
                plugin: s.plugin(),
                status: s.breaker.status(),
                upgrade_failure: s.upgrade_failure(),
                routes: routes
                    .iter()
                    .filter(|r| r.entry.to.as_str() == s.name())
                    .map(|r| r.entry.name.to_string())
                    .collect(),
            })
            .collect()
    }

    /// The running plugin `name`.
    pub(crate) fn slot(&self, name: &str) -> Result<Arc<Slot>, Error> {
        self.plugins
            .lock()
            .ok()
            .and_then(|p| p.get(name).cloned())
            .ok_or_else(|| Error::UnknownPlugin(name.to_owned()))
    }

    /// Resumes a suspended plugin now. Returns whether it was suspended.
    pub async fn resume(&self, plugin: &str) -> Result<bool, Error> {
        let slot = self.slot(plugin)?;
        match slot.breaker.resume() {
            Some(t) => {
                self.core.announce(plugin, t).await;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The position keys of the running routes and of the host's projection
    /// (retention keeps what any of them has not passed).
    pub(crate) fn consumers(&self) -> Vec<String> {
        let mut c: Vec<String> = self
            .view
            .lock()
            .map(|v| v.iter().map(|(r, _)| r.consumer.clone()).collect())
            .unwrap_or_default();
        if self.open311 {
            c.push(crate::projection::open311::CONSUMER.to_owned());
        }
        if self.ops {
            c.push(crate::projection::ops::CONSUMER.to_owned());
        }
        // The JetStream forwarder: events not yet on the stream are kept.
        if let Some(js) = &self.core.jetstream {
            c.push(crate::jetstream::forward::consumer(js));
        }
        c
    }

    /// Announces a platform event (used by the monitor).
    pub(crate) async fn emit(&self, ty: &str, subject: &str, data: serde_json::Value) {
        self.core.emit(ty, subject, data).await;
    }

    /// Stops accepting events, asks every route to stop after its current
    /// call, and waits for them and the background tasks.
    pub async fn shutdown(&self) {
        self.shutdown.send_replace(true);
        let mut routes = self.routes.lock().await;
        for (_, r) in std::mem::take(&mut *routes) {
            stop(r).await;
        }
        self.refresh_view(&routes);
        let tasks = self
            .tasks
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default();
        for t in tasks {
            let _ = t.await;
        }
        // Another bus may now start on the store (a restart in-process).
        if let Ok(mut c) = self.claim.lock() {
            c.take();
        }
    }
}

/// Seconds since the Unix epoch of `t`, for the API.
pub fn unix_seconds(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Waits until `position` reaches `seq`, at most `timeout`.
async fn wait_for(position: &watch::Receiver<Seq>, seq: Seq, timeout: Duration) -> bool {
    let mut rx = position.clone();
    tokio::time::timeout(timeout, rx.wait_for(|p| *p >= seq))
        .await
        .is_ok_and(|r| r.is_ok())
}

/// A weak handle, for background tasks that must not keep the bus alive.
pub(crate) type WeakBus = Weak<Bus>;
