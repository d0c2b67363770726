//! Dead letters: events a route gave up on, with why, kept until replayed.
//!
//! A dead letter is written in the same transaction as the batch it came
//! from ([`crate::BatchCommit::dead_letters`]), so an event is either
//! delivered, dead-lettered or still ahead of the route's position — never
//! lost. Replay is asked for here ([`Store::request_replay`], status
//! `replaying`); the route picks the letters up ([`Store::pending_replays`])
//! and commits the outcome with its next batch: `replayed`, or `dead` again
//! with the new reason and attempt count.

use cityhub_cloudevents::{CloudEvent, Timestamp};
use sqlx::Row;

use crate::{Error, Seq, Store, row::now_micros, store::with_pool};

/// Where a dead letter is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadLetterStatus {
    /// Given up; waiting for someone to look.
    Dead,
    /// Replay asked for; the route will deliver it again.
    Replaying,
    /// Replayed successfully.
    Replayed,
}

impl DeadLetterStatus {
    /// The name stored in the database and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dead => "dead",
            Self::Replaying => "replaying",
            Self::Replayed => "replayed",
        }
    }

    /// Parses [`DeadLetterStatus::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "dead" => Some(Self::Dead),
            "replaying" => Some(Self::Replaying),
            "replayed" => Some(Self::Replayed),
            _ => None,
        }
    }
}

/// A stored dead letter.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    /// Its id (increasing).
    pub id: i64,
    /// The route that gave up.
    pub route: String,
    /// The plugin the route delivers to.
    pub plugin: String,
    /// The plugin's version at the last failure.
    pub plugin_version: String,
    /// The event's seq in the log.
    pub seq: Seq,
    /// The event.
    pub event: CloudEvent,
    /// The failure kind (`deadline`, `trap`, `plugin_error`, ...).
    pub failure: String,
    /// What went wrong, as the host logged it.
    pub reason: String,
    /// Plugin calls made with this event, over every replay.
    pub attempts: u32,
    /// When it last failed.
    pub failed_at: Timestamp,
    /// Its status.
    pub status: DeadLetterStatus,
    /// When it was replayed successfully.
    pub replayed_at: Option<Timestamp>,
}

/// A failure to record with a batch ([`crate::BatchCommit::dead_letters`]).
#[derive(Debug, Clone)]
pub struct NewDeadLetter<'a> {
    /// `Some(id)` when this is a replayed letter that failed again: the row
    /// is updated (status back to `dead`) rather than a new one written.
    pub replay_of: Option<i64>,
    /// The route, plugin and plugin version.
    pub route: &'a str,
    /// The plugin.
    pub plugin: &'a str,
    /// The plugin's version.
    pub plugin_version: &'a str,
    /// The event's seq in the log.
    pub seq: Seq,
    /// The event.
    pub event: &'a CloudEvent,
    /// The failure kind.
    pub failure: &'a str,
    /// What went wrong.
    pub reason: &'a str,
    /// Calls made in this delivery (added to the stored count on a replay).
    pub attempts: u32,
}

/// A search of dead letters, newest last; conditions combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeadLetterQuery {
    /// Only this route's.
    pub route: Option<String>,
    /// Only in this status.
    pub status: Option<DeadLetterStatus>,
    /// Only with an id above this (paging).
    pub after: Option<i64>,
    /// At most this many (the store caps it at 10,000).
    pub limit: u32,
}

const COLUMNS: &str = "id, route, plugin, plugin_version, seq, event, failure, reason, attempts, \
                       failed_at, status, replayed_at";

impl Store {
    /// Dead letters matching `q`, by increasing id.
    pub async fn dead_letters(&self, q: &DeadLetterQuery) -> Result<Vec<DeadLetter>, Error> {
        const OP: &str = "dead_letters";
        let sql = format!(
            "SELECT {COLUMNS} FROM dead_letters WHERE id > $1 \
             AND ($2 = '' OR route = $2) AND ($3 = '' OR status = $3) ORDER BY id LIMIT $4"
        );
        let route = q.route.as_deref().unwrap_or("");
        let status = q.status.map_or("", DeadLetterStatus::as_str);
        let limit = i64::from(q.limit.min(10_000));
        with_pool!(self, pool => {
            let rows = sqlx::query(&sql)
                .bind(q.after.unwrap_or(0))
                .bind(route)
                .bind(status)
                .bind(limit)
                .fetch_all(pool)
                .await
                .map_err(Error::db(OP))?;
            rows.iter().map(|r| letter(
                r.try_get(0), r.try_get(1), r.try_get(2), r.try_get(3), r.try_get(4),
                r.try_get(5), r.try_get(6), r.try_get(7), r.try_get(8), r.try_get(9),
                r.try_get(10), r.try_get(11),
            )).collect()
        })
    }

