//! `POST /open311/v2/requests.json`, `GET /open311/v2/requests.json` and
//! `GET /open311/v2/requests/{id}.json`.

use std::collections::BTreeMap;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
};
use cityhub_cloudevents::{CloudEvent, EventType, Timestamp};
use serde_json::{Value, json};

use super::{
    GeoReportError, Open311, READ_YOUR_WRITES,
    doc::{Created, NewRequest, Problem, ServiceRequest},
    form, query, render, split_format, submit,
};

/// The `source` of the events the Open311 endpoint makes.
pub const SOURCE: &str = "/cityhub/open311";

/// Submits a citizen's report: it becomes a `city.fieldreport.submitted` event,
/// and its contact fields (if any) a `city.fieldreport.contact` event of data
/// class `personal`, stored together.
///
/// `201 [{"service_request_id", "service_notice", "account_id": null}]` once
/// the report is stored and in the read model (at most 2 s), so a `GET`
/// right after finds it.
#[utoipa::path(
    post,
    path = "/open311/v2/requests.json",
    tag = "open311",
    request_body(
        description = "The report's fields, form-encoded or as a JSON object",
        content(
            (NewRequest = "application/x-www-form-urlencoded"),
            (NewRequest = "application/json"),
        ),
    ),
    responses(
        (status = 201, description = "Stored", body = Vec<Created>),
        (status = 400, description = "Every problem with the fields, one element each", body = Vec<Problem>),
        (status = 404, description = "Open311 is not configured", body = Vec<Problem>),
        (status = 429, description = "A route is behind; send again after `Retry-After`", body = Vec<Problem>,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The log is busy or unavailable; send again after `Retry-After`", body = Vec<Problem>,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn submit(
    State(o): State<Open311>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), GeoReportError> {
    let r = submit_inner(&o, &headers, &body).await;
    o.stats.count("submit", super::outcome(&r));
    r
}

async fn submit_inner(
    o: &Open311,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(StatusCode, Json<Value>), GeoReportError> {
    let config = o.with(|c| Ok(c.clone()))?;
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let fields =
        form::parse(content_type, body).map_err(|e| GeoReportError::bad_request(vec![e]))?;
    let s = submit::check(&fields, &config).map_err(GeoReportError::bad_request)?;
    let id = uuid::Uuid::now_v7().to_string();
    let requested = cityhub_bus::clock::now_in_vietnam();
    let ty = EventType::new(cityhub_bus::projection::open311::SUBMITTED)
        .map_err(GeoReportError::internal)?;
    let data = s.data(&id, &requested, config.jurisdiction_id.as_deref());
    let mut events = vec![event(id.clone(), ty, &id, &requested, &data)];
    // The citizen's contact goes apart, classed `personal`: only plugins
    // approved for it receive it.
    if let Some(contact) = s.contact(&id) {
        let ty =
            EventType::new(cityhub_config::OPEN311_CONTACT).map_err(GeoReportError::internal)?;
        let mut c = event(format!("{id}.contact"), ty, &id, &requested, &contact);
        c.extensions.insert(
            cityhub_cloudevents::DATACLASS.to_owned(),
            cityhub_config::PERSONAL.to_owned(),
        );
        events.push(c);
    }
    let bus = o.bus.clone();
    // On a task of its own: stored whether or not the client waits; the
    // report and its contact in one ingest (one transaction).
    let appended = tokio::spawn(async move { bus.ingest_from_host(events).await })
        .await
        .map_err(GeoReportError::internal)??;
    if let Some(seq) = appended.first().map(|a| a.seq())
        && !o.bus.wait_projected(seq, READ_YOUR_WRITES).await
    {
        tracing::warn!(service_request_id = %id, "the Open311 read model is behind; answering before it has the new report");
    }
    let agency = config
        .services
        .iter()
        .find(|x| x.service_code == s.service_code)
        .and_then(|x| x.agency.clone());
    let notice = match agency {
        Some(a) => format!("Đã tiếp nhận phản ánh; chuyển {a} xử lý. Received; routed to {a}."),
        None => "Đã tiếp nhận phản ánh. Received.".to_owned(),
    };
    Ok((
        StatusCode::CREATED,
        Json(json!([{"service_request_id": id, "service_notice": notice, "account_id": null}])),
    ))
}

/// An event of the Open311 endpoint about request `subject`, made at
/// `requested`, with JSON `data`.
fn event(id: String, ty: EventType, subject: &str, requested: &str, data: &Value) -> CloudEvent {
    let mut e = CloudEvent::new(id, SOURCE, ty);
    e.subject = Some(subject.to_owned());
    e.time = Timestamp::parse(requested).ok();
    e.datacontenttype = Some("application/json".to_owned());
    e.data = Some(bytes::Bytes::from(data.to_string()));
    e
}

/// One service request, by id.
///
/// Answers `[request]` (a one-element array, as the spec does), or `404`.
#[utoipa::path(
    get,
    path = "/open311/v2/requests/{file}",
    tag = "open311",
    params(("file" = String, Path, description = "`{service_request_id}.json`")),
    responses(
        (status = 200, description = "The request", body = Vec<ServiceRequest>),
        (status = 400, description = "`.xml` asked: only JSON is served", body = Vec<Problem>),
        (status = 404, description = "No such request, no `.json`, or Open311 not configured", body = Vec<Problem>),
    )
)]
pub async fn one(
    State(o): State<Open311>,
    Path(file): Path<String>,
) -> Result<Json<Value>, GeoReportError> {
    let r = async {
        let config = o.with(|c| Ok(c.clone()))?;
        let id = split_format(&file, "/open311/v2/requests/")?;
        let row = o
            .bus
            .store()
            .service_request(id)
            .await
            .map_err(GeoReportError::internal)?
            .ok_or_else(|| {
                GeoReportError::not_found(format!(
                    "no service request `{id}`: check the id the POST answered with"
                ))
            })?;
        Ok(Json(Value::Array(vec![render::request(&row, &config)])))
    }
    .await;
    o.stats.count("request", super::outcome(&r));
    r
}

