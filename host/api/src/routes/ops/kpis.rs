//! `GET /v1/ops/kpis` (the KPIs per sector, with standing and trend) and
//! `GET /v1/ops/history` (their values over the last hours, for charts).
//!
//! Both read the ops read model's KPIs: the `ioc` plugin's `city.ioc.kpi`
//! events. A sector's own KPI (`kpi/<sector>`: how many of its KPIs stand at
//! warning or bad, and the worst standing) gives the sector its tile.

use std::collections::BTreeMap;

use axum::{Json, extract::State};
use cityhub_store::KpiRow;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{Envelope, Params, bad_param, envelope, millis_text};
use crate::{ApiError, AppState};

/// `GET /v1/ops/kpis` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KpisQuery {
    /// Only this sector (the middle token of its event types, e.g. `health`).
    sector: Option<String>,
    /// Answer once the read model has passed this log position (waits at most 2 s).
    seen: Option<i64>,
}

/// One KPI.
#[derive(Debug, Serialize, ToSchema)]
pub struct Kpi {
    /// E.g. `kpi/health/bed-occupancy/bvdk-tinh`.
    id: String,
    /// The indicator's name, `{"vi", "en"}`.
    #[schema(value_type = Object)]
    name: Value,
    scope: Value,
    #[serde(rename = "scopeName")]
    scope_name: Value,
    value: f64,
    /// `ratio`, `count`, `per-hour`, `tonnes`, `days` or `vnd`.
    unit: Value,
    /// `good`, `warning`, `bad`, or null for an indicator without thresholds.
    standing: Option<String>,
    /// The value before this one.
    previous: Option<f64>,
    /// `new`, `up`, `down` or `steady`.
    trend: String,
    #[serde(rename = "updatedAt")]
    updated_at: String,
}

/// One sector's tile and its KPIs.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sector {
    sector: String,
    /// The sector's name, `{"vi", "en"}` (the sector KPI's `sectorName`,
    /// else its `name`), null before its sector KPI.
    #[schema(value_type = Option<Object>)]
    name: Value,
    /// The worst standing of its KPIs.
    standing: Option<String>,
    /// How many of its KPIs stand at warning or bad.
    value: Option<f64>,
    kpis: Vec<Kpi>,
}

/// The answer of `GET /v1/ops/kpis`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Kpis {
    #[serde(flatten)]
    envelope: Envelope,
    /// By sector name.
    sectors: Vec<Sector>,
}

/// The KPIs per sector, with standing and trend.
#[utoipa::path(
    get,
    path = "/v1/ops/kpis",
    tag = "ops",
    params(KpisQuery),
    responses(
        (status = 200, description = "KPIs per sector", body = Kpis),
        (status = 400, description = "A bad parameter (`invalid_query`)", body = crate::ErrorBody),
    )
)]
pub async fn kpis(
    State(state): State<AppState>,
    Params(q): Params<KpisQuery>,
) -> Result<Json<Kpis>, ApiError> {
    let envelope = envelope(&state, q.seen).await?;
    let rows = state
        .bus
        .store()
        .ops_kpis(q.sector.as_deref())
        .await
        .map_err(ApiError::internal)?;
    let mut sectors: BTreeMap<String, Sector> = BTreeMap::new();
    for row in rows {
        let s = sectors.entry(row.sector.clone()).or_insert_with(|| Sector {
            sector: row.sector.clone(),
            name: Value::Null,
            standing: None,
            value: None,
            kpis: Vec::new(),
        });
        if row.id == format!("kpi/{}", row.sector) {
            let data: Value = serde_json::from_str(&row.data).unwrap_or(Value::Null);
            s.name = data
                .get("sectorName")
                .or_else(|| data.get("name"))
                .cloned()
                .unwrap_or(Value::Null);
            s.standing = row.standing;
            s.value = Some(row.value);
        } else {
            s.kpis.push(kpi(row));
        }
    }
    Ok(Json(Kpis {
        envelope,
        sectors: sectors.into_values().collect(),
    }))
}

fn kpi(row: KpiRow) -> Kpi {
    let data: Value = serde_json::from_str(&row.data).unwrap_or(Value::Null);
    let get = |k: &str| data.get(k).cloned().unwrap_or(Value::Null);
    Kpi {
        name: get("name"),
        scope: get("scope"),
        scope_name: get("scopeName"),
        unit: get("unit"),
        id: row.id,
        value: row.value,
        standing: row.standing,
        previous: row.previous,
        trend: row.trend,
        updated_at: row.updated_at.as_str().to_owned(),
    }
}

