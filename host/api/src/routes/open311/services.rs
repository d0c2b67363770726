//! `GET /open311/v2/services.json` and `GET /open311/v2/services/{code}.json`.

use axum::{
    Json,
    extract::{Path, State},
};
use serde_json::{Value, json};

use super::{GeoReportError, Open311, split_format};

/// The services of the `[open311] plugin`'s `config.services`.
pub async fn list(State(o): State<Open311>) -> Result<Json<Value>, GeoReportError> {
    let r = o.with(|c| {
        Ok(Json(Value::Array(
            c.services
                .iter()
                .map(|s| {
                    json!({
                        "service_code": s.service_code,
                        "service_name": s.service_name,
                        "description": s.description,
                        "metadata": false,
                        "type": "realtime",
                        "keywords": s.keywords.join(","),
                        "group": s.group,
                    })
                })
                .collect(),
        )))
    });
    o.stats.count("services", super::outcome(&r));
    r
}

/// A service definition: no service has metadata, so there is none to give.
pub async fn definition(
    State(o): State<Open311>,
    Path(file): Path<String>,
) -> Result<Json<Value>, GeoReportError> {
    let r = o.with(|c| {
        let code = split_format(&file, "/open311/v2/services/")?;
        if c.services.iter().any(|s| s.service_code == code) {
            Err(GeoReportError::not_found(format!("service `{code}` has no definition: its `metadata` is false, so it takes no attributes beyond the standard fields")))
        } else {
            Err(GeoReportError::not_found(format!("no service `{code}`: GET /open311/v2/services.json lists them")))
        }
    });
    o.stats.count("services", super::outcome(&r));
    r
}
