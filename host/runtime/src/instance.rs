//! [`Instance`]: one running instance of a plugin, and one batch through it.

use std::{
    sync::{Arc, atomic::Ordering},
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use cityhub_cloudevents::{CloudEvent, Timestamp};
use wasmtime::{Store, Trap};

use crate::{
    BatchFailure, Error, FailureKind, Plugin, PluginErrorKind, StateMap, StateWrite,
    bindings::{Plugin as Bindings, types},
    decode_outputs,
    host_state::{HostState, LogBudget},
    state::StateTxn,
};

/// What a successful batch produced. The caller commits `events` and `state`
/// together, then applies `state` to the plugin's [`StateMap`].
#[derive(Debug)]
pub struct BatchOutput {
    /// The output events, checked and completed (id, source, time).
    pub events: Vec<CloudEvent>,
    /// The batch's state writes.
    pub state: Vec<StateWrite>,
    /// Log records dropped for being over the per-call budget.
    pub logs_dropped: u32,
}

/// One instance of a plugin, with its own store (memory, WASI context, limits).
/// After any failed call it must be dropped: [`crate::Worker`] does that.
pub struct Instance {
    plugin: Arc<Plugin>,
    store: Store<HostState>,
    bindings: Bindings,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("plugin", &self.plugin.name)
            .finish_non_exhaustive()
    }
}

impl Instance {
    /// Starts an instance: a fresh store from the pool, instantiation from the
    /// `InstancePre`, then the plugin's `init` with its configuration, under
    /// the same deadline and memory limit as a batch. `state` is readable (not
    /// writable) during `init`.
    pub fn start(plugin: &Arc<Plugin>, state: Arc<StateMap>) -> Result<Self, Error> {
        let fail = |reason: String| Error::Start {
            plugin: plugin.name.to_string(),
            reason,
        };
        let memory = plugin.manifest.limits.memory.bytes() as usize;
        let mut store = Store::new(
            &plugin.engine,
            HostState::new(plugin.name.clone(), memory, state),
        );
        store.limiter(|s| &mut s.limiter);
        store.set_epoch_deadline(plugin.deadline_ticks);
        store.data_mut().now = now();
        let bindings = plugin
            .pre
            .instantiate(&mut store)
            .map_err(|e| fail(classify(plugin, e, store.data()).reason))?;
        match bindings
            .cityhub_plugin_handler()
            .call_init(&mut store, &plugin.config_json)
        {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(fail(format!("`init` returned an error: {}", e.message))),
            Err(trap) => {
                return Err(fail(format!(
                    "`init` failed: {}",
                    classify(plugin, trap, store.data()).reason
                )));
            }
        }
        plugin
            .stats
            .instances_started
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Self {
            plugin: plugin.clone(),
            store,
            bindings,
        })
    }

    /// Instantiates a fresh store from the plugin's `InstancePre` — store, WASI
    /// context, memory limiter, instantiation — without calling `init`, and
    /// returns it opaque. For measuring instantiation alone (time, memory);
    /// the host uses [`Instance::start`].
    pub fn instantiate_bare(plugin: &Arc<Plugin>) -> Result<impl Send + use<>, Error> {
        let memory = plugin.manifest.limits.memory.bytes() as usize;
        let mut store = Store::new(
            &plugin.engine,
            HostState::new(plugin.name.clone(), memory, Arc::default()),
        );
        store.limiter(|s| &mut s.limiter);
        store.set_epoch_deadline(plugin.deadline_ticks);
        plugin
            .pre
            .instantiate(&mut store)
            .map(|bindings| (store, bindings))
            .map_err(|e| Error::Start {
                plugin: plugin.name.to_string(),
                reason: format!("{e:#}"),
            })
    }

    /// Runs one batch (an encoded frame) with a state transaction over `state`.
    /// Enforces every limit in the manifest; see [`BatchFailure`] for what can
    /// go wrong. On `Err`, drop this instance.
    #[allow(clippy::ptr_arg)] // the generated binding lowers `list<u8>` from `&Vec<u8>`
    pub fn handle(
        &mut self,
        input: &Vec<u8>,
        state: Arc<StateMap>,
    ) -> Result<BatchOutput, BatchFailure> {
        let limits = &self.plugin.manifest.limits;
        let now_wit = now();
        {
            let data = self.store.data_mut();
            data.now = now_wit;
            data.state = StateTxn::new(state, limits.state_quota.bytes());
            data.log = LogBudget::default();
            data.stderr.clear();
        }
        self.store.set_epoch_deadline(self.plugin.deadline_ticks);
        let started = Instant::now();
        let result = self
            .bindings
            .cityhub_plugin_handler()
            .call_handle(&mut self.store, input);
        let used = started.elapsed();
        let data = self.store.data_mut();
        let txn = std::mem::take(&mut data.state);
        let logs_dropped = data.log.dropped;
        let stats = &self.plugin.stats;
        stats
            .logs_dropped
            .fetch_add(u64::from(logs_dropped), Ordering::Relaxed);
        stats
            .stdio_bytes
            .fetch_add(data.take_stdio_bytes(), Ordering::Relaxed);
        if result.is_ok() {
            stats
                .near_deadline
                .record(&self.plugin.name, used, limits.time_per_batch);
        }
        let frame = match result {
            Ok(Ok(frame)) => frame,
            Ok(Err(e)) => return Err(plugin_error(e)),
            Err(trap) => return Err(classify(&self.plugin, trap, self.store.data())),
        };
        let now = Timestamp::from_datetime(
            time::OffsetDateTime::from_unix_timestamp_nanos(
                i128::from(now_wit.seconds) * 1_000_000_000 + i128::from(now_wit.nanoseconds),
            )
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
        );
        let events = decode_outputs(&self.plugin.manifest, &self.plugin.approval, &frame, &now)?;
        Ok(BatchOutput {
            events,
            state: txn.into_writes(),
            logs_dropped,
        })
    }

    /// The plugin this instance runs.
    pub fn plugin(&self) -> &Arc<Plugin> {
        &self.plugin
    }
}

