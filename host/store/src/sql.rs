//! Every SQL statement of the store, written once in portable SQL and
//! generic over the backend ([`Db`]). Fixed statements use `$N` parameters;
//! generated (multi-row) ones use [`Db::placeholder`] and bind in order. The
//! public methods on [`Store`](crate::Store) pick the pool, hold the writer
//! turn and compose these into transactions; the functions here never commit.

use std::{collections::HashMap, fmt::Write as _, marker::PhantomData};

use cityhub_cloudevents::CloudEvent;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, Row, Transaction, Type};

use crate::{
    Appended, Error, Seq, StoredEvent,
    db::{Db, placeholder_rows},
    row::{EventColumns, RawEvent},
};

/// The columns of `events`, in the order [`RawEvent`] reads them.
const EVENT_COLUMNS: &str = "seq, id, source, type, subject, time, datacontenttype, dataschema, \
                             extensions, data, recorded_at, origin";

/// Which types a read keeps, in SQL.
pub(crate) enum TypeFilter<'a> {
    /// Every type.
    Any,
    /// `type = $n`.
    Exact(&'a str),
    /// `type >= lo AND type < hi`: a byte-wise prefix range (see
    /// [`crate::events`]).
    Range { lo: String, hi: String },
}

/// What a read of the log selects; rows come back in log order.
pub(crate) struct Filter<'a> {
    /// `seq > after`.
    pub after: Seq,
    /// `recorded_at >= since` (Unix micros).
    pub since: Option<i64>,
    pub ty: TypeFilter<'a>,
    pub limit: u32,
}

/// The generic SQL, as associated functions so that the bounds below are
/// written once. They hold for [`sqlx::Sqlite`] and [`sqlx::Postgres`].
pub(crate) struct Sql<DB>(PhantomData<DB>);

