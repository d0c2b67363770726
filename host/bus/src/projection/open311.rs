//! From field-report events to rows of the Open311 read model.
//!
//! - `city.fieldreport.submitted` (the host's Open311 endpoint, or the
//!   simulator) creates the row: status `open`, no agency yet.
//! - `city.fieldreport.request` (the handling plugin's whole current view,
//!   after every change) replaces it.
//!
//! Contact fields never reach the read model. An event without a request id
//! or with data that is not a JSON object is skipped (and logged).

use std::sync::Arc;

use cityhub_cloudevents::Timestamp;
use cityhub_store::{ProjectionMode, Seq, ServiceRequestRow, Store, StoredEvent};
use serde_json::{Map, Value, json};

use super::Projection;

/// The consumer id of the Open311 projection (its position's key).
pub const CONSUMER: &str = "projection:open311";

/// A submitted report.
pub use cityhub_config::OPEN311_SUBMITTED as SUBMITTED;
/// A report's current view, from the plugin that handles it.
pub const REQUEST: &str = "city.fieldreport.request";

/// Fields that identify a person: kept in the log, never in the read model.
const PRIVATE: [&str; 7] = [
    "contact",
    "email",
    "phone",
    "first_name",
    "last_name",
    "device_id",
    "account_id",
];

/// The Open311 projection: a window's changes are the rows its field-report
/// events make, committed by [`Store::project_service_requests`].
#[derive(Debug, Default)]
pub(crate) struct Open311;

impl Projection for Open311 {
    const CONSUMER: &'static str = CONSUMER;
    const NAME: &'static str = "the Open311 projection";
    type Changes = Vec<(ProjectionMode, ServiceRequestRow)>;

    fn collect(&mut self, window: &[Arc<StoredEvent>]) -> Option<Self::Changes> {
        let changes: Vec<_> = window.iter().filter_map(|e| change(e)).collect();
        (!changes.is_empty()).then_some(changes)
    }

    async fn commit(
        store: &Store,
        position: Seq,
        changes: Self::Changes,
    ) -> Result<(), cityhub_store::Error> {
        store
            .project_service_requests(CONSUMER, position, changes)
            .await
    }
}

/// The change `e` makes to the read model, if any.
pub(crate) fn change(e: &StoredEvent) -> Option<(ProjectionMode, ServiceRequestRow)> {
    let ty = e.event.ty.as_str();
    let mode = match ty {
        SUBMITTED => ProjectionMode::Create,
        REQUEST => ProjectionMode::Replace,
        _ => return None,
    };
    let data = e
        .event
        .data
        .as_ref()
        .and_then(|d| serde_json::from_slice::<Value>(d).ok());
    let Some(Value::Object(mut data)) = data else {
        tracing::warn!(event.id = %e.event.id, event.type = ty, "field-report event without a JSON object as data; not projected");
        return None;
    };
    let id = text(&data, "service_request_id").or_else(|| e.event.subject.clone());
    let Some(id) = id.filter(|id| !id.is_empty()) else {
        tracing::warn!(event.id = %e.event.id, event.type = ty, "field-report event names no `service_request_id` (nor subject); not projected");
        return None;
    };
    for k in PRIVATE {
        data.remove(k);
    }
    let requested_at = text(&data, "requested_datetime")
        .and_then(|t| Timestamp::parse(&t).ok())
        .or_else(|| e.event.time.clone())
        .unwrap_or_else(|| e.recorded_at.clone());
    let view = match mode {
        ProjectionMode::Create => submitted_view(&id, &data, &requested_at),
        ProjectionMode::Replace => {
            data.insert("service_request_id".into(), Value::String(id.clone()));
            Value::Object(data)
        }
    };
    let status = text_of(&view, "status").unwrap_or_else(|| "open".to_owned());
    Some((
        mode,
        ServiceRequestRow {
            service_code: text_of(&view, "service_code").unwrap_or_default(),
            id,
            status,
            requested_at,
            seq: e.seq,
            view: view.to_string(),
        },
    ))
}

/// A submitted report as GeoReport shows it before its plugin has seen it.
fn submitted_view(id: &str, d: &Map<String, Value>, requested_at: &Timestamp) -> Value {
    let get = |k: &str| d.get(k).cloned().unwrap_or(Value::Null);
    let at = requested_at.as_str();
    json!({
        "service_request_id": id,
        "status": "open",
        "status_notes": null,
        "service_name": get("service_name"),
        "service_code": get("service_code"),
        "description": get("description"),
        "agency_responsible": null,
        "service_notice": null,
        "requested_datetime": at,
        "updated_datetime": at,
        "expected_datetime": null,
        "address": d.get("address").or_else(|| d.get("address_string")).cloned().unwrap_or(Value::Null),
        "address_id": get("address_id"),
        "zipcode": get("zipcode"),
        "lat": get("lat"),
        "long": get("long"),
        "media_url": get("media_url"),
    })
}

fn text(d: &Map<String, Value>, k: &str) -> Option<String> {
    d.get(k).and_then(Value::as_str).map(str::to_owned)
}

fn text_of(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use cityhub_cloudevents::{CloudEvent, EventType};

    use super::*;

    fn stored(ty: &str, data: Value) -> StoredEvent {
        let mut e = CloudEvent::new("e1", "/test", EventType::new(ty).unwrap());
        e.subject = Some("r-1".into());
        e.data = Some(bytes::Bytes::from(data.to_string()));
        StoredEvent {
            seq: 9,
            recorded_at: Timestamp::parse("2026-11-27T01:00:00Z").unwrap(),
            origin: None,
            event: e,
        }
    }

    #[test]
    fn a_submission_creates_an_open_request_without_contact() {
        let e = stored(
            SUBMITTED,
            json!({"service_request_id": "r-1", "service_code": "o-ga",
                   "description": "Ổ gà sâu trên QL4A", "address_string": "Km 12, Cao Lộc",
                   "requested_datetime": "2026-11-27T08:00:00+07:00",
                   "contact": {"email": "a@b.vn", "phone": "0912"}}),
        );
        let (mode, row) = change(&e).unwrap();
        assert_eq!(mode, ProjectionMode::Create);
        assert_eq!(
            (row.id.as_str(), row.status.as_str(), row.seq),
            ("r-1", "open", 9)
        );
        assert_eq!(row.requested_at.as_str(), "2026-11-27T08:00:00+07:00");
        let v: Value = serde_json::from_str(&row.view).unwrap();
        assert_eq!(v["description"], "Ổ gà sâu trên QL4A");
        assert_eq!(v["address"], "Km 12, Cao Lộc");
        assert_eq!(v["agency_responsible"], Value::Null);
        assert!(!row.view.contains("a@b.vn") && !row.view.contains("contact"));
    }

    #[test]
    fn a_request_view_replaces_and_unknown_or_broken_events_are_skipped() {
        let e = stored(
            REQUEST,
            json!({"service_code": "o-ga", "status": "closed", "agency_responsible": "Sở GTVT",
                   "email": "x@y.vn", "requested_datetime": "2026-11-27T08:00:00+07:00"}),
        );
        let (mode, row) = change(&e).unwrap();
        assert_eq!(mode, ProjectionMode::Replace);
        assert_eq!((row.id.as_str(), row.status.as_str()), ("r-1", "closed"));
        assert!(row.view.contains("Sở GTVT") && !row.view.contains("x@y.vn"));
        assert!(change(&stored("city.traffic.reading", json!({}))).is_none());
        assert!(change(&stored(REQUEST, json!([1, 2]))).is_none());
    }
}
