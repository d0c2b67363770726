//! One plugin's consumer: log → batches → plugin → one commit per batch.

use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use cityhub_runtime::{StateMap, Worker};
use cityhub_store::{BatchCommit, Store, StoredEvent};
use tokio::sync::{Notify, watch};
use tracing::{debug, error, warn};

use crate::{Error, PluginHandle, encode_batch};

/// How many log entries a consumer reads at a time, per event of batch size.
const READ_FACTOR: u32 = 10;
/// How long a consumer waits before retrying after a store error.
const STORE_RETRY: Duration = Duration::from_secs(1);

pub(crate) struct Consumer {
    store: Store,
    handle: PluginHandle,
    appended: Arc<Notify>,
    shutdown: watch::Receiver<bool>,
    id: String,
}

impl Consumer {
    pub(crate) fn new(
        store: Store,
        handle: PluginHandle,
        appended: Arc<Notify>,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        let id = Self::id_of(handle.plugin.name());
        Self {
            store,
            handle,
            appended,
            shutdown,
            id,
        }
    }

    /// The consumer id (the key of its position) of a plugin's consumer.
    pub(crate) fn id_of(plugin: &str) -> String {
        format!("plugin:{plugin}")
    }

    /// Runs until shutdown. Store errors are logged and retried; they never
    /// end the task, so a database restart does not stop delivery for good.
    pub(crate) async fn run(mut self) {
        loop {
            match self.deliver().await {
                Ok(()) => return,
                Err(e) => {
                    error!(
                        plugin = self.handle.plugin.name(),
                        "delivery stopped: {e}; retrying in {STORE_RETRY:?}"
                    );
                    tokio::select! {
                        _ = tokio::time::sleep(STORE_RETRY) => {}
                        _ = self.shutdown.changed() => return,
                    }
                }
            }
        }
    }

    async fn deliver(&mut self) -> Result<(), Error> {
        let name = self.handle.plugin.name().to_owned();
        let mut position = self
            .store
            .position(&self.id)
            .await
            .map_err(Error::store("reading the consumer position"))?;
        let entries = self
            .store
            .load_state(&name)
            .await
            .map_err(Error::store("loading plugin state"))?;
        let mut state = Arc::new(StateMap::from_entries(entries));
        let mut worker = Some(Worker::new(self.handle.plugin.clone()));
        let limit = self.handle.batch_size.saturating_mul(READ_FACTOR);
        debug!(plugin = %name, position, "consumer started");
        loop {
            if *self.shutdown.borrow() {
                return Ok(());
            }
            // Register for wake-ups before reading, so an append between the
            // read and the wait is never missed.
            let appended = self.appended.clone();
            let notified = appended.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let window = self
                .store
                .read_after(position, limit)
                .await
                .map_err(Error::store("reading the log"))?;
            let Some(last) = window.last().map(|e| e.seq) else {
                tokio::select! {
                    _ = &mut notified => {}
                    _ = self.shutdown.changed() => {}
                }
                continue;
            };
            let wanted: Vec<&StoredEvent> = window
                .iter()
                .filter(|e| {
                    e.origin.as_deref() != Some(name.as_str())
                        && self
                            .handle
                            .plugin
                            .manifest()
                            .subscribes_to(e.event.ty.as_str())
                })
                .collect();
            if wanted.is_empty() {
                self.store
                    .set_position(&self.id, last)
                    .await
                    .map_err(Error::store("advancing the consumer position"))?;
                position = last;
                continue;
            }
            let chunks: Vec<&[&StoredEvent]> =
                wanted.chunks(self.handle.batch_size as usize).collect();
            for (i, batch) in chunks.iter().enumerate() {
                let upto = if i + 1 == chunks.len() {
                    last
                } else {
                    batch.last().map_or(last, |e| e.seq)
                };
                let mut attempt = 1;
                let outcome = loop {
                    let (w, outcome) = self.call(worker.take(), batch, state.clone()).await;
                    worker = Some(w);
                    let retry = &self.handle.retry;
                    match outcome {
                        Err(f) if attempt < retry.attempts && f.kind.is_retryable() => {
                            let wait = retry.delay(attempt);
                            self.handle
                                .plugin
                                .stats()
                                .retries
                                .fetch_add(1, Ordering::Relaxed);
                            warn!(plugin = %name, failure = f.kind.label(), attempt, wait_ms = wait.as_millis() as u64, "retrying a failed batch");
                            tokio::select! {
                                _ = tokio::time::sleep(wait) => {}
                                // Nothing was committed: the batch is delivered again after a restart.
                                _ = self.shutdown.changed() => return Ok(()),
                            }
                            attempt += 1;
                        }
                        other => break other,
                    }
                };
                match outcome {
                    Ok(out) => {
                        let commit = BatchCommit {
                            consumer: &self.id,
                            position: upto,
                            origin: &name,
                            outputs: &out.events,
                            plugin: &name,
                            state: &out.state,
                        };
                        self.store
                            .commit_batch(&commit)
                            .await
                            .map_err(Error::store("committing a batch"))?;
                        if !out.state.is_empty() {
                            Arc::make_mut(&mut state).apply(&out.state);
                        }
                        if !out.events.is_empty() {
                            self.appended.notify_waiters();
                        }
                    }
                    Err(failure) => {
                        // Dead letters come with issue 3; for now the batch is
                        // skipped so the plugin's other events keep flowing.
                        // The worker already logged the ids.
                        warn!(plugin = %name, failure = failure.kind.label(), attempts = attempt, from = batch[0].seq, to = upto, "giving up on a failed batch and skipping it");
                        self.store
                            .set_position(&self.id, upto)
                            .await
                            .map_err(Error::store("advancing past a failed batch"))?;
                    }
                }
                position = upto;
            }
        }
    }

    /// Runs one batch on a blocking thread (a call may take up to the plugin's
    /// `time-per-batch`), returning the worker for the next batch.
    async fn call(
        &self,
        worker: Option<Worker>,
        batch: &[&StoredEvent],
        state: Arc<StateMap>,
    ) -> (
        Worker,
        Result<cityhub_runtime::BatchOutput, cityhub_runtime::BatchFailure>,
    ) {
        let frame = encode_batch(batch.iter().copied());
        let mut worker = worker.unwrap_or_else(|| Worker::new(self.handle.plugin.clone()));
        let plugin = self.handle.plugin.clone();
        match tokio::task::spawn_blocking(move || {
            let out = worker.handle(&frame, state);
            (worker, out)
        })
        .await
        {
            Ok(r) => r,
            Err(join) => {
                let failure = cityhub_runtime::BatchFailure {
                    kind: cityhub_runtime::FailureKind::Trap,
                    reason: format!("the call's thread failed: {join}"),
                    event_id: None,
                };
                (Worker::new(plugin), Err(failure))
            }
        }
    }
}
