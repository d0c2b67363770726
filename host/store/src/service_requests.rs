//! The Open311 read model: one row per field report (`service_requests`),
//! written only by the host's projection of the log and read by the Open311
//! API. [`Store::project_service_requests`] applies a window of changes and
//! the projection's new position in one transaction, so a crash replays the
//! window rather than losing or doubling it.

use cityhub_cloudevents::Timestamp;
use sqlx::Row;

use crate::{
    Error, Seq, Store,
    row::{micros_ceil, micros_floor, timestamp_from_micros},
    sql::Sql,
    store::with_pool,
};

/// One field report as the read model holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRequestRow {
    /// `service_request_id`.
    pub id: String,
    /// `service_code`.
    pub service_code: String,
    /// `open` or `closed`.
    pub status: String,
    /// `requested_datetime`: the filters' and the order's time.
    pub requested_at: Timestamp,
    /// The log event that last changed it.
    pub seq: Seq,
    /// The GeoReport request, as JSON text (never contact fields).
    pub view: String,
}

/// How a change applies to an existing row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectionMode {
    /// A new report: inserted unless the id exists (a redelivered submission
    /// never overwrites a later view).
    Create,
    /// The handling plugin's whole current view: replaces the row, or
    /// creates it.
    Replace,
}

/// A search of the read model; conditions combine with AND, an empty list
/// means "any". Rows come back newest `requested_at` first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceRequestQuery {
    /// Only these ids.
    pub ids: Vec<String>,
    /// Only these service codes.
    pub service_codes: Vec<String>,
    /// Only in these statuses.
    pub statuses: Vec<String>,
    /// Only requested at or after this instant.
    pub start: Option<Timestamp>,
    /// Only requested at or before this instant.
    pub end: Option<Timestamp>,
    /// At most this many (the store caps it at 10,000).
    pub limit: u32,
}

const COLUMNS: &str = "id, service_code, status, requested_at, seq, view";

impl Store {
    /// Applies `changes` in order and moves `consumer` to `position`, in one
    /// transaction. Cancel-safe (see [`Store::append`]).
    pub async fn project_service_requests(
        &self,
        consumer: &str,
        position: Seq,
        changes: Vec<(ProjectionMode, ServiceRequestRow)>,
    ) -> Result<(), Error> {
        const OP: &str = "project_service_requests";
        let store = self.clone();
        let consumer = consumer.to_owned();
        self.detached(OP, async move {
            let _turn = store.writer().await;
            with_pool!(store, pool => {
                let mut tx = Sql::begin_write(pool, false, OP).await?;
                for (mode, r) in &changes {
                    let conflict = match mode {
                        ProjectionMode::Create => "DO NOTHING",
                        ProjectionMode::Replace => {
                            "DO UPDATE SET service_code = excluded.service_code, \
                             status = excluded.status, requested_at = excluded.requested_at, \
                             seq = excluded.seq, view = excluded.view"
                        }
                    };
                    let sql = format!(
                        "INSERT INTO service_requests ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (id) {conflict}"
                    );
                    sqlx::query(&sql)
                        .bind(r.id.as_str())
                        .bind(r.service_code.as_str())
                        .bind(r.status.as_str())
                        .bind(micros_floor(&r.requested_at))
                        .bind(r.seq)
                        .bind(r.view.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(Error::db(OP))?;
                }
                Sql::advance(&mut tx, &consumer, position, OP).await?;
                tx.commit().await.map_err(Error::db(OP))
            })
        })
        .await
    }

    /// One report, if the read model has it.
    pub async fn service_request(&self, id: &str) -> Result<Option<ServiceRequestRow>, Error> {
        let q = ServiceRequestQuery {
            ids: vec![id.to_owned()],
            limit: 1,
            ..ServiceRequestQuery::default()
        };
        Ok(self.service_requests(&q).await?.into_iter().next())
    }

    /// The reports matching `q`, newest `requested_at` first (then by id,
    /// descending).
    pub async fn service_requests(
        &self,
        q: &ServiceRequestQuery,
    ) -> Result<Vec<ServiceRequestRow>, Error> {
        const OP: &str = "service_requests";
        let mut sql = format!("SELECT {COLUMNS} FROM service_requests WHERE 1 = 1");
        let mut n = 0;
        let mut list = |sql: &mut String, column: &str, len: usize| {
            if len == 0 {
                return;
            }
            sql.push_str(&format!(" AND {column} IN ("));
            for i in 0..len {
                n += 1;
                sql.push_str(&format!("{}${n}", if i > 0 { ", " } else { "" }));
            }
            sql.push(')');
        };
        list(&mut sql, "id", q.ids.len());
        list(&mut sql, "service_code", q.service_codes.len());
        list(&mut sql, "status", q.statuses.len());
        let start = q.start.as_ref().map(micros_ceil);
        let end = q.end.as_ref().map(micros_floor);
        if start.is_some() {
            n += 1;
            sql.push_str(&format!(" AND requested_at >= ${n}"));
        }
        if end.is_some() {
            n += 1;
            sql.push_str(&format!(" AND requested_at <= ${n}"));
        }
        n += 1;
        sql.push_str(&format!(" ORDER BY requested_at DESC, id DESC LIMIT ${n}"));
        let limit = i64::from(q.limit.min(10_000));
        with_pool!(self, pool => {
            let mut query = sqlx::query(&sql);
            for v in q.ids.iter().chain(&q.service_codes).chain(&q.statuses) {
                query = query.bind(v.as_str());
            }
            for t in [start, end].into_iter().flatten() {
                query = query.bind(t);
            }
            let rows = query.bind(limit).fetch_all(pool).await.map_err(Error::db(OP))?;
            rows.iter()
                .map(|r| {
                    let micros: i64 = r.try_get(3)?;
                    Ok(ServiceRequestRow {
                        id: r.try_get(0)?,
                        service_code: r.try_get(1)?,
                        status: r.try_get(2)?,
                        requested_at: timestamp_from_micros(micros)
                            .ok_or_else(|| sqlx::Error::Decode("requested_at out of range".into()))?,
                        seq: r.try_get(4)?,
                        view: r.try_get(5)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(Error::db(OP))
        })
    }
}
