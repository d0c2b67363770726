//! [`Store::project_ops`]: a window of the ops read model and its position,
//! in one transaction.

use crate::{Error, Seq, Store, sql::Sql, store::with_pool};

use super::{OpsWindow, sql::OpsSql};

impl Store {
    /// Applies `window` (see [`OpsWindow`] and the rules in
    /// [`crate::ops`]) and moves `consumer` to `position`, in one
    /// transaction, so a crash replays the window rather than losing or
    /// doubling it. An operator action naming an alert the read model does
    /// not have is logged and skipped. Called by the ops projection once per
    /// window that changes something; cancel-safe (see [`Store::append`]).
    pub async fn project_ops(
        &self,
        consumer: &str,
        position: Seq,
        window: OpsWindow,
    ) -> Result<(), Error> {
        const OP: &str = "project_ops";
        let store = self.clone();
        let consumer = consumer.to_owned();
        self.detached(OP, async move {
            let _turn = store.writer().await;
            with_pool!(store, pool => {
                let mut tx = Sql::begin_write(pool, false, OP).await?;
                OpsSql::apply(&mut tx, window).await.map_err(Error::db(OP))?;
                Sql::advance(&mut tx, &consumer, position, OP).await?;
                tx.commit().await.map_err(Error::db(OP))
            })
        })
        .await
    }
}
