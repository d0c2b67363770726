//! [`Bus`]: starts a consumer per plugin and wakes them when events arrive.

use std::sync::Arc;

use cityhub_cloudevents::CloudEvent;
use cityhub_runtime::Plugin;
use cityhub_store::{Appended, Store};
use tokio::{
    sync::{Notify, watch},
    task::JoinHandle,
};

use crate::{Error, consumer::Consumer};

/// A plugin as the bus runs it.
#[derive(Debug, Clone)]
pub struct PluginHandle {
    /// The loaded plugin.
    pub plugin: Arc<Plugin>,
    /// The most events per call.
    pub batch_size: u32,
    /// How a failed batch is retried.
    pub retry: crate::RetryPolicy,
}

/// How the bus runs, besides its plugins.
#[derive(Debug, Clone, Default)]
pub struct BusOptions {
    /// Remove events recorded longer ago than this, once every consumer has
    /// passed them; `None` keeps them for ever.
    pub retention: Option<std::time::Duration>,
}

/// The running bus. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Bus {
    store: Store,
    appended: Arc<Notify>,
    shutdown: watch::Sender<bool>,
    tasks: std::sync::Mutex<Vec<JoinHandle<()>>>,
    plugins: Vec<PluginHandle>,
}

impl Bus {
    /// Starts one consumer task per plugin on the current tokio runtime. Each
    /// resumes from its committed position, so events accepted before a crash
    /// are delivered after the restart.
    pub fn start(store: Store, plugins: Vec<PluginHandle>, options: BusOptions) -> Arc<Self> {
        let appended = Arc::new(Notify::new());
        let (shutdown, shutdown_rx) = watch::channel(false);
        let mut tasks: Vec<JoinHandle<()>> = plugins
            .iter()
            .map(|p| {
                let consumer = Consumer::new(
                    store.clone(),
                    p.clone(),
                    appended.clone(),
                    shutdown_rx.clone(),
                );
                tokio::spawn(consumer.run())
            })
            .collect();
        if let Some(keep) = options.retention {
            let consumers = plugins
                .iter()
                .map(|p| Consumer::id_of(p.plugin.name()))
                .collect();
            let sweeper = crate::retention::run(store.clone(), consumers, keep, shutdown_rx);
            tasks.push(tokio::spawn(sweeper));
        }
        Arc::new(Self {
            store,
            appended,
            shutdown,
            tasks: std::sync::Mutex::new(tasks),
            plugins,
        })
    }

    /// Stores `events` in the log (one transaction, durable on return) and
    /// wakes the consumers. Events already stored (same `source` and `id`) are
    /// reported as duplicates and not stored again.
    pub async fn ingest(&self, events: &[CloudEvent]) -> Result<Vec<Appended>, Error> {
        let appended = self
            .store
            .append(events)
            .await
            .map_err(Error::store("storing ingested events"))?;
        self.appended.notify_waiters();
        Ok(appended)
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The plugins the bus runs.
    pub fn plugins(&self) -> &[PluginHandle] {
        &self.plugins
    }

    /// Asks every consumer to stop after its current batch and waits for them.
    pub async fn shutdown(&self) {
        let _ = self.shutdown.send(true);
        self.appended.notify_waiters();
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
