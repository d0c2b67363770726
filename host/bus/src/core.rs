//! [`Core`]: what the bus's tasks share — the store, the wake-up for new
//! events, the newest seq, and how platform events are announced.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicI64, Ordering},
};

use cityhub_cloudevents::CloudEvent;
use cityhub_store::{Appended, Backend, BatchCommit, Seq, Store, StoredEvent};
use serde_json::{Value, json};
use tokio::sync::{Notify, OwnedSemaphorePermit, mpsc, oneshot};
use tracing::{info, warn};

use crate::{breaker::Transition, platform, tail::Tail};

#[derive(Debug)]
pub(crate) struct Core {
    pub store: Store,
    /// Woken after every append (ingest, outputs, platform events).
    pub appended: Notify,
    /// The newest seq known to be in the log (for lag without a query).
    pub last_seq: AtomicI64,
    /// Held across an append and remembering it in `tail`, so the tail
    /// sees appends in commit order.
    turn: tokio::sync::Mutex<()>,
    /// The newest events, on SQLite (see [`Tail`]).
    tail: Option<Mutex<Tail>>,
    /// Ingest's queue to the group-commit writer ([`writer`]).
    jobs: mpsc::Sender<Job>,
    /// The JetStream connection, when routes pull from JetStream
    /// (`[bus] backend = "jetstream"`); `None` on the embedded bus.
    pub jetstream: Option<Arc<crate::jetstream::JetStream>>,
}

/// The most events the writer puts in one transaction.
const GROUP_MAX: usize = 5_000;

/// One ingest request waiting for the writer.
struct Job {
    events: Vec<CloudEvent>,
    /// Held until the events are stored (ingest's bound, `max-pending`).
    _permit: Option<OwnedSemaphorePermit>,
    reply: oneshot::Sender<Result<Vec<Appended>, cityhub_store::Error>>,
}

/// Group commit: stores the ingest requests waiting at once in one
/// transaction (up to [`GROUP_MAX`] events), so concurrent senders share the
/// cost of a commit. Each request still gets its own answer; a duplicate
/// of an event earlier in the same group is reported as a duplicate. If the
/// group's transaction fails, each request is tried alone, so one answer
/// never depends on another request. Runs until the bus is dropped; a
/// request whose sender hung up is stored all the same.
async fn writer(core: std::sync::Weak<Core>, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        let mut n = group[0].events.len();
        while n < GROUP_MAX {
            match jobs.try_recv() {
                Ok(j) => {
                    n += j.events.len();
                    group.push(j);
                }
                Err(_) => break,
            }
        }
        let Some(core) = core.upgrade() else { return };
        if group.len() == 1 {
            for j in group {
                let r = core.append(&j.events).await;
                let _ = j.reply.send(r);
            }
            continue;
        }
        let mut all = Vec::with_capacity(n);
        let mut lens = Vec::with_capacity(group.len());
        for j in &mut group {
            lens.push(j.events.len());
            all.append(&mut j.events);
        }
        match core.append(&all).await {
            Ok(mut appended) => {
                for (j, len) in group.into_iter().zip(lens) {
                    let rest = appended.split_off(len.min(appended.len()));
                    let mine = std::mem::replace(&mut appended, rest);
                    let _ = j.reply.send(Ok(mine));
                }
            }
            Err(e) => {
                warn!(
                    requests = group.len(),
                    "a group commit failed ({e}); storing its requests one by one"
                );
                for (mut j, len) in group.into_iter().zip(lens) {
                    let rest = all.split_off(len.min(all.len()));
                    j.events = std::mem::replace(&mut all, rest);
                    let r = core.append(&j.events).await;
                    let _ = j.reply.send(r);
                }
            }
        }
    }
}

impl Core {
    /// The core, with its group-commit writer running on the current tokio
    /// runtime.
    pub fn start(
        store: Store,
        last_seq: Seq,
        jetstream: Option<Arc<crate::jetstream::JetStream>>,
    ) -> Arc<Self> {
        let tail = (store.backend() == Backend::Sqlite).then(|| Mutex::new(Tail::new(last_seq)));
        let (tx, rx) = mpsc::channel(1024);
        let core = Arc::new(Self {
            store,
            appended: Notify::new(),
            last_seq: AtomicI64::new(last_seq),
            turn: tokio::sync::Mutex::new(()),
            tail,
            jobs: tx,
            jetstream,
        });
        tokio::spawn(writer(Arc::downgrade(&core), rx));
        core
    }