    /// One dead letter, if it exists.
    pub async fn dead_letter(&self, id: i64) -> Result<Option<DeadLetter>, Error> {
        let q = DeadLetterQuery {
            after: Some(id - 1),
            limit: 1,
            ..DeadLetterQuery::default()
        };
        Ok(self
            .dead_letters(&q)
            .await?
            .into_iter()
            .find(|d| d.id == id))
    }

    /// Asks for the `dead` letters among `ids` (or, with `ids = None`, all of
    /// `route`'s) to be replayed; returns the ids now `replaying`. Letters
    /// already replaying or replayed are left alone. Cancel-safe (see
    /// [`Store::append`]).
    pub async fn request_replay(
        &self,
        route: Option<&str>,
        ids: Option<&[i64]>,
    ) -> Result<Vec<i64>, Error> {
        const OP: &str = "request_replay";
        let store = self.clone();
        let route = route.unwrap_or("").to_owned();
        let ids = ids.map(<[i64]>::to_vec);
        self.detached(OP, async move {
            store.request_replay_now(&route, ids.as_deref()).await
        })
        .await
    }

    async fn request_replay_now(
        &self,
        route: &str,
        ids: Option<&[i64]>,
    ) -> Result<Vec<i64>, Error> {
        const OP: &str = "request_replay";
        let _turn = self.writer().await;
        with_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(Error::db(OP))?;
            let mut changed = Vec::new();
            let mut run = |rows: Vec<_>| -> Result<(), Error> {
                for r in &rows {
                    changed.push(sqlx::Row::try_get::<i64, _>(r, 0).map_err(Error::db(OP))?);
                }
                Ok(())
            };
            match ids {
                Some(ids) => {
                    for id in ids {
                        let rows = sqlx::query(
                            "UPDATE dead_letters SET status = 'replaying' \
                             WHERE id = $1 AND status = 'dead' AND ($2 = '' OR route = $2) RETURNING id",
                        )
                        .bind(*id)
                        .bind(route)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(Error::db(OP))?;
                        run(rows)?;
                    }
                }
                None => {
                    let rows = sqlx::query(
                        "UPDATE dead_letters SET status = 'replaying' \
                         WHERE status = 'dead' AND ($1 = '' OR route = $1) RETURNING id",
                    )
                    .bind(route)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(Error::db(OP))?;
                    run(rows)?;
                }
            }
            tx.commit().await.map_err(Error::db(OP))?;
            changed.sort_unstable();
            Ok(changed)
        })
    }

    /// Up to `limit` of `route`'s letters waiting to be replayed, oldest first.
    pub async fn pending_replays(&self, route: &str, limit: u32) -> Result<Vec<DeadLetter>, Error> {
        self.dead_letters(&DeadLetterQuery {
            route: Some(route.to_owned()),
            status: Some(DeadLetterStatus::Replaying),
            after: None,
            limit,
        })
        .await
    }

    /// How many dead letters each route has, by status: `(route, status, n)`.
    pub async fn dead_letter_counts(&self) -> Result<Vec<(String, DeadLetterStatus, u64)>, Error> {
        const OP: &str = "dead_letter_counts";
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT route, status, COUNT(*) FROM dead_letters GROUP BY route, status ORDER BY route, status",
            )
            .fetch_all(pool)
            .await
            .map_err(Error::db(OP))?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let route: String = r.try_get(0).map_err(Error::db(OP))?;
                let status: String = r.try_get(1).map_err(Error::db(OP))?;
                let n: i64 = r.try_get(2).map_err(Error::db(OP))?;
                let status = DeadLetterStatus::parse(&status).ok_or_else(|| Error::CorruptDeadLetter {
                    id: 0,
                    why: format!("unknown status `{status}`"),
                })?;
                out.push((route, status, n.max(0) as u64));
            }
            Ok(out)
        })
    }
}

