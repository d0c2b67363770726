//! Retention: removing old events that every consumer has passed.

use cityhub_cloudevents::Timestamp;

use crate::{Error, Seq, Store, row::micros_floor, sql::Sql, store::with_pool};

impl Store {
    /// Deletes at most `limit` of the oldest events recorded before `cutoff`
    /// whose seq is at most `upto`, and returns how many it deleted.
    ///
    /// `upto` is the caller's guarantee that nothing still needs those events:
    /// the lowest committed position of the consumers. The newest event is
    /// never deleted, so [`Store::last_seq`] never goes back. Each call is one
    /// short write transaction, so ingest waits for at most one chunk; call
    /// again until it returns 0.
    pub async fn delete_before(
        &self,
        cutoff: &Timestamp,
        upto: Seq,
        limit: u32,
    ) -> Result<u64, Error> {
        const OP: &str = "delete_before";
        let cutoff = micros_floor(cutoff);
        let _turn = self.writer().await;
        with_pool!(self, pool => {
            let mut tx = Sql::begin_write(pool, false, OP).await?;
            let n = Sql::delete_before(&mut tx, cutoff, upto, limit, OP).await?;
            tx.commit().await.map_err(Error::db(OP))?;
            Ok(n)
        })
    }
}
