//! [`Slot`]: a plugin as the bus holds it — the version serving now, its
//! circuit breaker and the in-memory copy of its state, shared by all its
//! routes and by every version of it.
//!
//! A new version replaces the serving one in one step ([`Slot::swap`]),
//! between windows: a route takes the serving version when a window starts
//! ([`Slot::plugin`]) and uses it for every batch of that window, so the
//! batches in flight finish on the old version and each event's outcome is
//! committed by exactly one version.

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::SystemTime,
};

use cityhub_runtime::{Plugin, StateMap, StateWrite, Worker};
use cityhub_store::Store;

use crate::{Error, breaker::Breaker};

/// A plugin the bus runs, as configured.
#[derive(Debug, Clone)]
pub struct PluginHandle {
    /// The loaded plugin.
    pub plugin: Arc<Plugin>,
    /// When it is suspended for failing.
    pub circuit: cityhub_config::Circuit,
}

/// One plugin's shared parts: the plugin, its breaker, and its committed
/// state in memory. Only committed writes reach this copy; a window's
/// uncommitted writes live in its [`WindowState`]. Routes to the same plugin
/// see each other's writes once committed; two routes writing the same key
/// at once end with the later commit's value.
#[derive(Debug)]
pub(crate) struct Slot {
    name: Arc<str>,
    serving: Mutex<Serving>,
    pub breaker: Breaker,
    state: Mutex<Committed>,
}

/// The version serving, and what the last upgrade left.
#[derive(Debug)]
struct Serving {
    plugin: Arc<Plugin>,
    /// The instance started to try the version (its `init` ran): the first
    /// worker of that version takes it instead of starting another.
    spare: Option<Worker>,
    /// Why the last attempt to replace this version failed, until one
    /// succeeds.
    failed: Option<UpgradeFailure>,
}

/// A new version of a plugin that was refused: the old one still serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeFailure {
    /// The version refused, as its manifest says.
    pub version: String,
    /// Why, in words that name the fix.
    pub reason: String,
    /// When it was refused.
    pub at: SystemTime,
}

#[derive(Debug, Default)]
struct Committed {
    /// `None` until first needed, and after a commit whose outcome is
    /// unknown (the store's copy is the truth).
    map: Option<Arc<StateMap>>,
    /// Bumped by every change, so a load that raced with one is not kept.
    generation: u64,
}

/// A window's view of the plugin's state: the committed state when the
/// window began, plus the writes of its successful batches so far, in the
/// order they succeeded. Shared by the window's lanes; committed with the
/// window, then applied to the [`Slot`].
#[derive(Debug)]
pub(crate) struct WindowState {
    inner: Mutex<(Arc<StateMap>, Vec<StateWrite>)>,
}

impl WindowState {
    pub fn new(base: Arc<StateMap>) -> Self {
        Self {
            inner: Mutex::new((base, Vec::new())),
        }
    }

    /// What the next call reads.
    pub fn snapshot(&self) -> Arc<StateMap> {
        match self.inner.lock() {
            Ok(i) => i.0.clone(),
            Err(p) => p.into_inner().0.clone(),
        }
    }

    /// Records a successful batch's writes, for the calls after it and for
    /// the commit.
    pub fn record(&self, writes: Vec<StateWrite>) {
        if writes.is_empty() {
            return;
        }
        let mut i = match self.inner.lock() {
            Ok(i) => i,
            Err(p) => p.into_inner(),
        };
        Arc::make_mut(&mut i.0).apply(&writes);
        i.1.extend(writes);
    }

    /// The window's writes, in order.
    pub fn into_writes(self) -> Vec<StateWrite> {
        match self.inner.into_inner() {
            Ok(i) => i.1,
            Err(p) => p.into_inner().1,
        }
    }
}

impl Slot {
    pub fn new(handle: &PluginHandle) -> Self {
        Self {
            name: handle.plugin.name().into(),
            serving: Mutex::new(Serving {
                plugin: handle.plugin.clone(),
                spare: None,
                failed: None,
            }),
            breaker: Breaker::new(handle.circuit),
            state: Mutex::new(Committed::default()),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn serving(&self) -> MutexGuard<'_, Serving> {
        // Nothing panics while holding it; stay total anyway.
        self.serving.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The version serving now. A window calls it once, at its start.
    pub fn plugin(&self) -> Arc<Plugin> {
        self.serving().plugin.clone()
    }

    /// A worker for `plugin`: the instance started when it was tried, if it
    /// is still unused, else one that starts at its first batch.
    pub fn worker(&self, plugin: &Arc<Plugin>) -> Worker {
        let mut s = self.serving();
        match s.spare.take() {
            Some(w) if Arc::ptr_eq(w.plugin(), plugin) => w,
            _ => Worker::new(plugin.clone()),
        }
    }

    /// Makes `worker`'s plugin (already tried: its instance ran `init`) the
    /// serving version, returning the one it replaces. Windows already
    /// running finish on the old version.
    pub fn swap(&self, worker: Worker) -> Arc<Plugin> {
        let mut s = self.serving();
        let old = std::mem::replace(&mut s.plugin, worker.plugin().clone());
        s.spare = Some(worker);
        s.failed = None;
        old
    }

    /// Records a refused new version (the old one still serves).
    pub fn refused(&self, failure: UpgradeFailure) {
        self.serving().failed = Some(failure);
    }

    /// Why the last new version was refused, if it was.
    pub fn upgrade_failure(&self) -> Option<UpgradeFailure> {
        self.serving().failed.clone()
    }

    /// The committed state, loading it from the store when not in memory.
    pub async fn state(&self, store: &Store) -> Result<Arc<StateMap>, Error> {
        let generation = match self.state.lock() {
            Ok(s) => match &s.map {
                Some(m) => return Ok(m.clone()),
                None => s.generation,
            },
            Err(_) => 0,
        };
        let entries = store
            .load_state(self.name())
            .await
            .map_err(Error::store("loading plugin state"))?;
        let loaded = Arc::new(StateMap::from_entries(entries));
        if let Ok(mut s) = self.state.lock()
            && s.generation == generation
            && s.map.is_none()
        {
            s.map = Some(loaded.clone());
        }
        Ok(loaded)
    }

    /// Applies a committed window's writes.
    pub fn apply_committed(&self, writes: &[StateWrite]) {
        if writes.is_empty() {
            return;
        }
        if let Ok(mut s) = self.state.lock() {
            s.generation += 1;
            if let Some(map) = s.map.as_mut() {
                Arc::make_mut(map).apply(writes);
            }
        }
    }

    /// Forgets the in-memory state: the next window reloads the committed
    /// one (after a commit whose outcome is unknown).
    pub fn forget_state(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.generation += 1;
            s.map = None;
        }
    }
}