    /// Stores an ingest request through the group-commit writer. Holding
    /// `permit` until the events are stored; cancel-safe (the writer stores
    /// them whether or not anyone waits for the answer).
    pub async fn ingest(
        &self,
        events: Vec<CloudEvent>,
        permit: Option<OwnedSemaphorePermit>,
    ) -> Result<Vec<Appended>, cityhub_store::Error> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            events,
            _permit: permit,
            reply,
        };
        let gone = || cityhub_store::Error::Interrupted {
            op: "append",
            why: "the bus is shutting down".to_owned(),
        };
        self.jobs.send(job).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    /// Appends `events` to the log (see [`Store::append`]), remembers them
    /// in the tail and wakes the routes.
    pub async fn append(
        &self,
        events: &[CloudEvent],
    ) -> Result<Vec<Appended>, cityhub_store::Error> {
        let turn = self.turn.lock().await;
        let at = Store::recorded_now();
        let appended = self.store.append_at(events, &at).await;
        self.remember(events, None, appended.as_ref().ok(), &at);
        drop(turn);
        let appended = appended?;
        self.appended(&appended);
        Ok(appended)
    }

    /// Commits a route's window (see [`Store::commit_batch`]), remembering
    /// its outputs in the tail and waking the routes if there are any.
    pub async fn commit(&self, c: &BatchCommit<'_>) -> Result<Vec<Appended>, cityhub_store::Error> {
        let turn = self.turn.lock().await;
        let at = Store::recorded_now();
        let appended = self.store.commit_batch_at(c, &at).await;
        self.remember(c.outputs, Some(c.origin), appended.as_ref().ok(), &at);
        drop(turn);
        let appended = appended?;
        if !appended.is_empty() {
            self.appended(&appended);
        }
        Ok(appended)
    }

    /// Called under the turn. A failed append may or may not have stored
    /// its events: the tail starts again after them.
    fn remember(
        &self,
        events: &[CloudEvent],
        origin: Option<&str>,
        appended: Option<&Vec<Appended>>,
        at: &cityhub_cloudevents::Timestamp,
    ) {
        let Some(tail) = &self.tail else { return };
        let Ok(mut tail) = tail.lock() else { return };
        match appended {
            Some(a) => tail.remember(events, origin, a, at),
            None => tail.reset(),
        }
    }

    /// Up to `limit` events after `after`, from the tail when it reaches
    /// back that far, else from the store.
    pub async fn read_after(
        &self,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Arc<StoredEvent>>, cityhub_store::Error> {
        if let Some(tail) = &self.tail
            && let Some(events) = tail
                .lock()
                .ok()
                .and_then(|t| t.read_after(after, limit as usize))
        {
            return Ok(events);
        }
        let events = self.store.read_after(after, limit).await?;
        Ok(events.into_iter().map(Arc::new).collect())
    }

    /// Notes appended events and wakes the routes.
    pub fn appended(&self, appended: &[Appended]) {
        if let Some(max) = appended.iter().map(|a| a.seq()).max() {
            self.last_seq.fetch_max(max, Ordering::Relaxed);
        }
        self.appended.notify_waiters();
    }

    /// The newest seq.
    pub fn last_seq(&self) -> Seq {
        self.last_seq.load(Ordering::Relaxed)
    }

    /// Stores a platform event. A store failure is logged, not returned: an
    /// announcement must never stop delivery.
    pub async fn emit(&self, ty: &str, subject: &str, data: Value) {
        let Some(event) = platform::event(ty, subject, data) else {
            return;
        };
        if let Err(e) = self.append(std::slice::from_ref(&event)).await {
            warn!(event.type = ty, subject, "cannot store a platform event: {e}");
        }
    }

    /// Logs and announces a breaker transition of `plugin`.
    pub async fn announce(&self, plugin: &str, t: Transition) {
        match t {
            Transition::Suspended { failures, reason } => {
                warn!(plugin, failures, reason = %reason, "plugin suspended by its circuit breaker; its routes pause");
                self.emit(
                    "cityhub.plugin.suspended",
                    plugin,
                    json!({"plugin": plugin, "failures": failures, "reason": reason}),
                )
                .await;
            }
            Transition::Resumed { by } => {
                info!(plugin, by, "plugin resumed");
                self.emit(
                    "cityhub.plugin.resumed",
                    plugin,
                    json!({"plugin": plugin, "by": by}),
                )
                .await;
            }
        }
    }
}
