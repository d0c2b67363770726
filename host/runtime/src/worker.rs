//! [`Worker`]: runs a plugin's batches one at a time, replacing failed instances.

use std::sync::{Arc, atomic::Ordering};

use cityhub_frame::{Frame, declared_len};

use crate::{BatchFailure, BatchOutput, Error, FailureKind, Instance, Plugin, StateMap};

/// Runs batches on one instance of a plugin at a time. The first batch starts
/// an instance; any failed batch discards it, and the next batch starts a
/// fresh one. Calls block the thread for up to the plugin's `time-per-batch`:
/// run them on a blocking thread, not an async executor's.
#[derive(Debug)]
pub struct Worker {
    plugin: Arc<Plugin>,
    instance: Option<Instance>,
}

impl Worker {
    /// A worker with no instance yet.
    pub fn new(plugin: Arc<Plugin>) -> Self {
        Self {
            plugin,
            instance: None,
        }
    }

    /// A worker whose instance is started now (instantiation, then `init`
    /// with the plugin's configuration and `state` to read), rather than at
    /// its first batch. The host calls it to try a new version of a plugin
    /// before that version replaces the running one: an `Err` says why the
    /// version cannot serve, and nothing has changed. Blocks for up to the
    /// plugin's `time-per-batch`.
    pub fn start(plugin: Arc<Plugin>, state: Arc<StateMap>) -> Result<Self, Error> {
        let instance = Instance::start(&plugin, state)?;
        Ok(Self {
            plugin,
            instance: Some(instance),
        })
    }

    /// The plugin.
    pub fn plugin(&self) -> &Arc<Plugin> {
        &self.plugin
    }

    /// Whether an instance is running (false before the first batch and after a failure).
    pub fn has_instance(&self) -> bool {
        self.instance.is_some()
    }

    /// Runs one batch. On failure the instance is dropped, the failure is
    /// counted in the plugin's stats and logged with the plugin's name, the
    /// kind, the reason and the batch's event ids.
    #[allow(clippy::ptr_arg)] // the generated binding lowers `list<u8>` from `&Vec<u8>`
    pub fn handle(
        &mut self,
        input: &Vec<u8>,
        state: Arc<StateMap>,
    ) -> Result<BatchOutput, BatchFailure> {
        let stats = &self.plugin.stats;
        let started = std::time::Instant::now();
        let events = declared_len(input).unwrap_or(0) as u64;
        stats.events_in.fetch_add(events, Ordering::Relaxed);
        let result = match self.instance.take() {
            Some(i) => Ok(i),
            None => Instance::start(&self.plugin, state.clone())
                .map_err(|e| BatchFailure::new(FailureKind::Start, e.to_string())),
        }
        .and_then(|mut instance| {
            let out = instance.handle(input, state)?;
            self.instance = Some(instance);
            Ok(out)
        });
        stats.call_seconds.observe(started.elapsed());
        match &result {
            Ok(out) => {
                stats.batches_ok.fetch_add(1, Ordering::Relaxed);
                stats
                    .events_out
                    .fetch_add(out.events.len() as u64, Ordering::Relaxed);
            }
            Err(f) => {
                stats.record_failure(f.kind);
                tracing::warn!(
                    plugin = %self.plugin.name,
                    failure = f.kind.label(),
                    event.ids = %event_ids(input),
                    "batch failed, instance discarded: {}",
                    f
                );
            }
        }
        result
    }
}

/// The batch's event ids for a log line: the first 20, then a count.
fn event_ids(input: &[u8]) -> String {
    let Ok(frame) = Frame::parse(input) else {
        return String::from("<unreadable batch>");
    };
    let ids: Vec<&str> = frame.events().take(20).map(|e| e.attrs.id).collect();
    let more = frame.len().saturating_sub(ids.len());
    let mut s = ids.join(",");
    if more > 0 {
        s.push_str(&format!(" (+{more} more)"));
    }
    s
}
