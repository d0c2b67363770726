//! [`Bus`]: runs a task per route, admits ingest, and is how the API and the
//! configuration watcher steer delivery (replay, resume, reload).

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, Weak, atomic::Ordering},
    time::{Duration, SystemTime},
};

use cityhub_cloudevents::{ClassPolicy, CloudEvent, Timestamp, TypePattern};
use cityhub_config::RouteEntry;
use cityhub_store::{Appended, Seq, Store};
use tokio::{sync::watch, task::JoinHandle};
use tracing::info;

use crate::{
    Error,
    backpressure::Gate,
    breaker,
    core::Core,
    route::{self, Route, RouteStats},
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

/// Where [`Bus::replay`] starts a route again.
#[derive(Debug, Clone)]
pub enum ReplayFrom {
    /// From the first event recorded at or after this instant.
    Since(Timestamp),
    /// From the event after this seq.
    After(Seq),
}

struct Running {
    route: Arc<Route>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
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
        let jetstream = match &options.backend {
            cityhub_config::BusBackend::Embedded => None,
            cityhub_config::BusBackend::JetStream(c) => {
                Some(Arc::new(crate::jetstream::JetStream::connect(c).await?))
            }
        };
        let shared = jetstream.is_some();
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
        });
        bus.apply(plugins, routes).await;
        let mut tasks = Vec::new();
        // With several nodes (JetStream), one node at a time runs each of
        // these, under a store lock; on the embedded bus this node does.
        let weak = Arc::downgrade(&bus);
        tasks.push(bus.exclusive("monitor", move |stop| {
            crate::monitor::run(weak.clone(), stop)
        }));
        let weak = Arc::downgrade(&bus);
        tasks.push(bus.exclusive("clock", move |stop| {
            crate::clock::run(weak.clone(), tick_rx.clone(), stop)
        }));
        if open311 {
            let (c, position) = (core.clone(), projected_tx.clone());
            tasks.push(bus.exclusive("projection:open311", move |stop| {
                crate::projection::run(
                    c.clone(),
                    crate::projection::open311::Open311,
                    position.clone(),
                    stop,
                )
            }));
            if shared {
                tasks.push(tokio::spawn(crate::projection::follow(
                    core.clone(),
                    crate::projection::open311::CONSUMER,
                    projected_tx,
                    bus.shutdown.subscribe(),
                )));
            }
        }
        if options.ops {
            let (c, position) = (core.clone(), ops_projected_tx.clone());
            tasks.push(bus.exclusive("projection:ops", move |stop| {
                crate::projection::run(
                    c.clone(),
                    crate::projection::ops::Ops::default(),
                    position.clone(),
                    stop,
                )
            }));
            if shared {
                tasks.push(tokio::spawn(crate::projection::follow(
                    core.clone(),
                    crate::projection::ops::CONSUMER,
                    ops_projected_tx,
                    bus.shutdown.subscribe(),
                )));
            }
        }
        if let Some(keep) = options.retention {
            let weak = Arc::downgrade(&bus);
            tasks.push(bus.exclusive("retention", move |stop| {
                crate::retention::run(weak.clone(), keep, stop)
            }));
        }
        if let Some(js) = jetstream {
            let c = core.clone();
            tasks.push(
                bus.exclusive(&crate::jetstream::forward::consumer(&js), move |stop| {
                    crate::jetstream::forward::run(c.clone(), js.clone(), last, stop)
                }),
            );
            // Other nodes append too: notice their events as if appended here.
            tasks.push(tokio::spawn(crate::jetstream::poll::run(
                core.clone(),
                bus.shutdown.subscribe(),
            )));
        }
        if let Ok(mut t) = bus.tasks.lock() {
            t.extend(tasks);
        }
        Ok(bus)
    }

    /// Starts `task` as work that one node does at a time: under the store
    /// lock `name` on the JetStream bus (other nodes stand by), at once on
    /// the embedded bus.
    fn exclusive<F, Fut>(&self, name: &str, mut task: F) -> JoinHandle<()>
    where
        F: FnMut(watch::Receiver<bool>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let shutdown = self.shutdown.subscribe();
        if self.core.jetstream.is_none() {
            return tokio::spawn(task(shutdown));
        }
        tokio::spawn(crate::jetstream::exclusive::run(
            self.core.store.clone(),
            name.to_owned(),
            shutdown,
            task,
        ))
    }

    /// Runs `task` as work one node of several does at a time (see
    /// [`Bus::start`]'s tasks): at once on the embedded bus; on the JetStream
    /// bus while this node holds the store lock `name`, started anew when it
    /// takes it again. The task's receiver turns `true` when it must stop
    /// (shutdown, or the lock lost); [`Bus::shutdown`] waits for it.
    pub fn run_exclusive<F, Fut>(&self, name: &str, task: F)
    where
        F: FnMut(watch::Receiver<bool>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handle = self.exclusive(name, task);
        if let Ok(mut t) = self.tasks.lock() {
            t.push(handle);
        }
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

    /// Asks for dead letters to be replayed — `ids`, or all of `route`'s
    /// with `ids = None` — and wakes the routes, which deliver them before
    /// their next batch. Returns the ids now `replaying`.
    pub async fn replay_dead_letters(
        &self,
        route: Option<&str>,
        ids: Option<&[i64]>,
    ) -> Result<Vec<i64>, Error> {
        let ids = self
            .core
            .store
            .request_replay(route, ids)
            .await
            .map_err(Error::store("asking for a dead-letter replay"))?;
        self.core.appended.notify_waiters();
        Ok(ids)
    }

    /// Runs `route` again from `from`: stops it after its current call,
    /// moves its position back, and starts it again. Returns the position it
    /// restarts after and the end of the log now (the replay's goal); until
    /// it gets there the route does not hold ingest back (`max-lag`).
    /// Replay only goes back: a position past the route's is refused
    /// ([`Error::ReplayForward`]), as it would skip events.
    ///
    /// Not cancel-safe: run it to completion (the API runs it on a task).
    pub async fn replay(&self, route: &str, from: ReplayFrom) -> Result<(Seq, Seq), Error> {
        let store = &self.core.store;
        let consumer = route::consumer_id(route);
        let mut routes = self.routes.lock().await;
        if !routes.contains_key(route) {
            return Err(Error::UnknownRoute(route.to_owned()));
        }
        let position = match &from {
            ReplayFrom::After(seq) => *seq,
            ReplayFrom::Since(t) => store
                .position_before(t)
                .await
                .map_err(Error::store("finding where to replay from"))?,
        };
        let current = store
            .position(&consumer)
            .await
            .map_err(Error::store("reading the route's position"))?;
        if position > current || position < 0 {
            return Err(Error::ReplayForward {
                route: route.to_owned(),
                position,
                current,
            });
        }
        if let Some(js) = self.core.jetstream.clone() {
            // Several nodes run the route: it keeps running, and the events
            // are published again for it alone.
            let to = self.core.last_seq();
            let Some(running) = routes.get(route) else {
                return Err(Error::UnknownRoute(route.to_owned()));
            };
            running
                .route
                .stats
                .replaying_until
                .store(to, Ordering::Relaxed);
            let n = crate::jetstream::replay::replay(
                &self.core,
                &js,
                &running.route.entry,
                &consumer,
                position,
                to,
            )
            .await?;
            info!(
                route,
                from = position,
                to,
                events = n,
                "replaying a route on JetStream"
            );
            return Ok((position, to));
        }
        let Some(running) = routes.remove(route) else {
            return Err(Error::UnknownRoute(route.to_owned()));
        };
        let entry = running.route.entry.clone();
        let slot = running.route.slot.clone();
        stop(running).await;
        let rewound = store
            .rewind(&consumer, position)
            .await
            .map_err(Error::store("moving the route back"));
        // Whatever happened, the route runs again, from its committed position.
        let to = self.core.last_seq();
        let running = self.start_route(entry, slot).await;
        if rewound.is_ok() {
            running
                .route
                .stats
                .replaying_until
                .store(to, Ordering::Relaxed);
        }
        routes.insert(route.to_owned(), running);
        self.refresh_view(&routes);
        rewound?;
        info!(route, from = position, to, "replaying a route");
        Ok((position, to))
    }

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
    async fn start_route(&self, entry: RouteEntry, slot: Arc<Slot>) -> Running {
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

    fn refresh_view(&self, running: &BTreeMap<String, Running>) {
        if let Ok(mut v) = self.view.lock() {
            *v = running
                .values()
                .map(|r| (r.route.clone(), r.route.entry.max_lag))
                .collect();
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
    }
}

async fn stop(r: Running) {
    let _ = r.stop.send(true);
    let _ = r.task.await;
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