impl<DB> Sql<DB>
where
    DB: Db,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
    for<'q> Option<&'q [u8]>: Encode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// Opens a write transaction; with `lock_log`, one that may append to the
    /// log (see [`Db::LOCK_LOG`]).
    pub async fn begin_write(
        pool: &Pool<DB>,
        lock_log: bool,
        op: &'static str,
    ) -> Result<Transaction<'static, DB>, Error> {
        let mut tx = pool
            .begin_with(DB::BEGIN_WRITE)
            .await
            .map_err(Error::db(op))?;
        if let (true, Some(lock)) = (lock_log, DB::LOCK_LOG) {
            sqlx::query(lock)
                .execute(&mut *tx)
                .await
                .map_err(Error::db(op))?;
        }
        Ok(tx)
    }

    /// Appends `events` in order with `origin`, skipping those whose
    /// (`source`, `id`) is already stored (or repeated earlier in the slice),
    /// and reports each one's seq. Multi-row `INSERT`s, chunked under the
    /// backend's bind limit; the seqs of skipped rows are looked up only when
    /// some were skipped.
    pub async fn insert_events(
        tx: &mut Transaction<'_, DB>,
        events: &[CloudEvent],
        origin: Option<&str>,
        recorded_at: i64,
        op: &'static str,
    ) -> Result<Vec<Appended>, Error> {
        let columns: Vec<EventColumns<'_>> = events.iter().map(EventColumns::new).collect();
        let conn: &mut DB::Connection = tx;
        let mut out = Vec::with_capacity(events.len());
        for chunk in columns.chunks(DB::MAX_PARAMS / INSERT_PARAMS) {
            let sql = insert_sql::<DB>(chunk.len());
            let mut query = sqlx::query::<DB>(&sql);
            for c in chunk {
                query = query
                    .bind(recorded_at)
                    .bind(origin)
                    .bind(c.id)
                    .bind(c.source)
                    .bind(c.ty)
                    .bind(c.subject)
                    .bind(c.time)
                    .bind(c.datacontenttype)
                    .bind(c.dataschema)
                    .bind(c.extensions.as_deref())
                    .bind(c.data);
            }
            // How many rows were stored, and their seqs (ascending) if known;
            // if all were stored, they were stored in VALUES order.
            let (count, mut new) = if DB::RETURNING {
                let mut rows = query
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(Error::db(op))?
                    .iter()
                    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
                    .collect::<Result<Vec<(Seq, String, String)>, sqlx::Error>>()
                    .map_err(Error::db(op))?;
                rows.sort_unstable_by_key(|(seq, _, _)| *seq);
                // Check the order rather than assume it.
                let in_order = rows.len() == chunk.len()
                    && rows
                        .iter()
                        .zip(chunk)
                        .all(|((_, s, i), c)| s == c.source && i == c.id);
                let count = if in_order { chunk.len() } else { usize::MAX };
                (count, rows.into_iter().map(|(seq, _, _)| seq).collect())
            } else {
                let done = query.execute(&mut *conn).await.map_err(Error::db(op))?;
                let (count, last) = DB::inserted(&done);
                let count = usize::try_from(count).unwrap_or(usize::MAX);
                // Consecutive when nothing was skipped (see `Db::RETURNING`).
                let new = if count == chunk.len() {
                    (last - chunk.len() as Seq + 1..=last).collect()
                } else {
                    Vec::new()
                };
                (count, new)
            };
            if count == chunk.len() {
                out.extend(new.into_iter().map(Appended::New));
                continue;
            }
            // Some were skipped: look up every seq; the first event of the
            // slice whose seq was just stored is new, the others duplicates.
            let stored = Self::seqs_of(&mut *conn, chunk, op).await?;
            if !DB::RETURNING {
                // The rows just stored have the `count` highest seqs found:
                // higher than any stored before.
                let mut seqs: Vec<Seq> = stored.values().copied().collect();
                seqs.sort_unstable();
                seqs.dedup();
                new = seqs.split_off(seqs.len().saturating_sub(count));
            }
            let mut claimed = vec![false; new.len()];
            for c in chunk {
                let Some(&seq) = stored.get(&(c.source, c.id)) else {
                    return Err(Error::db(op)(sqlx::Error::RowNotFound));
                };
                out.push(match new.binary_search(&seq) {
                    Ok(k) if !claimed[k] => {
                        claimed[k] = true;
                        Appended::New(seq)
                    }
                    _ => Appended::Duplicate(seq),
                });
            }
        }
        Ok(out)
    }

    /// The seqs of the stored events with the (`source`, `id`)s of `chunk`.
    async fn seqs_of<'a>(
        conn: &mut DB::Connection,
        chunk: &[EventColumns<'a>],
        op: &'static str,
    ) -> Result<HashMap<(&'a str, &'a str), Seq>, Error> {
        let mut wanted: Vec<(&'a str, &'a str)> = chunk.iter().map(|c| (c.source, c.id)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut sql =
            String::from("SELECT seq, source, id FROM events WHERE (source, id) IN (VALUES ");
        placeholder_rows::<DB>(&mut sql, 1, wanted.len(), 2);
        sql.push(')');
        let mut query = sqlx::query::<DB>(&sql);
        for (source, id) in &wanted {
            query = query.bind(*source).bind(*id);
        }
        let mut found = HashMap::with_capacity(wanted.len());
        for row in query.fetch_all(&mut *conn).await.map_err(Error::db(op))? {
            let seq: Seq = row.try_get(0).map_err(Error::db(op))?;
            let source: String = row.try_get(1).map_err(Error::db(op))?;
            let id: String = row.try_get(2).map_err(Error::db(op))?;
            if let Ok(k) = wanted.binary_search(&(source.as_str(), id.as_str())) {
                found.insert(wanted[k], seq);
            }
        }
        Ok(found)
    }

    /// Reads events matching `f` in log order, at most `f.limit`.
    pub async fn select_events(pool: &Pool<DB>, f: &Filter<'_>) -> Result<Vec<StoredEvent>, Error> {
        const OP: &str = "read";
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE seq > $1");
        let mut n = 1;
        let mut param = || {
            n += 1;
            n
        };
        if f.since.is_some() {
            let _ = write!(sql, " AND recorded_at >= ${}", param());
        }
        match &f.ty {
            TypeFilter::Any => {}
            TypeFilter::Exact(_) => {
                let _ = write!(sql, " AND type = ${}", param());
            }
            TypeFilter::Range { .. } => {
                let _ = write!(sql, " AND type >= ${} AND type < ${}", param(), param());
            }
        }
        let _ = write!(sql, " ORDER BY seq LIMIT ${}", param());

        let mut query = sqlx::query::<DB>(&sql).bind(f.after);
        if let Some(since) = f.since {
            query = query.bind(since);
        }
        match &f.ty {
            TypeFilter::Any => {}
            TypeFilter::Exact(ty) => query = query.bind(*ty),
            TypeFilter::Range { lo, hi } => query = query.bind(lo.as_str()).bind(hi.as_str()),
        }
        let rows = query
            .bind(i64::from(f.limit))
            .fetch_all(pool)
            .await
            .map_err(Error::db(OP))?;
        rows.iter()
            .map(|row| Self::raw_event(row).map_err(Error::db(OP))?.into_stored())
            .collect()
    }

    fn raw_event(row: &DB::Row) -> Result<RawEvent, sqlx::Error> {
        Ok(RawEvent {
            seq: row.try_get(0)?,
            id: row.try_get(1)?,
            source: row.try_get(2)?,
            ty: row.try_get(3)?,
            subject: row.try_get(4)?,
            time: row.try_get(5)?,
            datacontenttype: row.try_get(6)?,
            dataschema: row.try_get(7)?,
            extensions: row.try_get(8)?,
            data: row.try_get(9)?,
            recorded_at: row.try_get(10)?,
            origin: row.try_get(11)?,
        })
    }

    /// The highest seq, or 0 for an empty log.
    pub async fn last_seq(pool: &Pool<DB>) -> Result<Seq, Error> {
        let row = sqlx::query::<DB>("SELECT COALESCE(MAX(seq), 0) FROM events")
            .fetch_one(pool)
            .await
            .map_err(Error::db("last_seq"))?;
        row.try_get(0).map_err(Error::db("last_seq"))
    }

    /// A consumer's committed position, or 0.
    pub async fn position<'e, E>(
        executor: E,
        consumer: &str,
        op: &'static str,
    ) -> Result<Seq, Error>
    where
        E: Executor<'e, Database = DB>,
    {
        let row = sqlx::query::<DB>("SELECT position FROM positions WHERE consumer = $1")
            .bind(consumer)
            .fetch_optional(executor)
            .await
            .map_err(Error::db(op))?;
        match row {
            Some(row) => row.try_get(0).map_err(Error::db(op)),
            None => Ok(0),
        }
    }

    /// Moves a consumer to `position`, refusing a move backwards (staying put
    /// is fine). One statement: the `WHERE` of the upsert is the check.
    pub async fn advance(
        tx: &mut Transaction<'_, DB>,
        consumer: &str,
        position: Seq,
        op: &'static str,
    ) -> Result<(), Error> {
        if position < 0 {
            return Err(Error::NegativePosition {
                consumer: consumer.to_owned(),
                position,
            });
        }
        let moved = sqlx::query::<DB>(
            "INSERT INTO positions (consumer, position) VALUES ($1, $2) \
             ON CONFLICT (consumer) DO UPDATE SET position = excluded.position \
             WHERE positions.position <= excluded.position \
             RETURNING position",
        )
        .bind(consumer)
        .bind(position)
        .fetch_optional(&mut **tx)
        .await
        .map_err(Error::db(op))?;
        if moved.is_some() {
            return Ok(());
        }
        let current = Self::position(&mut **tx, consumer, op).await?;
        Err(Error::PositionBackwards {
            consumer: consumer.to_owned(),
            current,
            requested: position,
        })
    }

    /// Deletes up to `limit` of the oldest events with `seq <= upto` recorded
    /// before `cutoff` (Unix micros), never the newest event; returns how many.
    pub async fn delete_before(
        tx: &mut Transaction<'_, DB>,
        cutoff: i64,
        upto: Seq,
        limit: u32,
        op: &'static str,
    ) -> Result<u64, Error> {
        let rows = sqlx::query::<DB>(
            "DELETE FROM events WHERE seq IN (\
               SELECT seq FROM events WHERE seq <= $1 AND recorded_at < $2 \
               AND seq < (SELECT MAX(seq) FROM events) ORDER BY seq LIMIT $3) \
             RETURNING seq",
        )
        .bind(upto)
        .bind(cutoff)
        .bind(i64::from(limit))
        .fetch_all(&mut **tx)
        .await
        .map_err(Error::db(op))?;
        // Done marks (the JetStream bus) of events no longer in the log.
        sqlx::query::<DB>(
            "DELETE FROM route_done WHERE seq <= $1 AND seq < (SELECT MIN(seq) FROM events)",
        )
        .bind(upto)
        .execute(&mut **tx)
        .await
        .map_err(Error::db(op))?;
        Ok(rows.len() as u64)
    }

    /// A plugin's state, ordered by key.
    pub async fn load_state(
        pool: &Pool<DB>,
        plugin: &str,
    ) -> Result<Vec<(String, Vec<u8>)>, Error> {
        const OP: &str = "load_state";
        let rows =
            sqlx::query::<DB>("SELECT key, value FROM plugin_state WHERE plugin = $1 ORDER BY key")
                .bind(plugin)
                .fetch_all(pool)
                .await
                .map_err(Error::db(OP))?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Error::db(OP))
    }

    /// Applies state writes in order (`None` deletes; the last write to a key
    /// wins) as one multi-row upsert and one multi-row delete per chunk.
    pub async fn write_state(
        tx: &mut Transaction<'_, DB>,
        plugin: &str,
        writes: &[(String, Option<Vec<u8>>)],
        op: &'static str,
    ) -> Result<(), Error> {
        let mut last: HashMap<&str, Option<&[u8]>> = HashMap::with_capacity(writes.len());
        for (key, value) in writes {
            last.insert(key, value.as_deref());
        }
        let mut sets: Vec<(&str, &[u8])> = Vec::new();
        let mut deletes: Vec<&str> = Vec::new();
        for (key, value) in last {
            match value {
                Some(value) => sets.push((key, value)),
                None => deletes.push(key),
            }
        }

        for chunk in sets.chunks(DB::MAX_PARAMS / 3) {
            let mut sql = String::from("INSERT INTO plugin_state (plugin, key, value) VALUES ");
            placeholder_rows::<DB>(&mut sql, 1, chunk.len(), 3);
            sql.push_str(" ON CONFLICT (plugin, key) DO UPDATE SET value = excluded.value");
            let mut query = sqlx::query::<DB>(&sql);
            for (key, value) in chunk {
                query = query.bind(plugin).bind(*key).bind(*value);
            }
            query.execute(&mut **tx).await.map_err(Error::db(op))?;
        }

        for chunk in deletes.chunks(DB::MAX_PARAMS - 1) {
            let mut sql = String::from("DELETE FROM plugin_state WHERE plugin = ");
            DB::placeholder(&mut sql, 1);
            sql.push_str(" AND key IN ");
            placeholder_rows::<DB>(&mut sql, 2, 1, chunk.len());
            let mut query = sqlx::query::<DB>(&sql).bind(plugin);
            for key in chunk {
                query = query.bind(*key);
            }
            query.execute(&mut **tx).await.map_err(Error::db(op))?;
        }
        Ok(())
    }

    /// Moves a consumer to `position` if that is past its current one, and
    /// leaves it otherwise: nodes sharing a route commit out of order.
    pub async fn advance_to_max(
        tx: &mut Transaction<'_, DB>,
        consumer: &str,
        position: Seq,
        op: &'static str,
    ) -> Result<(), Error> {
        sqlx::query::<DB>(
            "INSERT INTO positions (consumer, position) VALUES ($1, $2) \
             ON CONFLICT (consumer) DO UPDATE SET position = excluded.position \
             WHERE positions.position < excluded.position",
        )
        .bind(consumer)
        .bind(position.max(0))
        .execute(&mut **tx)
        .await
        .map_err(Error::db(op))?;
        Ok(())
    }

    /// Marks `seqs` done for `consumer`; one already marked is
    /// [`Error::Conflict`] (roll the transaction back).
    pub async fn mark_done(
        tx: &mut Transaction<'_, DB>,
        consumer: &str,
        seqs: &[Seq],
        op: &'static str,
    ) -> Result<(), Error> {
        for chunk in seqs.chunks(DB::MAX_PARAMS / 2) {
            let mut sql = String::from("INSERT INTO route_done (consumer, seq) VALUES ");
            placeholder_rows::<DB>(&mut sql, 1, chunk.len(), 2);
            sql.push_str(" ON CONFLICT (consumer, seq) DO NOTHING RETURNING seq");
            let mut query = sqlx::query::<DB>(&sql);
            for seq in chunk {
                query = query.bind(consumer).bind(*seq);
            }
            let marked = query.fetch_all(&mut **tx).await.map_err(Error::db(op))?;
            if marked.len() < chunk.len() {
                return Err(Error::Conflict {
                    consumer: consumer.to_owned(),
                    what: format!(
                        "{} of the window's {} events were already done",
                        chunk.len() - marked.len(),
                        seqs.len()
                    ),
                });
            }
        }
        Ok(())
    }

    /// Checks that `plugin`'s state is still at `version` (the one the
    /// window read), bumping it when `bump`; [`Error::Conflict`] if it moved.
    pub async fn bump_state_version(
        tx: &mut Transaction<'_, DB>,
        consumer: &str,
        plugin: &str,
        version: i64,
        bump: bool,
        op: &'static str,
    ) -> Result<(), Error> {
        let row = sqlx::query::<DB>(
            "UPDATE plugin_state_versions SET version = version + $3 \
             WHERE plugin = $1 AND version = $2 RETURNING version",
        )
        .bind(plugin)
        .bind(version)
        .bind(i64::from(bump))
        .fetch_optional(&mut **tx)
        .await
        .map_err(Error::db(op))?;
        if row.is_none() {
            return Err(Error::Conflict {
                consumer: consumer.to_owned(),
                what: format!("plugin `{plugin}`'s state changed since version {version} was read"),
            });
        }
        Ok(())
    }
}

