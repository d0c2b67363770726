//! Malformed inputs fail the batch with an invalid-input error naming the
//! event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{
    alert_data, harness, indicator, indicator_data, queue_data, request_data, volume_data,
};

/// The error message for one event of type `ty` with `data`, after a good
/// indicator that would have emitted a KPI.
fn error_for(ty: &str, data: Value) -> String {
    let mut h = harness();
    let events = [
        indicator("health", "bed-occupancy", "bvdk-tinh", 0.9, "ratio", 0),
        TestEvent::new(ty).id("bad-1").json(&data),
    ];
    let err = h.handle(&events).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("bad-1"));
    assert!(
        h.state().is_empty(),
        "the good event's state must be dropped with the batch"
    );
    err.message().to_owned()
}

fn with(mut data: Value, field: &str, value: Value) -> Value {
    data[field] = value;
    data
}

fn without(mut data: Value, field: &str) -> Value {
    data.as_object_mut().unwrap().remove(field);
    data
}

#[test]
fn malformed_indicators_are_named() {
    let ty = "city.health.indicator";
    let good = || indicator_data("bed-occupancy", "bvdk-tinh", 0.5, "ratio", 0);
    let err = error_for(ty, with(good(), "value", json!("cao")));
    assert!(
        err.starts_with("`data.value`: invalid type: string \"cao\""),
        "{err}"
    );
    let err = error_for(ty, with(good(), "unit", json!("percent")));
    assert!(
        err.starts_with("`data.unit`: unknown variant `percent`"),
        "{err}"
    );
    let err = error_for(ty, without(good(), "scope"));
    assert!(err.starts_with("`data`: missing field `scope`"), "{err}");
    assert_eq!(
        error_for(ty, with(good(), "value", json!(1.2))),
        "`data.value` must be 0 to 1 for the unit `ratio`, got 1.2"
    );
    assert_eq!(
        error_for(ty, with(good(), "value", json!(-1))),
        "`data.value` must be 0 or more, got -1"
    );
    assert_eq!(
        error_for(ty, with(good(), "indicator", json!("beds/occupied"))),
        "`data.indicator` must not contain `/`, got \"beds/occupied\""
    );
    assert_eq!(
        error_for(ty, with(good(), "scope", json!(""))),
        "`data.scope` must be 1 to 256 bytes, got 0"
    );
    let err = error_for(ty, with(good(), "scope", json!("x".repeat(240))));
    assert!(
        err.starts_with("`data.scope` is too long: the KPI id `kpi/<sector>/<indicator>/<scope>` must fit in 256 bytes"),
        "{err}"
    );
    assert_eq!(
        error_for(ty, with(good(), "observedAt", json!("27/11/2026"))),
        "`data.observedAt` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"27/11/2026\""
    );
}

#[test]
fn malformed_alerts_are_named() {
    let ty = "city.health.alert";
    let good = || alert_data("health/capacity/bvdk-tinh", "open", "health", 0);
    let err = error_for(ty, with(good(), "status", json!("closed")));
    assert!(
        err.starts_with("`data.status`: unknown variant `closed`"),
        "{err}"
    );
    let err = error_for(ty, with(good(), "severity", json!("urgent")));
    assert!(
        err.starts_with("`data.severity`: unknown variant `urgent`"),
        "{err}"
    );
    let err = error_for(ty, without(good(), "title"));
    assert!(err.starts_with("`data`: missing field `title`"), "{err}");
    assert_eq!(
        error_for(ty, with(good(), "alertId", json!(""))),
        "`data.alertId` must be 1 to 200 bytes, got 0"
    );
    assert_eq!(
        error_for(
            ty,
            with(
                good(),
                "location",
                json!({"type": "Point", "coordinates": [21.85, 106.76]})
            )
        ),
        "`data.location.coordinates` must be [longitude, latitude], got [21.85, 106.76]"
    );
}

#[test]
fn malformed_border_queues_are_named() {
    let ty = "city.traffic.border-queue";
    let good = || queue_data("huu-nghi", 2400, 120.0, 0);
    let err = error_for(ty, with(good(), "trend", json!("rising")));
    assert!(
        err.starts_with("`data.trend`: unknown variant `rising`, expected one of `growing`, `steady`, `shrinking`"),
        "{err}"
    );
    let err = error_for(ty, without(good(), "gateName"));
    assert!(err.starts_with("`data`: missing field `gateName`"), "{err}");
    assert_eq!(
        error_for(ty, with(good(), "queueLength", json!(-5))),
        "`data.queueLength` must be 0 or more, got -5"
    );
    assert_eq!(
        error_for(ty, with(good(), "road", json!(""))),
        "`data.road` must be 1 to 248 bytes, got 0"
    );
    assert_eq!(
        error_for(
            ty,
            with(good(), "gateName", json!({"vi": "", "en": "Hữu Nghị"}))
        ),
        "`data.gateName.vi` is empty"
    );
    assert_eq!(
        error_for(
            ty,
            with(
                good(),
                "location",
                json!({"type": "LineString", "coordinates": [106.7, 21.98]})
            )
        ),
        "`data.location.type` must be \"Point\", got \"LineString\""
    );
}

#[test]
fn malformed_gate_volumes_are_named() {
    let ty = "city.ecommerce.gate-volume";
    let good = || volume_data("huu-nghi", 3100.0, 0);
    assert_eq!(
        error_for(ty, with(good(), "perishableWaitingTonnes", json!(-1.5))),
        "`data.perishableWaitingTonnes` must be 0 or more, got -1.5"
    );
    assert_eq!(
        error_for(ty, with(good(), "gate", json!(""))),
        "`data.gate` must be 1 to 251 bytes, got 0"
    );
    let err = error_for(ty, without(good(), "observedAt"));
    assert!(
        err.starts_with("`data`: missing field `observedAt`"),
        "{err}"
    );
}

#[test]
fn malformed_requests_are_named() {
    let ty = "city.fieldreport.request";
    let good = || request_data("ls-1", Some("QL1A"), 0, 5);
    let err = error_for(ty, with(good(), "status", json!("pending")));
    assert!(
        err.starts_with("`data.status`: unknown variant `pending`"),
        "{err}"
    );
    let err = error_for(ty, with(good(), "service_request_id", json!(42)));
    assert!(
        err.starts_with("`data.service_request_id`: invalid type: integer `42`"),
        "{err}"
    );
    assert_eq!(
        error_for(ty, with(good(), "road", json!(""))),
        "`data.road` must be 1 to 248 bytes, got 0"
    );
    assert_eq!(
        error_for(ty, with(good(), "requested_datetime", json!("hôm qua"))),
        "`data.requested_datetime` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"hôm qua\""
    );
}

#[test]
fn malformed_ticks_and_missing_data_are_refused() {
    assert_eq!(
        error_for("cityhub.clock.tick", json!({"now": "soon"})),
        "`data.now` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"soon\""
    );
    let mut h = harness();
    let err = h
        .handle(&[TestEvent::new("city.traffic.border-queue").id("empty")])
        .unwrap_err();
    assert_eq!(err.event_id(), Some("empty"));
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
}
