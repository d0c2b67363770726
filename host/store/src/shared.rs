//! What nodes sharing one store need (the JetStream bus, several
//! `cityhub serve` on one PostgreSQL): done marks of route inputs, plugin
//! state read with its version, and named locks that one node holds at a
//! time (PostgreSQL advisory locks, released when the node's connection
//! ends: a killed node lets go at once).
//!
//! Commits that use them: [`crate::BatchCommit::shared`].

use std::collections::HashSet;

use sqlx::{Connection, Row};

use crate::{
    Error, Seq, Store,
    db::{Db, placeholder_rows},
    store::{Pool, with_pool},
};

/// A named lock held by this process until dropped (see [`Store::try_lock`]).
#[derive(Debug)]
pub struct Lock {
    name: String,
    /// The session holding the advisory lock; `None` on SQLite, where one
    /// process runs the store and the lock is always this process's.
    conn: Option<sqlx::PgConnection>,
}

impl Lock {
    /// The lock's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the lock is still held: its session answers. A lost session
    /// has lost the lock; drop this and take it again.
    pub async fn check(&mut self) -> Result<(), Error> {
        match &mut self.conn {
            None => Ok(()),
            Some(c) => c.ping().await.map_err(Error::db("lock_check")),
        }
    }
}

/// Turns at a named lock, taken and given back many times on one
/// connection of its own (see [`Store::turns`]): on PostgreSQL an advisory
/// lock, so one node of several holds the turn at a time, waiters being
/// served in order; on SQLite (one process) always this process's turn.
#[derive(Debug)]
pub struct Turns {
    key: i64,
    conn: Option<sqlx::PgConnection>,
    held: bool,
}

impl Turns {
    /// Waits for the turn. Cancel-safe in effect: dropped while waiting, the
    /// [`Turns`] must be dropped too (its session ends, and with it any lock).
    pub async fn take(&mut self) -> Result<(), Error> {
        if let Some(c) = &mut self.conn {
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(self.key)
                .execute(&mut *c)
                .await
                .map_err(Error::db("turn_take"))?;
        }
        self.held = true;
        Ok(())
    }

    /// Gives the turn back, to the next node waiting.
    pub async fn give(&mut self) -> Result<(), Error> {
        if let (Some(c), true) = (&mut self.conn, self.held) {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(self.key)
                .execute(&mut *c)
                .await
                .map_err(Error::db("turn_give"))?;
        }
        self.held = false;
        Ok(())
    }
}

