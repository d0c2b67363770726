//! The ops read model's SQL, written once and generic over the backend like
//! [`crate::sql`]. Every function runs on a connection the caller holds (a
//! transaction's, or one from the pool) and never commits.

use std::{fmt::Write as _, marker::PhantomData};

use cityhub_cloudevents::Timestamp;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Transaction, Type,
};

use super::{
    AlertAction, AlertQuery, AlertRow, Assignment, HISTORY, KpiPoint, KpiRow, KpiUpdate, Mark,
    OpsWindow, Place, PlaceChange, millis,
    rules::{apply_action, next_alert, severity_rank, trend},
    window::Change,
};

/// The columns [`OpsSql::alert_row`] reads, in order.
const ALERT_COLUMNS: &str = "alert_id, sector, severity, status, state, data, opened_at, \
    updated_at, ack_by, ack_at, ack_note, assign_agency, assign_deadline, assign_by, assign_at, \
    assign_note, resolve_by, resolve_at, resolve_note, seq";

/// The columns [`OpsSql::kpi_row`] reads, in order.
const KPI_COLUMNS: &str = "id, sector, data, value, standing, previous, trend, updated_at, seq";

/// The columns [`OpsSql::place_row`] reads, in order.
const PLACE_COLUMNS: &str = "layer, id, lon, lat, name, props, updated_at, seq";

/// The most rows one read returns.
pub(crate) const MAX_ROWS: u32 = 10_000;

pub(crate) struct OpsSql<DB>(PhantomData<DB>);