/// Service requests matching the filters, newest first, at most 1000.
///
/// Without dates, the last 90 days.
#[utoipa::path(
    get,
    path = "/open311/v2/requests.json",
    tag = "open311",
    params(
        ("service_request_id" = Option<String>, Query, description = "Comma-separated ids (the other filters are then ignored)"),
        ("service_code" = Option<String>, Query, description = "Comma-separated service codes"),
        ("start_date" = Option<String>, Query, description = "Requested at or after this RFC 3339 time"),
        ("end_date" = Option<String>, Query, description = "Requested at or before this RFC 3339 time"),
        ("status" = Option<String>, Query, description = "`open`, `closed` or `open,closed`"),
        ("jurisdiction_id" = Option<String>, Query, description = "Must be this city's, if given"),
        ("api_key" = Option<String>, Query, description = "Accepted and ignored"),
    ),
    responses(
        (status = 200, description = "The requests", body = Vec<ServiceRequest>),
        (status = 400, description = "Every problem with the filters, one element each", body = Vec<Problem>),
        (status = 404, description = "Open311 is not configured", body = Vec<Problem>),
    )
)]
pub async fn list(
    State(o): State<Open311>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, GeoReportError> {
    let r = async {
        let config = o.with(|c| Ok(c.clone()))?;
        let q = query::parse(
            &params,
            config.jurisdiction_id.as_deref(),
            &Timestamp::now(),
        )
        .map_err(GeoReportError::bad_request)?;
        let rows = o
            .bus
            .store()
            .service_requests(&q)
            .await
            .map_err(GeoReportError::internal)?;
        Ok(Json(Value::Array(
            rows.iter().map(|r| render::request(r, &config)).collect(),
        )))
    }
    .await;
    o.stats.count("requests", super::outcome(&r));
    r
}