fn now() -> types::Timestamp {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    types::Timestamp {
        seconds: d.as_secs() as i64,
        nanoseconds: d.subsec_nanos(),
    }
}

fn plugin_error(e: types::PluginError) -> BatchFailure {
    let kind = match e.kind {
        types::ErrorKind::Config => PluginErrorKind::Config,
        types::ErrorKind::InvalidInput => PluginErrorKind::InvalidInput,
        types::ErrorKind::Transient => PluginErrorKind::Transient,
        types::ErrorKind::Internal => PluginErrorKind::Internal,
    };
    BatchFailure {
        kind: FailureKind::Plugin(kind),
        reason: format!("plugin reported: {}", e.message),
        event_id: e.event_id,
    }
}

/// Turns a trap into a failure that says which limit was hit, or what the
/// guest said on stderr (a Rust panic message) before it trapped.
fn classify(plugin: &Plugin, err: wasmtime::Error, data: &HostState) -> BatchFailure {
    let limits = &plugin.manifest.limits;
    if let Some(desired) = data.limiter.hit {
        return BatchFailure::new(
            FailureKind::MemoryLimit,
            format!(
                "plugin tried to grow its memory to {desired} bytes, over its `memory` limit of {}",
                limits.memory
            ),
        );
    }
    match err.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => BatchFailure::new(
            FailureKind::Deadline,
            format!(
                "call ran past the plugin's `time-per-batch` of {} and was stopped",
                limits.time_per_batch
            ),
        ),
        Some(Trap::StackOverflow) => BatchFailure::new(
            FailureKind::StackOverflow,
            "the plugin's wasm stack overflowed (recursion too deep?)",
        ),
        other => {
            let what = other.map_or_else(|| format!("{err:#}"), |t| t.to_string());
            let said = data.stderr_text();
            let reason = if said.is_empty() {
                format!("plugin trapped: {what}")
            } else {
                format!("plugin trapped: {what}; it wrote: {said}")
            };
            BatchFailure::new(FailureKind::Trap, reason)
        }
    }
}
