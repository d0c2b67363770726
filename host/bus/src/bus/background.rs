//! The bus's background work, started once by [`Bus::start`]: the lag
//! monitor, the clock, the read-model projections, retention and, on
//! JetStream, the forwarder and the poll of the log's end. With several
//! nodes, one node at a time runs each (under a store lock, see
//! [`crate::jetstream::exclusive`]); the others stand by and follow.

use std::{sync::Arc, time::Duration};

use cityhub_store::Seq;
use tokio::{sync::watch, task::JoinHandle};

use super::Bus;
use crate::{
    jetstream::JetStream,
    projection::{Projection, open311::Open311, ops::Ops},
};

/// What [`Bus::start_background`] needs besides the bus.
pub(super) struct Background {
    /// The clock's period (`[clock] tick`), changed by [`Bus::set_tick`].
    pub tick: watch::Receiver<Duration>,
    /// Where the Open311 projection publishes its position.
    pub projected: watch::Sender<Seq>,
    /// Where the ops projection publishes its position.
    pub ops_projected: watch::Sender<Seq>,
    /// [`crate::BusOptions::retention`].
    pub retention: Option<Duration>,
    /// On JetStream: the stream, and the end of the log when the bus started.
    pub forward: Option<(Arc<JetStream>, Seq)>,
}

impl Bus {
    /// Starts the background tasks; [`Bus::shutdown`] waits for them.
    pub(super) fn start_background(self: &Arc<Self>, b: Background) {
        let core = self.core.clone();
        let mut tasks = Vec::new();
        // With several nodes (JetStream), one node at a time runs each of
        // these, under a store lock; on the embedded bus this node does.
        let weak = Arc::downgrade(self);
        tasks.push(self.exclusive("monitor", move |stop| {
            crate::monitor::run(weak.clone(), stop)
        }));
        let weak = Arc::downgrade(self);
        tasks.push(self.exclusive("clock", move |stop| {
            crate::clock::run(weak.clone(), b.tick.clone(), stop)
        }));
        if self.open311 {
            tasks.extend(self.start_projection::<Open311>(b.projected));
        }
        if self.ops {
            tasks.extend(self.start_projection::<Ops>(b.ops_projected));
        }
        if let Some(keep) = b.retention {
            let weak = Arc::downgrade(self);
            tasks.push(self.exclusive("retention", move |stop| {
                crate::retention::run(weak.clone(), keep, stop)
            }));
        }
        if let Some((js, last)) = b.forward {
            let c = core.clone();
            tasks.push(
                self.exclusive(&crate::jetstream::forward::consumer(&js), move |stop| {
                    crate::jetstream::forward::run(c.clone(), js.clone(), last, stop)
                }),
            );
            // Other nodes append too: notice their events as if appended here.
            tasks.push(tokio::spawn(crate::jetstream::poll::run(
                core.clone(),
                self.shutdown.subscribe(),
            )));
        }
        if let Ok(mut t) = self.tasks.lock() {
            t.extend(tasks);
        }
    }

    /// Starts projection `P`, run by one node at a time under the lock
    /// named by its consumer, publishing its position on `position`; on
    /// JetStream, also the follower that publishes the stored position
    /// while another node runs it.
    fn start_projection<P: Projection + Default>(
        &self,
        position: watch::Sender<Seq>,
    ) -> Vec<JoinHandle<()>> {
        let (core, sender) = (self.core.clone(), position.clone());
        let mut tasks = vec![self.exclusive(P::CONSUMER, move |stop| {
            crate::projection::run(core.clone(), P::default(), sender.clone(), stop)
        })];
        if self.core.jetstream.is_some() {
            tasks.push(tokio::spawn(crate::projection::follow(
                self.core.clone(),
                P::CONSUMER,
                position,
                self.shutdown.subscribe(),
            )));
        }
        tasks
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
}