impl<DB> OpsSql<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
    for<'q> Option<f64>: Encode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// Applies a window's changes (by [`super::rules`]): the now, then KPIs,
    /// alerts and actions in order, then places; then prunes the KPI
    /// history to [`HISTORY`] before the now.
    pub async fn apply(tx: &mut Transaction<'_, DB>, w: OpsWindow) -> Result<(), sqlx::Error> {
        let conn: &mut DB::Connection = tx;
        let mut now = Self::now(conn).await?;
        if let Some(seen) = w.now
            && now.as_ref().is_none_or(|n| n.datetime() < seen.datetime())
        {
            Self::set_now(conn, &seen).await?;
            now = Some(seen);
        }
        for change in w.changes {
            match change {
                Change::Kpi(k) => {
                    let previous = Self::kpi_value(conn, &k.id).await?;
                    Self::save_kpi(conn, &k, previous, trend(previous, k.value)).await?;
                }
                Change::Alert(u) => {
                    let stored = Self::alert(conn, &u.alert_id).await?;
                    Self::save_alert(conn, &next_alert(stored, u)).await?;
                }
                Change::Action(a) => {
                    let Some(mut alert) = Self::alert(conn, &a.alert_id).await? else {
                        tracing::warn!(
                            seq = a.seq,
                            alert = %a.alert_id,
                            "an operator action names an alert the ops read model does not have; skipped"
                        );
                        continue;
                    };
                    if apply_action(&mut alert, &a) {
                        Self::save_alert(conn, &alert).await?;
                    }
                    Self::insert_action(conn, &a).await?;
                }
            }
        }
        for change in w.places.into_values() {
            match change {
                PlaceChange::Upsert(p) => Self::save_place(conn, &p, true).await?,
                PlaceChange::InsertIfAbsent(p) => Self::save_place(conn, &p, false).await?,
                PlaceChange::Delete { layer, id } => Self::delete_place(conn, &layer, &id).await?,
            }
        }
        if let Some(now) = &now {
            let keep = i64::try_from(HISTORY.as_millis()).unwrap_or(i64::MAX);
            Self::prune_points(conn, millis(now).saturating_sub(keep)).await?;
        }
        Ok(())
    }

    /// The stored now.
    pub async fn now(conn: &mut DB::Connection) -> Result<Option<Timestamp>, sqlx::Error> {
        let row = sqlx::query::<DB>("SELECT at_text FROM ops_now WHERE id = 1")
            .fetch_optional(conn)
            .await?;
        row.map(|r| timestamp(r.try_get(0)?)).transpose()
    }

    /// Stores `t` as the now (the caller checked it is newer).
    pub async fn set_now(conn: &mut DB::Connection, t: &Timestamp) -> Result<(), sqlx::Error> {
        sqlx::query::<DB>(
            "INSERT INTO ops_now (id, at_ms, at_text) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms, at_text = excluded.at_text",
        )
        .bind(millis(t))
        .bind(t.as_str())
        .execute(conn)
        .await
        .map(drop)
    }

    /// A KPI's stored value.
    pub async fn kpi_value(
        conn: &mut DB::Connection,
        id: &str,
    ) -> Result<Option<f64>, sqlx::Error> {
        let row = sqlx::query::<DB>("SELECT value FROM ops_kpis WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
        row.map(|r| r.try_get(0)).transpose()
    }

    /// Stores a KPI's new value with its previous one and trend, and its
    /// history point.
    pub async fn save_kpi(
        conn: &mut DB::Connection,
        k: &KpiUpdate,
        previous: Option<f64>,
        trend: &str,
    ) -> Result<(), sqlx::Error> {
        let at = millis(&k.updated_at);
        sqlx::query::<DB>(
            "INSERT INTO ops_kpis (id, sector, data, value, standing, previous, trend, updated_ms, \
             updated_at, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (id) DO UPDATE SET sector = excluded.sector, data = excluded.data, \
             value = excluded.value, standing = excluded.standing, previous = excluded.previous, \
             trend = excluded.trend, updated_ms = excluded.updated_ms, \
             updated_at = excluded.updated_at, seq = excluded.seq",
        )
        .bind(k.id.as_str())
        .bind(k.sector.as_str())
        .bind(k.data.as_str())
        .bind(k.value)
        .bind(k.standing.as_deref())
        .bind(previous)
        .bind(trend)
        .bind(at)
        .bind(k.updated_at.as_str())
        .bind(k.seq)
        .execute(&mut *conn)
        .await?;
        sqlx::query::<DB>(
            "INSERT INTO ops_kpi_points (kpi_id, at_ms, value) VALUES ($1, $2, $3) \
             ON CONFLICT (kpi_id, at_ms) DO UPDATE SET value = excluded.value",
        )
        .bind(k.id.as_str())
        .bind(at)
        .bind(k.value)
        .execute(conn)
        .await
        .map(drop)
    }

    /// Deletes the history points before `before_ms`.
    pub async fn prune_points(
        conn: &mut DB::Connection,
        before_ms: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query::<DB>("DELETE FROM ops_kpi_points WHERE at_ms < $1")
            .bind(before_ms)
            .execute(conn)
            .await
            .map(drop)
    }

    /// One stored alert.
    pub async fn alert(
        conn: &mut DB::Connection,
        id: &str,
    ) -> Result<Option<AlertRow>, sqlx::Error> {
        let sql = format!("SELECT {ALERT_COLUMNS} FROM ops_alerts WHERE alert_id = $1");
        let row = sqlx::query::<DB>(&sql)
            .bind(id)
            .fetch_optional(conn)
            .await?;
        row.map(|r| Self::alert_row(&r)).transpose()
    }

    /// Stores an alert whole.
    pub async fn save_alert(conn: &mut DB::Connection, a: &AlertRow) -> Result<(), sqlx::Error> {
        let (ack_by, ack_at, ack_note) = mark_columns(a.acknowledged.as_ref());
        let (resolve_by, resolve_at, resolve_note) = mark_columns(a.resolved.as_ref());
        let assigned = a.assigned.as_ref();
        let (assign_by, assign_at, assign_note) = mark_columns(assigned.map(|s| &s.mark));
        sqlx::query::<DB>(
            "INSERT INTO ops_alerts (alert_id, sector, severity, severity_rank, status, state, data, \
             opened_at, updated_ms, updated_at, ack_by, ack_at, ack_note, assign_agency, \
             assign_deadline, assign_by, assign_at, assign_note, resolve_by, resolve_at, \
             resolve_note, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
             $14, $15, $16, $17, $18, $19, $20, $21, $22) \
             ON CONFLICT (alert_id) DO UPDATE SET sector = excluded.sector, \
             severity = excluded.severity, severity_rank = excluded.severity_rank, \
             status = excluded.status, state = excluded.state, data = excluded.data, \
             opened_at = excluded.opened_at, updated_ms = excluded.updated_ms, \
             updated_at = excluded.updated_at, ack_by = excluded.ack_by, ack_at = excluded.ack_at, \
             ack_note = excluded.ack_note, assign_agency = excluded.assign_agency, \
             assign_deadline = excluded.assign_deadline, assign_by = excluded.assign_by, \
             assign_at = excluded.assign_at, assign_note = excluded.assign_note, \
             resolve_by = excluded.resolve_by, resolve_at = excluded.resolve_at, \
             resolve_note = excluded.resolve_note, seq = excluded.seq",
        )
        .bind(a.alert_id.as_str())
        .bind(a.sector.as_str())
        .bind(a.severity.as_str())
        .bind(severity_rank(&a.severity))
        .bind(a.status.as_str())
        .bind(a.state.as_str())
        .bind(a.data.as_str())
        .bind(a.opened_at.as_str())
        .bind(millis(&a.updated_at))
        .bind(a.updated_at.as_str())
        .bind(ack_by)
        .bind(ack_at)
        .bind(ack_note)
        .bind(assigned.map(|s| s.agency.as_str()))
        .bind(assigned.map(|s| s.deadline.as_str()))
        .bind(assign_by)
        .bind(assign_at)
        .bind(assign_note)
        .bind(resolve_by)
        .bind(resolve_at)
        .bind(resolve_note)
        .bind(a.seq)
        .execute(conn)
        .await
        .map(drop)
    }

    /// Keeps an action as a history row (once per event).
    pub async fn insert_action(
        conn: &mut DB::Connection,
        a: &AlertAction,
    ) -> Result<(), sqlx::Error> {
        sqlx::query::<DB>(
            "INSERT INTO ops_alert_actions (seq, alert_id, action, actor, acted_at, agency, \
             deadline, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (seq) DO NOTHING",
        )
        .bind(a.seq)
        .bind(a.alert_id.as_str())
        .bind(a.action.as_str())
        .bind(a.by.as_str())
        .bind(a.at.as_str())
        .bind(a.agency.as_deref())
        .bind(a.deadline.as_ref().map(Timestamp::as_str))
        .bind(a.note.as_deref())
        .execute(conn)
        .await
        .map(drop)
    }

    /// Stores a place; with `replace`, over a stored one, else only if its
    /// (layer, id) is not stored.
    pub async fn save_place(
        conn: &mut DB::Connection,
        p: &Place,
        replace: bool,
    ) -> Result<(), sqlx::Error> {
        let conflict = if replace {
            "DO UPDATE SET lon = excluded.lon, lat = excluded.lat, name = excluded.name, \
             props = excluded.props, updated_ms = excluded.updated_ms, \
             updated_at = excluded.updated_at, seq = excluded.seq"
        } else {
            "DO NOTHING"
        };
        let sql = format!(
            "INSERT INTO ops_places (layer, id, lon, lat, name, props, updated_ms, updated_at, seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (layer, id) {conflict}"
        );
        sqlx::query::<DB>(&sql)
            .bind(p.layer.as_str())
            .bind(p.id.as_str())
            .bind(p.lon)
            .bind(p.lat)
            .bind(p.name.as_str())
            .bind(p.props.as_str())
            .bind(millis(&p.updated_at))
            .bind(p.updated_at.as_str())
            .bind(p.seq)
            .execute(conn)
            .await
            .map(drop)
    }

    /// Removes a place.
    pub async fn delete_place(
        conn: &mut DB::Connection,
        layer: &str,
        id: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query::<DB>("DELETE FROM ops_places WHERE layer = $1 AND id = $2")
            .bind(layer)
            .bind(id)
            .execute(conn)
            .await
            .map(drop)
    }

    /// The KPIs, of one sector or all, by sector then id.
    pub async fn kpis(
        conn: &mut DB::Connection,
        sector: Option<&str>,
    ) -> Result<Vec<KpiRow>, sqlx::Error> {
        let filter = if sector.is_some() {
            "WHERE sector = $1"
        } else {
            ""
        };
        let sql = format!("SELECT {KPI_COLUMNS} FROM ops_kpis {filter} ORDER BY sector, id");
        let mut query = sqlx::query::<DB>(&sql);
        if let Some(s) = sector {
            query = query.bind(s);
        }
        let rows = query.fetch_all(conn).await?;
        rows.iter().map(Self::kpi_row).collect()
    }

    /// The history points of `ids` at or after `since_ms`, by id then time.
    pub async fn points(
        conn: &mut DB::Connection,
        ids: &[String],
        since_ms: i64,
    ) -> Result<Vec<(String, KpiPoint)>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql =
            String::from("SELECT kpi_id, at_ms, value FROM ops_kpi_points WHERE at_ms >= $1");
        in_list(&mut sql, "kpi_id", 2, ids.len());
        sql.push_str(" ORDER BY kpi_id, at_ms");
        let mut query = sqlx::query::<DB>(&sql).bind(since_ms);
        for id in ids {
            query = query.bind(id.as_str());
        }
        let rows = query.fetch_all(conn).await?;
        rows.iter()
            .map(|r| {
                let point = KpiPoint {
                    at_ms: r.try_get(1)?,
                    value: r.try_get(2)?,
                };
                Ok((r.try_get(0)?, point))
            })
            .collect()
    }

    /// The alerts matching `q`, by severity rank, then newest update first.
    pub async fn alerts(
        conn: &mut DB::Connection,
        q: &AlertQuery,
    ) -> Result<Vec<AlertRow>, sqlx::Error> {
        let mut sql = format!("SELECT {ALERT_COLUMNS} FROM ops_alerts WHERE 1 = 1");
        let mut n = 1;
        if q.sector.is_some() {
            sql.push_str(" AND sector = $1");
            n += 1;
        }
        in_list(&mut sql, "state", n, q.states.len());
        n += q.states.len();
        in_list(&mut sql, "severity", n, q.severities.len());
        n += q.severities.len();
        let _ = write!(
            sql,
            " ORDER BY severity_rank DESC, updated_ms DESC, alert_id LIMIT ${n}"
        );
        let mut query = sqlx::query::<DB>(&sql);
        if let Some(s) = &q.sector {
            query = query.bind(s.as_str());
        }
        for v in q.states.iter().chain(&q.severities) {
            query = query.bind(v.as_str());
        }
        let limit = if q.limit == 0 {
            MAX_ROWS
        } else {
            q.limit.min(MAX_ROWS)
        };
        let rows = query.bind(i64::from(limit)).fetch_all(conn).await?;
        rows.iter().map(Self::alert_row).collect()
    }

    /// How many alerts not resolved there are per severity, of one sector or
    /// all.
    pub async fn alert_counts(
        conn: &mut DB::Connection,
        sector: Option<&str>,
    ) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let filter = if sector.is_some() {
            " AND sector = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT severity, COUNT(*) FROM ops_alerts WHERE state <> 'resolved'{filter} \
             GROUP BY severity ORDER BY severity"
        );
        let mut query = sqlx::query::<DB>(&sql);
        if let Some(s) = sector {
            query = query.bind(s);
        }
        let rows = query.fetch_all(conn).await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// An alert's actions, oldest first.
    pub async fn actions(
        conn: &mut DB::Connection,
        id: &str,
    ) -> Result<Vec<AlertAction>, sqlx::Error> {
        let rows = sqlx::query::<DB>(
            "SELECT seq, alert_id, action, actor, acted_at, agency, deadline, note \
             FROM ops_alert_actions WHERE alert_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(conn)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AlertAction {
                    seq: r.try_get(0)?,
                    alert_id: r.try_get(1)?,
                    action: r.try_get(2)?,
                    by: r.try_get(3)?,
                    at: timestamp(r.try_get(4)?)?,
                    agency: r.try_get(5)?,
                    deadline: r
                        .try_get::<Option<String>, _>(6)?
                        .map(timestamp)
                        .transpose()?,
                    note: r.try_get(7)?,
                })
            })
            .collect()
    }

    /// The places of `layers` (every layer when empty), by layer then id.
    pub async fn places(
        conn: &mut DB::Connection,
        layers: &[String],
    ) -> Result<Vec<Place>, sqlx::Error> {
        let mut sql = format!("SELECT {PLACE_COLUMNS} FROM ops_places WHERE 1 = 1");
        in_list(&mut sql, "layer", 1, layers.len());
        sql.push_str(" ORDER BY layer, id");
        let mut query = sqlx::query::<DB>(&sql);
        for l in layers {
            query = query.bind(l.as_str());
        }
        let rows = query.fetch_all(conn).await?;
        rows.iter().map(Self::place_row).collect()
    }

    fn kpi_row(r: &DB::Row) -> Result<KpiRow, sqlx::Error> {
        Ok(KpiRow {
            id: r.try_get(0)?,
            sector: r.try_get(1)?,
            data: r.try_get(2)?,
            value: r.try_get(3)?,
            standing: r.try_get(4)?,
            previous: r.try_get(5)?,
            trend: r.try_get(6)?,
            updated_at: timestamp(r.try_get(7)?)?,
            seq: r.try_get(8)?,
        })
    }

    fn alert_row(r: &DB::Row) -> Result<AlertRow, sqlx::Error> {
        let text = |i: usize| r.try_get::<Option<String>, _>(i);
        let mark = |i: usize| -> Result<Option<Mark>, sqlx::Error> {
            Ok(match (text(i)?, text(i + 1)?) {
                (Some(by), Some(at)) => Some(Mark {
                    by,
                    at: timestamp(at)?,
                    note: text(i + 2)?,
                }),
                _ => None,
            })
        };
        let assigned = match (text(11)?, text(12)?, mark(13)?) {
            (Some(agency), Some(deadline), Some(mark)) => Some(Assignment {
                agency,
                deadline: timestamp(deadline)?,
                mark,
            }),
            _ => None,
        };
        Ok(AlertRow {
            alert_id: r.try_get(0)?,
            sector: r.try_get(1)?,
            severity: r.try_get(2)?,
            status: r.try_get(3)?,
            state: r.try_get(4)?,
            data: r.try_get(5)?,
            opened_at: timestamp(r.try_get(6)?)?,
            updated_at: timestamp(r.try_get(7)?)?,
            acknowledged: mark(8)?,
            assigned,
            resolved: mark(16)?,
            seq: r.try_get(19)?,
        })
    }

    fn place_row(r: &DB::Row) -> Result<Place, sqlx::Error> {
        Ok(Place {
            layer: r.try_get(0)?,
            id: r.try_get(1)?,
            lon: r.try_get(2)?,
            lat: r.try_get(3)?,
            name: r.try_get(4)?,
            props: r.try_get(5)?,
            updated_at: timestamp(r.try_get(6)?)?,
            seq: r.try_get(7)?,
        })
    }
}

/// ` AND column IN ($first, …)` for `len` values; nothing when `len` is 0.
fn in_list(sql: &mut String, column: &str, first: usize, len: usize) {
    if len == 0 {
        return;
    }
    let _ = write!(sql, " AND {column} IN (");
    for i in 0..len {
        let sep = if i > 0 { ", " } else { "" };
        let _ = write!(sql, "{sep}${}", first + i);
    }
    sql.push(')');
}

/// The three columns of a mark (by, at, note), each `NULL` without one.
fn mark_columns(m: Option<&Mark>) -> (Option<&str>, Option<&str>, Option<&str>) {
    match m {
        Some(m) => (Some(&m.by), Some(m.at.as_str()), m.note.as_deref()),
        None => (None, None, None),
    }
}

/// A stored time, which the read model wrote from a parsed one.
fn timestamp(text: String) -> Result<Timestamp, sqlx::Error> {
    Timestamp::parse(&text).map_err(|e| sqlx::Error::Decode(format!("ops read model: {e}").into()))
}
