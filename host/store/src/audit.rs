//! The audit log: who did what, when and from where: sign-in failures,
//! token changes, plugin approvals, installs and upgrades, configuration
//! changes, replays and alert actions. Append-only in the database itself
//! (triggers refuse `UPDATE` and `DELETE`); retention never touches it.

use cityhub_cloudevents::Timestamp;
use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::{
    Error, Store,
    row::{micros_ceil, now_micros, timestamp_from_micros},
    store::with_pool,
};

/// The most records one [`Store::audit_log`] call returns.
pub const MAX_AUDIT_LIMIT: u32 = 10_000;

/// A record to append: [`Store::audit`].
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Who: `token:<name>`, `cli:<user>`, `host` or `anonymous`.
    pub actor: String,
    /// What, a stable name: `token.created`, `auth.failed`, `plugin.installed`, …
    pub action: String,
    /// On what: a token's name, a plugin, a route, an alert id, …
    pub target: String,
    /// Anything else worth keeping, as JSON.
    pub detail: serde_json::Value,
    /// From where: the peer's `ip:port`, `cli` or `host`.
    pub origin: String,
}

/// A stored [`AuditEntry`].
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// Its position in the audit log: strictly increasing from 1.
    pub seq: i64,
    /// When it was recorded (UTC).
    pub at: Timestamp,
    /// See [`AuditEntry::actor`].
    pub actor: String,
    /// See [`AuditEntry::action`].
    pub action: String,
    /// See [`AuditEntry::target`].
    pub target: String,
    /// See [`AuditEntry::detail`].
    pub detail: serde_json::Value,
    /// See [`AuditEntry::origin`].
    pub origin: String,
}

/// Which records [`Store::audit_log`] returns, in `seq` order.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditQuery {
    /// Only records with `seq > after` (0: from the first).
    pub after: i64,
    /// Only this actor's.
    pub actor: Option<String>,
    /// Only this action's.
    pub action: Option<String>,
    /// Only records at or after this time.
    pub since: Option<Timestamp>,
    /// At most this many; capped at [`MAX_AUDIT_LIMIT`].
    pub limit: u32,
}

impl Default for AuditQuery {
    /// Every record from the first, at most 1000.
    fn default() -> Self {
        Self {
            after: 0,
            actor: None,
            action: None,
            since: None,
            limit: 1000,
        }
    }
}

impl Store {
    /// Appends a record to the audit log and returns it as stored. Called by
    /// whoever acts (API handlers, CLI commands, the host's reload);
    /// cancel-safe (see [`Store::append`]).
    pub async fn audit(&self, e: AuditEntry) -> Result<AuditRecord, Error> {
        const OP: &str = "audit";
        let store = self.clone();
        self.detached(OP, async move {
            let _turn = store.writer().await;
            let at = now_micros();
            let detail = e.detail.to_string();
            with_pool!(store, pool => {
                let row = sqlx::query(
                    "INSERT INTO audit_log (at, actor, action, target, detail, origin) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq, at, actor, action, target, detail, origin",
                )
                .bind(at)
                .bind(&e.actor)
                .bind(&e.action)
                .bind(&e.target)
                .bind(&detail)
                .bind(&e.origin)
                .fetch_one(pool)
                .await
                .map_err(Error::db(OP))?;
                record(&row, OP)
            })
        })
        .await
    }

    /// The records matching `q`, by increasing `seq`.
    pub async fn audit_log(&self, q: &AuditQuery) -> Result<Vec<AuditRecord>, Error> {
        const OP: &str = "audit_log";
        let since = q.since.as_ref().map_or(i64::MIN, micros_ceil);
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, target, detail, origin FROM audit_log \
                 WHERE seq > $1 AND ($2 = '' OR actor = $2) AND ($3 = '' OR action = $3) \
                 AND at >= $4 ORDER BY seq LIMIT $5",
            )
            .bind(q.after)
            .bind(q.actor.as_deref().unwrap_or(""))
            .bind(q.action.as_deref().unwrap_or(""))
            .bind(since)
            .bind(i64::from(q.limit.min(MAX_AUDIT_LIMIT)))
            .fetch_all(pool)
            .await
            .map_err(Error::db(OP))?;
            rows.iter().map(|r| record(r, OP)).collect()
        })
    }
}

/// Reads an [`AuditRecord`] from a row of the columns above.
fn record<R>(r: &R, op: &'static str) -> Result<AuditRecord, Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let seq: i64 = r.try_get(0).map_err(Error::db(op))?;
    let corrupt = |why: String| Error::CorruptRow {
        table: "audit_log",
        key: seq.to_string(),
        why,
    };
    let at: i64 = r.try_get(1).map_err(Error::db(op))?;
    let detail: String = r.try_get(5).map_err(Error::db(op))?;
    Ok(AuditRecord {
        seq,
        at: timestamp_from_micros(at)
            .ok_or_else(|| corrupt(format!("time {at} is out of range")))?,
        actor: r.try_get(2).map_err(Error::db(op))?,
        action: r.try_get(3).map_err(Error::db(op))?,
        target: r.try_get(4).map_err(Error::db(op))?,
        detail: serde_json::from_str(&detail)
            .map_err(|e| corrupt(format!("its detail is not JSON: {e}")))?,
        origin: r.try_get(6).map_err(Error::db(op))?,
    })
}
