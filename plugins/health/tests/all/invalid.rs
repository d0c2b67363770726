//! Malformed inputs fail the batch with an invalid-input error naming the
//! event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{BV_TINH, beds, beds_data, call_data, case_data, harness};

/// The error message for one `ty` event whose data is `data`, after a good
/// count that would have written state.
fn error_for(ty: &str, data: Value) -> String {
    let mut h = harness();
    let events = [beds(522, 0), TestEvent::new(ty).id("bad-1").json(&data)];
    let err = h.handle(&events).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("bad-1"));
    assert!(
        h.state().is_empty(),
        "the good event's state is dropped with the batch"
    );
    err.message().to_owned()
}

fn with(mut data: Value, field: &str, value: Value) -> Value {
    data[field] = value;
    data
}

fn bed_count() -> Value {
    beds_data("bvdk-tinh", BV_TINH, 560, 522, 10)
}

#[test]
fn missing_fields_are_named() {
    let inputs = [
        (
            "city.health.beds",
            bed_count(),
            &[
                "hospital",
                "hospitalName",
                "bedsTotal",
                "bedsOccupied",
                "observedAt",
            ][..],
        ),
        (
            "city.health.emergency-call",
            call_data("c1", "Cao Lộc", 10),
            &["callId", "district", "category", "location", "receivedAt"],
        ),
        (
            "city.health.case-report",
            case_data("k1", "Sởi", "Bắc Sơn", 10),
            &["caseId", "disease", "district", "reportedAt"],
        ),
    ];
    for (ty, data, fields) in inputs {
        for field in fields {
            let mut d = data.clone();
            d.as_object_mut().unwrap().remove(*field);
            let err = error_for(ty, d);
            assert!(
                err.starts_with(&format!("`data`: missing field `{field}`")),
                "{ty}: {err}"
            );
        }
    }
}

#[test]
fn wrong_types_and_impossible_counts_are_named() {
    let err = error_for(
        "city.health.beds",
        with(bed_count(), "bedsOccupied", json!(-3)),
    );
    assert!(
        err.starts_with("`data.bedsOccupied`: invalid value: integer `-3`"),
        "{err}"
    );
    let err = error_for(
        "city.health.beds",
        with(bed_count(), "bedsTotal", json!("560")),
    );
    assert!(
        err.starts_with("`data.bedsTotal`: invalid type: string"),
        "{err}"
    );
    assert_eq!(
        error_for("city.health.beds", with(bed_count(), "bedsTotal", json!(0))),
        "`data.bedsTotal` must be at least 1: a hospital without beds in service reports none"
    );
    assert_eq!(
        error_for(
            "city.health.beds",
            with(bed_count(), "hospitalName", json!("  "))
        ),
        "`data.hospitalName` must not be blank"
    );
}

#[test]
fn blank_or_overlong_names_are_refused() {
    assert_eq!(
        error_for("city.health.beds", with(bed_count(), "hospital", json!(""))),
        "`data.hospital` must be 1 to 200 bytes and not blank, got 0 bytes"
    );
    assert_eq!(
        error_for(
            "city.health.case-report",
            with(
                case_data("k1", "Sởi", "Bắc Sơn", 0),
                "disease",
                json!("x".repeat(201))
            )
        ),
        "`data.disease` must be 1 to 200 bytes and not blank, got 201 bytes"
    );
    assert_eq!(
        error_for(
            "city.health.emergency-call",
            with(call_data("c1", "Cao Lộc", 0), "district", json!(" "))
        ),
        "`data.district` must be 1 to 200 bytes and not blank, got 1 bytes"
    );
}

#[test]
fn times_must_be_rfc3339() {
    assert_eq!(
        error_for(
            "city.health.beds",
            with(bed_count(), "observedAt", json!("27/11/2026 07:00"))
        ),
        "`data.observedAt` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"27/11/2026 07:00\""
    );
    let err = error_for(
        "city.health.case-report",
        with(
            case_data("k1", "Sởi", "Bắc Sơn", 0),
            "reportedAt",
            json!("hôm qua"),
        ),
    );
    assert!(
        err.starts_with("`data.reportedAt` must be an RFC 3339"),
        "{err}"
    );
    let err = error_for(
        "city.health.emergency-call",
        with(call_data("c1", "Cao Lộc", 0), "receivedAt", json!(20261127)),
    );
    assert!(
        err.starts_with("`data.receivedAt`: invalid type: integer"),
        "{err}"
    );
    let err = error_for("cityhub.clock.tick", json!({"now": "soon"}));
    assert!(err.starts_with("`data.now` must be an RFC 3339"), "{err}");
    let err = error_for("cityhub.clock.tick", json!({}));
    assert!(err.starts_with("`data`: missing field `now`"), "{err}");
}

#[test]
fn a_bad_call_location_is_named() {
    let call = call_data("c1", "Cao Lộc", 0);
    let err = error_for(
        "city.health.emergency-call",
        with(
            call.clone(),
            "location",
            json!({"type": "Point", "coordinates": [21.9, 106.7]}),
        ),
    );
    assert_eq!(
        err,
        "`data.location.coordinates` must be [longitude, latitude], got [21.9, 106.7]"
    );
    let err = error_for(
        "city.health.emergency-call",
        with(
            call,
            "location",
            json!({"type": "Polygon", "coordinates": [106.7, 21.9]}),
        ),
    );
    assert_eq!(
        err,
        "`data.location.type` must be \"Point\", got \"Polygon\""
    );
}

#[test]
fn missing_or_non_json_data_is_refused() {
    let mut h = harness();
    let err = h
        .handle(&[TestEvent::new("city.health.beds").id("empty")])
        .unwrap_err();
    assert_eq!(err.event_id(), Some("empty"));
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
    let err = h
        .handle(&[TestEvent::new("city.health.case-report")
            .id("csv")
            .data("k1,Sởi,Bắc Sơn", "text/csv")])
        .unwrap_err();
    assert_eq!(err.event_id(), Some("csv"));
    assert!(err.message().starts_with("`data`: expected value"), "{err}");
}

#[test]
fn other_event_types_are_skipped_with_a_warning() {
    let mut h = harness();
    let out = h
        .handle(&[TestEvent::new("city.traffic.reading").id("x-1")])
        .unwrap();
    assert!(out.is_empty());
    let log = &h.logs()[0];
    assert_eq!(log.message, "event skipped: not a health input");
    assert_eq!(log.field("type"), Some("city.traffic.reading"));
    assert_eq!(log.field("event"), Some("x-1"));
}

#[test]
fn unreadable_state_is_logged_and_started_afresh() {
    let mut h = harness();
    h.state_mut()
        .insert("hospital/bvdk-tinh", b"{\"ratio\": \"full\"}".to_vec());
    h.state_mut().insert("calls", b"[]".to_vec());
    let out = h.handle(&[beds(522, 0)]).unwrap();
    assert_eq!(out.len(), 2, "indicator and a fresh alert");
    let keys: Vec<_> = h.logs().iter().filter_map(|l| l.field("key")).collect();
    assert_eq!(keys, ["calls", "hospital/bvdk-tinh"]);
    assert_eq!(h.state().get("calls"), None, "the empty window replaces it");
}