/// Bind parameters per event in [`insert_sql`].
const INSERT_PARAMS: usize = 11;

/// `INSERT` of `rows` events, binding per row `recorded_at`, `origin` and the
/// columns of [`EventColumns`] in order.
fn insert_sql<DB: Db>(rows: usize) -> String {
    let mut sql = String::with_capacity(200 + rows * 70);
    sql.push_str(
        "INSERT INTO events (recorded_at, origin, id, source, type, subject, time, \
         datacontenttype, dataschema, extensions, data) VALUES ",
    );
    placeholder_rows::<DB>(&mut sql, 1, rows, INSERT_PARAMS);
    sql.push_str(" ON CONFLICT (source, id) DO NOTHING");
    if DB::RETURNING {
        sql.push_str(" RETURNING seq, source, id");
    }
    sql
}

#[cfg(test)]
mod tests {
    use sqlx::{Postgres, Sqlite};

    use super::*;

    #[test]
    fn generated_statements_number_parameters_in_order() {
        let pg = insert_sql::<Postgres>(2);
        assert!(
            pg.contains("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11), ($12,"),
            "{pg}"
        );
        assert!(pg.ends_with("$22) ON CONFLICT (source, id) DO NOTHING RETURNING seq, source, id"));
        let lite = insert_sql::<Sqlite>(2);
        assert!(
            lite.contains("VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, "),
            "{lite}"
        );
        let mut delete = String::new();
        placeholder_rows::<Postgres>(&mut delete, 2, 1, 3);
        assert_eq!(delete, "($2, $3, $4)");
    }
}