/// A stable 64-bit key for an advisory lock name (FNV-1a).
fn lock_key(name: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

impl Store {
    /// Takes the lock `name` if no other process holds it, without waiting:
    /// `None` when another holds it. On PostgreSQL a session-level advisory
    /// lock on a connection of its own, released when the [`Lock`] is
    /// dropped or the process dies; on SQLite (one process) always taken.
    ///
    /// Used for the work that one node of several does at a time: the
    /// read-model projections, forwarding the log to JetStream, the clock.
    pub async fn try_lock(&self, name: &str) -> Result<Option<Lock>, Error> {
        const OP: &str = "try_lock";
        let pool = match &self.inner.pool {
            Pool::Sqlite(_) => {
                return Ok(Some(Lock {
                    name: name.to_owned(),
                    conn: None,
                }));
            }
            Pool::Postgres(pool) => pool,
        };
        let mut conn = pool.acquire().await.map_err(Error::db(OP))?;
        let taken: bool = sqlx::query("SELECT pg_try_advisory_lock($1)")
            .bind(lock_key(name))
            .fetch_one(&mut *conn)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(Error::db(OP))?;
        // Taken: the session leaves the pool with the lock. Not taken: it
        // holds nothing and goes back, so a standby node's tries reuse the
        // pool's connections rather than opening one each time.
        Ok(taken.then(|| Lock {
            name: name.to_owned(),
            conn: Some(conn.detach()),
        }))
    }

    /// Removes `consumer`'s done marks after `after` (a replay from there).
    pub async fn undo_done(&self, consumer: &str, after: Seq) -> Result<(), Error> {
        const OP: &str = "undo_done";
        let _turn = self.writer().await;
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM route_done WHERE consumer = $1 AND seq > $2")
                .bind(consumer)
                .bind(after)
                .execute(pool)
                .await
                .map_err(Error::db(OP))
                .map(|_| ())
        })
    }

    /// Turns at lock `name` (see [`Turns`]), on a connection of their own
    /// on PostgreSQL. Used by a route on the JetStream bus: one window of
    /// the route at a time across all nodes, so a key's events keep their
    /// order.
    pub async fn turns(&self, name: &str) -> Result<Turns, Error> {
        let conn = match &self.inner.pool {
            Pool::Sqlite(_) => None,
            Pool::Postgres(pool) => {
                Some(pool.acquire().await.map_err(Error::db("turns"))?.detach())
            }
        };
        Ok(Turns {
            key: lock_key(name),
            conn,
            held: false,
        })
    }

    /// Those of `seqs` that `consumer` has marked done.
    pub async fn done_among(&self, consumer: &str, seqs: &[Seq]) -> Result<HashSet<Seq>, Error> {
        with_pool!(self, pool => done_among(pool, consumer, seqs).await)
    }

    /// `plugin`'s state with its version, for a commit that checks it
    /// ([`crate::Shared::state_version`]). Creates the version (0) the first
    /// time (a write; later calls only read). The version is read before
    /// the state: a commit landing between the two makes the later commit
    /// refuse, never lose, a write.
    pub async fn load_state_versioned(
        &self,
        plugin: &str,
    ) -> Result<(i64, Vec<(String, Vec<u8>)>), Error> {
        const OP: &str = "load_state_versioned";
        let version = {
            let store = self.clone();
            let plugin = plugin.to_owned();
            self.detached(OP, async move {
                const READ: &str = "SELECT version FROM plugin_state_versions WHERE plugin = $1";
                // Read first: the row exists after a plugin's first window,
                // so the write (and this process's writer turn) is taken once.
                let found = with_pool!(store, pool => {
                    sqlx::query(READ)
                        .bind(plugin.as_str())
                        .fetch_optional(pool)
                        .await
                        .and_then(|row| row.map(|r| r.try_get::<i64, _>(0)).transpose())
                        .map_err(Error::db(OP))
                })?;
                if let Some(version) = found {
                    return Ok(version);
                }
                let _turn = store.writer().await;
                with_pool!(store, pool => {
                    sqlx::query(
                        "INSERT INTO plugin_state_versions (plugin, version) VALUES ($1, 0) \
                         ON CONFLICT (plugin) DO NOTHING",
                    )
                    .bind(plugin.as_str())
                    .execute(pool)
                    .await
                    .map_err(Error::db(OP))?;
                    sqlx::query(READ)
                        .bind(plugin.as_str())
                        .fetch_one(pool)
                        .await
                        .and_then(|row| row.try_get::<i64, _>(0))
                        .map_err(Error::db(OP))
                })
            })
            .await?
        };
        Ok((version, self.load_state(plugin).await?))
    }
}

async fn done_among<DB: Db>(
    pool: &sqlx::Pool<DB>,
    consumer: &str,
    seqs: &[Seq],
) -> Result<HashSet<Seq>, Error>
where
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Decode<'q, DB> + sqlx::Type<DB>,
    for<'c> &'c mut <DB as sqlx::Database>::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    const OP: &str = "done_among";
    let mut done = HashSet::new();
    for chunk in seqs.chunks(DB::MAX_PARAMS - 1) {
        let mut sql = String::from("SELECT seq FROM route_done WHERE consumer = ");
        DB::placeholder(&mut sql, 1);
        sql.push_str(" AND seq IN ");
        placeholder_rows::<DB>(&mut sql, 2, 1, chunk.len());
        let mut query = sqlx::query::<DB>(&sql).bind(consumer);
        for seq in chunk {
            query = query.bind(*seq);
        }
        let rows = query.fetch_all(pool).await.map_err(Error::db(OP))?;
        for row in rows {
            done.insert(row.try_get::<i64, _>(0).map_err(Error::db(OP))?);
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lock_keys_are_stable_and_distinct() {
        assert_eq!(
            super::lock_key("projection:ops"),
            super::lock_key("projection:ops")
        );
        assert_ne!(
            super::lock_key("projection:ops"),
            super::lock_key("projection:open311")
        );
    }
}