/// Builds a [`DeadLetter`] from a row's cells, checking each.
#[allow(clippy::too_many_arguments)]
fn letter(
    id: Result<i64, sqlx::Error>,
    route: Result<String, sqlx::Error>,
    plugin: Result<String, sqlx::Error>,
    plugin_version: Result<String, sqlx::Error>,
    seq: Result<i64, sqlx::Error>,
    event: Result<String, sqlx::Error>,
    failure: Result<String, sqlx::Error>,
    reason: Result<String, sqlx::Error>,
    attempts: Result<i64, sqlx::Error>,
    failed_at: Result<i64, sqlx::Error>,
    status: Result<String, sqlx::Error>,
    replayed_at: Result<Option<i64>, sqlx::Error>,
) -> Result<DeadLetter, Error> {
    const OP: &str = "dead_letters";
    let id = id.map_err(Error::db(OP))?;
    let corrupt = |why: String| Error::CorruptDeadLetter { id, why };
    let event = CloudEvent::from_json(&event.map_err(Error::db(OP))?)
        .map_err(|e| corrupt(format!("the stored event: {e}")))?;
    let status = status.map_err(Error::db(OP))?;
    let micros = |m: i64| {
        crate::row::timestamp_from_micros(m)
            .ok_or_else(|| corrupt(format!("time {m} is out of range")))
    };
    Ok(DeadLetter {
        id,
        route: route.map_err(Error::db(OP))?,
        plugin: plugin.map_err(Error::db(OP))?,
        plugin_version: plugin_version.map_err(Error::db(OP))?,
        seq: seq.map_err(Error::db(OP))?,
        event,
        failure: failure.map_err(Error::db(OP))?,
        reason: reason.map_err(Error::db(OP))?,
        attempts: u32::try_from(attempts.map_err(Error::db(OP))?).unwrap_or(u32::MAX),
        failed_at: micros(failed_at.map_err(Error::db(OP))?)?,
        status: DeadLetterStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("unknown status `{status}`")))?,
        replayed_at: replayed_at
            .map_err(Error::db(OP))?
            .map(micros)
            .transpose()?,
    })
}

/// Writes or updates the dead letters of one batch, and marks replayed ones,
/// inside the batch's transaction.
pub(crate) async fn write<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    letters: &[NewDeadLetter<'_>],
    replayed: &[i64],
    op: &'static str,
) -> Result<(), Error>
where
    DB: sqlx::Database,
    for<'e> &'e mut DB::Connection: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let now = now_micros();
    let conn: &mut DB::Connection = tx;
    for d in letters {
        let mut json = Vec::new();
        d.event.write_json(&mut json);
        // The JSON writer escapes everything it writes; lossy never loses here.
        let json = String::from_utf8_lossy(&json).into_owned();
        let q = match d.replay_of {
            Some(id) => sqlx::query::<DB>(
                "UPDATE dead_letters SET status = 'dead', failure = $2, reason = $3, \
                 attempts = attempts + $4, failed_at = $5, plugin_version = $6 WHERE id = $1",
            )
            .bind(id)
            .bind(d.failure)
            .bind(d.reason)
            .bind(i64::from(d.attempts))
            .bind(now)
            .bind(d.plugin_version),
            None => sqlx::query::<DB>(
                "INSERT INTO dead_letters (route, plugin, plugin_version, seq, event, failure, \
                 reason, attempts, failed_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'dead')",
            )
            .bind(d.route)
            .bind(d.plugin)
            .bind(d.plugin_version)
            .bind(d.seq)
            .bind(json)
            .bind(d.failure)
            .bind(d.reason)
            .bind(i64::from(d.attempts))
            .bind(now),
        };
        q.execute(&mut *conn).await.map_err(Error::db(op))?;
    }
    for id in replayed {
        sqlx::query::<DB>(
            "UPDATE dead_letters SET status = 'replayed', replayed_at = $2 WHERE id = $1",
        )
        .bind(*id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(Error::db(op))?;
    }
    Ok(())
}
