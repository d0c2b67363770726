//! Open311 GeoReport v2 (<https://wiki.open311.org/GeoReport_v2>), JSON only:
//!
//! - `GET /open311/v2/services.json`, `GET /open311/v2/services/{code}.json`:
//!   the services of the `[open311] plugin`'s `config.services`.
//! - `POST /open311/v2/requests.json` (form-encoded or JSON): a report becomes
//!   a `city.fieldreport.submitted` event ([`submit`]); `201` once the read
//!   model has it (at most [`READ_YOUR_WRITES`]).
//! - `GET /open311/v2/requests/{id}.json`, `GET /open311/v2/requests.json`:
//!   from the read model the bus projects from the plugin's
//!   `city.fieldreport.request` outputs ([`cityhub_bus::projection`]).
//!
//! Errors use the GeoReport format ([`GeoReportError`]), every problem at
//! once. Without `[open311]` in city.toml every endpoint answers `404`.

mod doc;
mod error;
pub mod form;
mod query;
mod render;
mod requests;
mod services;
pub mod stats;
pub mod submit;

use std::{sync::Arc, time::Duration};

use axum::http::{StatusCode, Uri};
use cityhub_bus::Bus;
use cityhub_config::Open311Config;
use utoipa_axum::{router::OpenApiRouter, routes};

pub use error::GeoReportError;
pub use stats::Stats;

use crate::AppState;

/// How long a `POST` waits for the read model to have the new report, so a
/// client's next `GET` finds it.
pub const READ_YOUR_WRITES: Duration = Duration::from_secs(2);

/// What the Open311 handlers share.
#[derive(Debug, Clone)]
pub struct Open311 {
    bus: Arc<Bus>,
    config: Option<Arc<Open311Config>>,
    stats: Arc<Stats>,
}

impl Open311 {
    /// `f` with the configuration, or `404` when Open311 is not configured.
    fn with<T>(
        &self,
        f: impl FnOnce(&Open311Config) -> Result<T, GeoReportError>,
    ) -> Result<T, GeoReportError> {
        match &self.config {
            Some(c) => f(c),
            None => Err(GeoReportError::not_found(
                "Open311 is not served by this city: add `[open311] plugin = \"field-reports\"` to city.toml",
            )),
        }
    }
}

/// The Open311 router.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let o = Open311 {
        bus: state.bus.clone(),
        config: state.config.open311.clone(),
        stats: state.config.open311_stats.clone(),
    };
    OpenApiRouter::new()
        .routes(routes!(services::list))
        .routes(routes!(services::definition))
        .routes(routes!(requests::submit, requests::list))
        .routes(routes!(requests::one))
        .routes(routes!(services_xml))
        .routes(routes!(requests_xml))
        .with_state(o)
}

/// The services in XML: refused, only JSON is served.
#[utoipa::path(
    get,
    path = "/open311/v2/services.xml",
    tag = "open311",
    responses((status = 400, description = "Only JSON is served: ask for `services.json`", body = Vec<doc::Problem>))
)]
async fn services_xml(uri: Uri) -> GeoReportError {
    GeoReportError::json_only(StatusCode::BAD_REQUEST, uri.path())
}

/// Requests in XML: refused, only JSON is served.
#[utoipa::path(
    method(get, post),
    path = "/open311/v2/requests.xml",
    tag = "open311",
    responses((status = 400, description = "Only JSON is served: use `requests.json`", body = Vec<doc::Problem>))
)]
async fn requests_xml(uri: Uri) -> GeoReportError {
    GeoReportError::json_only(StatusCode::BAD_REQUEST, uri.path())
}

/// `{name}.json` → `name`; `.xml` and others are refused.
fn split_format<'a>(file: &'a str, prefix: &str) -> Result<&'a str, GeoReportError> {
    if let Some(name) = file.strip_suffix(".json") {
        return Ok(name);
    }
    let path = format!("{prefix}{file}");
    if file.ends_with(".xml") {
        Err(GeoReportError::json_only(StatusCode::BAD_REQUEST, &path))
    } else {
        Err(GeoReportError::not_found(format!(
            "`{path}` names no format: add `.json`"
        )))
    }
}

fn outcome<T>(r: &Result<T, GeoReportError>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => Stats::outcome(e.status.as_u16()),
    }
}
