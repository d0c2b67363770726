//! [`BatchCommit`]: what one plugin delivery produced, committed at once.

use cityhub_cloudevents::{CloudEvent, Timestamp};

use crate::{
    Appended, Error, NewDeadLetter, Seq, Store, row::micros_floor, sql::Sql, store::with_pool,
};

/// The outcome of delivering one batch to a plugin, for [`Store::commit_batch`].
#[derive(Debug, Clone, Copy)]
pub struct BatchCommit<'a> {
    /// The consumer whose position moves.
    pub consumer: &'a str,
    /// Its new position: the seq of the last event of the batch.
    pub position: Seq,
    /// The `origin` recorded on the output events (the plugin's name).
    pub origin: &'a str,
    /// The events the plugin emitted, appended in order.
    pub outputs: &'a [CloudEvent],
    /// The plugin whose state the writes apply to.
    pub plugin: &'a str,
    /// State writes in order: `Some` sets the key, `None` deletes it.
    pub state: &'a [(String, Option<Vec<u8>>)],
    /// Events of the batch that failed for good (or replayed letters that
    /// failed again).
    pub dead_letters: &'a [NewDeadLetter<'a>],
    /// Dead letters replayed successfully in this batch.
    pub replayed: &'a [i64],
    /// Set when nodes share the store and deliveries may repeat (the
    /// JetStream bus): see [`Shared`].
    pub shared: Option<Shared<'a>>,
}

/// What a commit from one of several nodes adds (the JetStream bus).
///
/// - `done`: the log seqs this window handled, marked for the consumer in
///   the same transaction. One already marked (another node, or this one
///   before a crash, committed it) refuses the whole commit with
///   [`Error::Conflict`]: outputs are stored once per input.
/// - `state_version`: the plugin's state version the window read
///   ([`Store::load_state_versioned`]); if it moved, [`Error::Conflict`].
///   The version is bumped when the commit writes state.
///
/// The position then only moves forward (to the larger of the two), never
/// refusing: nodes commit windows out of order.
#[derive(Debug, Clone, Copy)]
pub struct Shared<'a> {
    /// The seqs handled.
    pub done: &'a [Seq],
    /// The state version read.
    pub state_version: i64,
}

impl Store {
    /// In one transaction: moves `c.consumer` to `c.position`, appends
    /// `c.outputs` with origin `c.origin` (idempotent on (`source`, `id`) as in
    /// [`Store::append`]), applies `c.state` to `c.plugin`'s state and records
    /// `c.dead_letters` and `c.replayed`. Either
    /// all of it happens or none: a position behind the committed one is
    /// [`Error::PositionBackwards`] and nothing is applied. Returns what
    /// happened to each output.
    ///
    /// Not cancel-safe: run it to completion (the bus's route tasks never
    /// drop it half-way). Dropped mid-transaction, the connection would hold
    /// SQLite's write lock until its rollback ran.
    pub async fn commit_batch(&self, c: &BatchCommit<'_>) -> Result<Vec<Appended>, Error> {
        self.commit_batch_at(c, &Store::recorded_now()).await
    }

    /// [`Store::commit_batch`], recording the outputs at `at` (see
    /// [`Store::append_at`]).
    pub async fn commit_batch_at(
        &self,
        c: &BatchCommit<'_>,
        at: &Timestamp,
    ) -> Result<Vec<Appended>, Error> {
        const OP: &str = "commit_batch";
        let at = micros_floor(at);
        let _turn = self.writer().await;
        with_pool!(self, pool => {
            let mut tx = Sql::begin_write(pool, !c.outputs.is_empty(), OP).await?;
            match &c.shared {
                None => Sql::advance(&mut tx, c.consumer, c.position, OP).await?,
                Some(shared) => {
                    Sql::advance_to_max(&mut tx, c.consumer, c.position, OP).await?;
                    Sql::mark_done(&mut tx, c.consumer, shared.done, OP).await?;
                    Sql::bump_state_version(
                        &mut tx,
                        c.consumer,
                        c.plugin,
                        shared.state_version,
                        !c.state.is_empty(),
                        OP,
                    )
                    .await?;
                }
            }
            let appended =
                Sql::insert_events(&mut tx, c.outputs, Some(c.origin), at, OP).await?;
            Sql::write_state(&mut tx, c.plugin, c.state, OP).await?;
            if !c.dead_letters.is_empty() || !c.replayed.is_empty() {
                crate::dead_letters::write(&mut tx, c.dead_letters, c.replayed, OP).await?;
            }
            tx.commit().await.map_err(Error::db(OP))?;
            Ok(appended)
        })
    }
}