/// `GET /v1/ops/history` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// The sector whose KPIs to chart (required).
    sector: Option<String>,
    /// How many hours back from the read model's now: 1 to 48, default 6.
    hours: Option<u32>,
    /// Only this KPI (its id).
    kpi: Option<String>,
    /// Answer once the read model has passed this log position (waits at most 2 s).
    seen: Option<i64>,
}

/// One KPI's values over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct Series {
    id: String,
    #[schema(value_type = Object)]
    name: Value,
    unit: Value,
    scope: Value,
    #[serde(rename = "scopeName")]
    scope_name: Value,
    /// `[time, value]` pairs, oldest first: the last value of each of at
    /// most 300 equal time buckets.
    #[schema(value_type = Vec<Vec<Object>>)]
    points: Vec<(String, f64)>,
}

/// The answer of `GET /v1/ops/history`.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    #[serde(flatten)]
    envelope: Envelope,
    sector: String,
    hours: u32,
    /// At most 12 series: the sector's KPIs with the most points.
    series: Vec<Series>,
}

/// The most points per series.
const MAX_POINTS: usize = 300;
/// The most series per answer.
const MAX_SERIES: usize = 12;

/// A sector's KPIs over the last hours.
#[utoipa::path(
    get,
    path = "/v1/ops/history",
    tag = "ops",
    params(HistoryQuery),
    responses(
        (status = 200, description = "The sector's KPI series", body = History),
        (status = 400, description = "A missing or bad parameter (`invalid_query`)", body = crate::ErrorBody),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    Params(q): Params<HistoryQuery>,
) -> Result<Json<History>, ApiError> {
    let Some(sector) = q.sector.filter(|s| !s.is_empty()) else {
        return Err(bad_param(
            "sector",
            "give `sector`, e.g. `/v1/ops/history?sector=health&hours=6`".into(),
        ));
    };
    let hours = q.hours.unwrap_or(6);
    if !(1..=48).contains(&hours) {
        return Err(bad_param(
            "hours",
            format!("`hours` must be 1 to 48 (the history kept), got {hours}"),
        ));
    }
    let envelope = envelope(&state, q.seen).await?;
    let store = state.bus.store();
    let rows: Vec<KpiRow> = store
        .ops_kpis(Some(&sector))
        .await
        .map_err(ApiError::internal)?
        .into_iter()
        .filter(|r| r.id != format!("kpi/{sector}"))
        .filter(|r| q.kpi.as_ref().is_none_or(|k| *k == r.id))
        .collect();
    let end_ms = envelope.now_seconds().map_or(0, |s| s * 1000);
    let start_ms = end_ms - i64::from(hours) * 3_600_000;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut points: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
    for (id, p) in store
        .ops_kpi_points(&ids, start_ms)
        .await
        .map_err(ApiError::internal)?
    {
        points.entry(id).or_default().push((p.at_ms, p.value));
    }
    let mut series: Vec<Series> = rows
        .into_iter()
        .map(|row| {
            let pts = downsample(points.remove(&row.id).unwrap_or_default(), start_ms, end_ms);
            let k = kpi(row);
            Series {
                id: k.id,
                name: k.name,
                unit: k.unit,
                scope: k.scope,
                scope_name: k.scope_name,
                points: pts.into_iter().map(|(t, v)| (millis_text(t), v)).collect(),
            }
        })
        .collect();
    series.sort_by(|a, b| b.points.len().cmp(&a.points.len()).then(a.id.cmp(&b.id)));
    series.truncate(MAX_SERIES);
    Ok(Json(History {
        envelope,
        sector,
        hours,
        series,
    }))
}

/// At most [`MAX_POINTS`]: the last point of each of that many equal
/// buckets of `[start, end]` (points come oldest first).
fn downsample(points: Vec<(i64, f64)>, start: i64, end: i64) -> Vec<(i64, f64)> {
    if points.len() <= MAX_POINTS {
        return points;
    }
    let width = ((end - start) / MAX_POINTS as i64).max(1);
    let mut out: Vec<(i64, f64)> = Vec::with_capacity(MAX_POINTS);
    let mut bucket = None;
    for p in points {
        let b = (p.0 - start) / width;
        if bucket == Some(b)
            && let Some(last) = out.last_mut()
        {
            *last = p;
        } else {
            out.push(p);
            bucket = Some(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_keeps_the_last_point_of_each_bucket() {
        let few = vec![(0, 1.0), (10, 2.0)];
        assert_eq!(downsample(few.clone(), 0, 100), few);
        let many: Vec<(i64, f64)> = (0..3_000).map(|i| (i, i as f64)).collect();
        let out = downsample(many, 0, 3_000);
        assert_eq!(out.len(), MAX_POINTS);
        assert_eq!(out[0], (9, 9.0));
        assert_eq!(out.last(), Some(&(2_999, 2_999.0)));
    }
}
