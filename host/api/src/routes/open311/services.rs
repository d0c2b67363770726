//! `GET /open311/v2/services.json` and `GET /open311/v2/services/{code}.json`.

use axum::{
    Json,
    extract::{Path, State},
};

use super::{
    GeoReportError, Open311,
    doc::{Problem, Service},
    split_format,
};

/// The services citizens can report to.
///
/// The `[open311] plugin`'s `config.services`.
#[utoipa::path(
    get,
    path = "/open311/v2/services.json",
    tag = "open311",
    responses(
        (status = 200, description = "Every service", body = Vec<Service>),
        (status = 404, description = "Open311 is not configured", body = Vec<Problem>),
    )
)]
pub async fn list(State(o): State<Open311>) -> Result<Json<Vec<Service>>, GeoReportError> {
    let r = o.with(|c| {
        Ok(Json(
            c.services
                .iter()
                .map(|s| Service {
                    service_code: s.service_code.clone(),
                    service_name: s.service_name.clone(),
                    description: s.description.clone(),
                    metadata: false,
                    ty: "realtime",
                    keywords: s.keywords.join(","),
                    group: s.group.clone(),
                })
                .collect(),
        ))
    });
    o.stats.count("services", super::outcome(&r));
    r
}

/// A service definition: none exists, as no service has metadata.
///
/// Always `404`, saying whether the service exists (its `metadata` is false).
#[utoipa::path(
    get,
    path = "/open311/v2/services/{file}",
    tag = "open311",
    params(("file" = String, Path, description = "`{service_code}.json`")),
    responses(
        (status = 400, description = "`.xml` asked: only JSON is served", body = Vec<Problem>),
        (status = 404, description = "No definition: the service has no metadata, or there is no such service", body = Vec<Problem>),
    )
)]
pub async fn definition(
    State(o): State<Open311>,
    Path(file): Path<String>,
) -> Result<Json<serde_json::Value>, GeoReportError> {
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
