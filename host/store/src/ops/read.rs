//! Reads of the ops read model, for the ops API. Each is one statement on a
//! pooled connection; JSON columns come back as text.

use cityhub_cloudevents::Timestamp;

use sqlx::{Postgres, Sqlite};

use crate::{Error, Store, store::Pool};

use super::{AlertAction, AlertRow, KpiPoint, KpiRow, Place, sql::OpsSql};

/// A search of the alerts; conditions combine with AND, an empty list means
/// "any". Alerts come back by severity rank (critical first), then newest
/// update first, then by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertQuery {
    /// Only of this sector.
    pub sector: Option<String>,
    /// Only in these operator states (`open`, `acknowledged`, `assigned`,
    /// `resolved`).
    pub states: Vec<String>,
    /// Only of these severities.
    pub severities: Vec<String>,
    /// At most this many; 0 means the store's cap (10,000), which also caps
    /// larger values.
    pub limit: u32,
}

/// Runs `$f(conn, args…)` of [`OpsSql`] on a pooled connection of `$store`
/// (the backend named, as a connection does not tell it).
macro_rules! read {
    ($store:expr, $op:literal, $f:ident ( $($arg:expr),* )) => {
        match &$store.inner.pool {
            Pool::Sqlite(pool) => {
                let mut conn = pool.acquire().await.map_err(Error::db($op))?;
                OpsSql::<Sqlite>::$f(&mut conn, $($arg),*).await.map_err(Error::db($op))
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await.map_err(Error::db($op))?;
                OpsSql::<Postgres>::$f(&mut conn, $($arg),*).await.map_err(Error::db($op))
            }
        }
    };
}

impl Store {
    /// The KPIs, of `sector` (the KPI's `category`) or all, by sector then
    /// id; the sector KPIs (`kpi/<sector>`) among them.
    pub async fn ops_kpis(&self, sector: Option<&str>) -> Result<Vec<KpiRow>, Error> {
        read!(self, "ops_kpis", kpis(sector))
    }

    /// The history of the KPIs `ids` from `since_ms` (Unix millis, inclusive)
    /// on, as (KPI id, point), by id then time. History reaches back at
    /// most [`crate::ops::HISTORY`] from the read model's now.
    pub async fn ops_kpi_points(
        &self,
        ids: &[String],
        since_ms: i64,
    ) -> Result<Vec<(String, KpiPoint)>, Error> {
        read!(self, "ops_kpi_points", points(ids, since_ms))
    }

    /// The alerts matching `q` (see [`AlertQuery`] for the order).
    pub async fn ops_alerts(&self, q: &AlertQuery) -> Result<Vec<AlertRow>, Error> {
        read!(self, "ops_alerts", alerts(q))
    }

    /// How many alerts are not resolved, per severity, of `sector` or all;
    /// severities without one are absent.
    pub async fn ops_alert_counts(
        &self,
        sector: Option<&str>,
    ) -> Result<Vec<(String, i64)>, Error> {
        read!(self, "ops_alert_counts", alert_counts(sector))
    }

    /// One alert by `alertId`, if the read model has it.
    pub async fn ops_alert(&self, alert_id: &str) -> Result<Option<AlertRow>, Error> {
        read!(self, "ops_alert", alert(alert_id))
    }

    /// The operator actions on an alert, oldest first (every episode's).
    pub async fn ops_alert_actions(&self, alert_id: &str) -> Result<Vec<AlertAction>, Error> {
        read!(self, "ops_alert_actions", actions(alert_id))
    }

    /// The places of `layers` (every layer when empty), by layer then id.
    pub async fn ops_places(&self, layers: &[String]) -> Result<Vec<Place>, Error> {
        read!(self, "ops_places", places(layers))
    }

    /// The read model's event-time now: the newest event time it has seen,
    /// as the event wrote it; `None` before the first.
    pub async fn ops_now(&self) -> Result<Option<Timestamp>, Error> {
        read!(self, "ops_now", now())
    }
}
