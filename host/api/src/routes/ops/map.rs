//! `GET /v1/ops/map`: the province's live places as GeoJSON, drawn by the
//! dashboard from the coordinates in the data (no tiles: the operations
//! centre runs on a closed network).
//!
//! Layers: `gate`, `segment`, `incident`, `site`, `hospital` from the ops
//! read model's places, and `report` (open field reports with a position)
//! from the Open311 read model.

use axum::{Json, extract::State};
use cityhub_store::{Place, ServiceRequestQuery};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};

use super::{Envelope, Params, bad_param, envelope};
use crate::{ApiError, AppState};

/// Every layer, in drawing order (the first drawn lowest).
pub const LAYERS: [&str; 6] = ["segment", "incident", "report", "site", "hospital", "gate"];
/// Open reports put on the map at most (the newest).
const MAX_REPORTS: u32 = 2_000;

/// `GET /v1/ops/map` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// Comma-separated layers (default all): `gate`, `segment`, `incident`,
    /// `report`, `site`, `hospital`.
    layers: Option<String>,
    /// Answer once the read model has passed this log position (waits at most 2 s).
    seen: Option<i64>,
}

/// A GeoJSON FeatureCollection of the layers asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct MapFeatures {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    envelope: Envelope,
    /// `[min lon, min lat, max lon, max lat]` of the features, null when none.
    bbox: Option<[f64; 4]>,
    /// GeoJSON Features with a Point geometry; `properties` has `layer`,
    /// `name` and the layer's fields (a report: `service_code`, `service_name`,
    /// `description`, `status`, `address`, `road`, `overdue`, `agency`).
    #[schema(value_type = Vec<Object>)]
    features: Vec<Value>,
}

/// The province's places by layer, as GeoJSON.
#[utoipa::path(
    get,
    path = "/v1/ops/map",
    tag = "ops",
    params(MapQuery),
    responses(
        (status = 200, description = "A GeoJSON FeatureCollection", body = MapFeatures),
        (status = 400, description = "An unknown layer (`invalid_query`)", body = crate::ErrorBody),
    )
)]
pub async fn map(
    State(state): State<AppState>,
    Params(q): Params<MapQuery>,
) -> Result<Json<MapFeatures>, ApiError> {
    let layers = layers(q.layers.as_deref())?;
    let envelope = envelope(&state, q.seen).await?;
    let store = state.bus.store();
    let mut features = Vec::new();
    let placed: Vec<String> = layers
        .iter()
        .filter(|l| **l != "report")
        .map(|l| (*l).to_owned())
        .collect();
    if !placed.is_empty() {
        let places = store
            .ops_places(&placed)
            .await
            .map_err(ApiError::internal)?;
        features.extend(places.iter().map(place));
    }
    if layers.contains(&"report") {
        let open = store
            .service_requests(&ServiceRequestQuery {
                statuses: vec!["open".into()],
                limit: MAX_REPORTS,
                ..ServiceRequestQuery::default()
            })
            .await
            .map_err(ApiError::internal)?;
        features.extend(open.iter().filter_map(|r| {
            let v: Value = serde_json::from_str(&r.view).ok()?;
            let (lon, lat) = (number(v.get("long")?)?, number(v.get("lat")?)?);
            let mut p = Map::new();
            for k in [
                "service_code",
                "service_name",
                "description",
                "status",
                "address",
                "road",
            ] {
                p.insert(k.into(), v.get(k).cloned().unwrap_or(Value::Null));
            }
            p.insert(
                "overdue".into(),
                Value::Bool(v.get("overdue").and_then(Value::as_bool).unwrap_or(false)),
            );
            p.insert(
                "agency".into(),
                v.get("agency_responsible").cloned().unwrap_or(Value::Null),
            );
            p.insert("layer".into(), "report".into());
            p.insert(
                "name".into(),
                v.get("service_name").cloned().unwrap_or(Value::Null),
            );
            p.insert(
                "updatedAt".into(),
                v.get("updated_datetime").cloned().unwrap_or(Value::Null),
            );
            Some(feature(&format!("report/{}", r.id), lon, lat, p))
        }));
    }
    let bbox = bbox(&features);
    Ok(Json(MapFeatures {
        kind: "FeatureCollection",
        envelope,
        bbox,
        features,
    }))
}

fn layers(asked: Option<&str>) -> Result<Vec<&'static str>, ApiError> {
    let Some(asked) = asked.filter(|a| !a.trim().is_empty()) else {
        return Ok(LAYERS.to_vec());
    };
    asked
        .split(',')
        .map(|l| {
            let l = l.trim();
            LAYERS.iter().copied().find(|k| *k == l).ok_or_else(|| {
                bad_param(
                    "layers",
                    format!(
                        "`layers` has `{l}`, which is no layer; use a comma-separated list of {}",
                        LAYERS.join(", ")
                    ),
                )
            })
        })
        .collect()
}

fn place(p: &Place) -> Value {
    let mut props = match serde_json::from_str(&p.props) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    props.insert("layer".into(), p.layer.clone().into());
    props.insert(
        "name".into(),
        serde_json::from_str(&p.name).unwrap_or(Value::Null),
    );
    props.insert("updatedAt".into(), p.updated_at.as_str().into());
    feature(&format!("{}/{}", p.layer, p.id), p.lon, p.lat, props)
}

fn feature(id: &str, lon: f64, lat: f64, properties: Map<String, Value>) -> Value {
    json!({
        "type": "Feature",
        "id": id,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    })
}

/// A coordinate written as a number or as numeric text (Open311 allows both).
fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        .filter(|n: &f64| n.is_finite())
}

fn bbox(features: &[Value]) -> Option<[f64; 4]> {
    let mut b: Option<[f64; 4]> = None;
    for f in features {
        let c = &f["geometry"]["coordinates"];
        let (Some(lon), Some(lat)) = (c[0].as_f64(), c[1].as_f64()) else {
            continue;
        };
        b = Some(match b {
            None => [lon, lat, lon, lat],
            Some([a, b2, c2, d]) => [a.min(lon), b2.min(lat), c2.max(lon), d.max(lat)],
        });
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_parse_and_unknown_ones_are_named() {
        assert_eq!(layers(None).unwrap().len(), LAYERS.len());
        assert_eq!(
            layers(Some("gate, report")).unwrap(),
            vec!["gate", "report"]
        );
        let e = layers(Some("gate,roads")).unwrap_err();
        assert!(e.message.contains("`roads`"), "{}", e.message);
        assert_eq!(e.field.as_deref(), Some("layers"));
    }

    #[test]
    fn coordinates_may_be_text_and_the_bbox_covers_all() {
        assert_eq!(number(&json!("21.85")), Some(21.85));
        assert_eq!(number(&json!("x")), None);
        let f = [
            feature("a", 106.5, 21.8, Map::new()),
            feature("b", 106.9, 21.6, Map::new()),
        ];
        assert_eq!(bbox(&f), Some([106.5, 21.6, 106.9, 21.8]));
        assert_eq!(bbox(&[]), None);
    }
}
