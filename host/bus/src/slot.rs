//! [`Slot`]: a plugin as the bus holds it — the loaded plugin, its circuit
//! breaker and the in-memory copy of its state, shared by all its routes.

use std::sync::{Arc, Mutex};

use cityhub_runtime::{Plugin, StateMap, StateWrite};
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

/// One plugin's shared parts. Routes to the same plugin share its state:
/// each call sees the writes of every batch before it that succeeded.
#[derive(Debug)]
pub(crate) struct Slot {
    pub plugin: Arc<Plugin>,
    pub breaker: Breaker,
    /// `None` until first needed, and again after a batch that applied
    /// writes here was not committed (so the store's copy is the truth).
    state: Mutex<Option<Arc<StateMap>>>,
}

impl Slot {
    pub fn new(handle: &PluginHandle) -> Self {
        Self {
            plugin: handle.plugin.clone(),
            breaker: Breaker::new(handle.circuit),
            state: Mutex::new(None),
        }
    }

    pub fn name(&self) -> &str {
        self.plugin.name()
    }

    /// The current state, loading it from the store when not in memory.
    pub async fn state(&self, store: &Store) -> Result<Arc<StateMap>, Error> {
        if let Some(s) = self.state.lock().ok().and_then(|s| s.clone()) {
            return Ok(s);
        }
        let entries = store
            .load_state(self.name())
            .await
            .map_err(Error::store("loading plugin state"))?;
        let loaded = Arc::new(StateMap::from_entries(entries));
        if let Ok(mut s) = self.state.lock() {
            // Another route may have loaded it meanwhile; keep theirs.
            return Ok(s.get_or_insert(loaded).clone());
        }
        Ok(loaded)
    }

    /// Applies a successful batch's writes for the calls that follow.
    pub fn apply(&self, writes: &[StateWrite]) {
        if writes.is_empty() {
            return;
        }
        if let Ok(mut s) = self.state.lock()
            && let Some(map) = s.as_mut()
        {
            Arc::make_mut(map).apply(writes);
        }
    }

    /// Forgets the in-memory state: the next call reloads the committed one.
    pub fn forget_state(&self) {
        if let Ok(mut s) = self.state.lock() {
            *s = None;
        }
    }
}
