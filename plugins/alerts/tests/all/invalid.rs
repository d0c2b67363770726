//! Malformed congestion events fail the batch with an invalid-input error
//! naming the event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{congestion, data, harness};

/// The error for one congestion event whose data is `data`, after a good
/// one that opens an alert.
fn error_for(data: Value) -> cityhub_sdk::Error {
    let mut h = harness();
    let events = [
        congestion("QL1A-km2", "severe", 10),
        TestEvent::new("city.traffic.congestion")
            .id("bad-1")
            .json(&data),
    ];
    let err = h.handle(&events).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("bad-1"));
    assert!(
        h.state().is_empty(),
        "the good event's alert must be dropped with the batch"
    );
    err
}

fn with(field: &str, value: Value) -> Value {
    let mut d = data("QL4A-km8", "severe", 20);
    d[field] = value;
    d
}

#[test]
fn a_wrong_type_names_the_field() {
    let err = error_for(with("averageVehicleSpeed", json!("slow")));
    assert!(
        err.message()
            .starts_with("`data.averageVehicleSpeed`: invalid type: string \"slow\""),
        "{err}"
    );
}

#[test]
fn a_missing_field_is_named() {
    for field in ["refRoadSegment", "location", "level", "observedAt"] {
        let mut d = data("QL4A-km8", "severe", 20);
        d.as_object_mut().unwrap().remove(field);
        let err = error_for(d);
        assert!(
            err.message()
                .starts_with(&format!("`data`: missing field `{field}`")),
            "{err}"
        );
    }
}

#[test]
fn an_unknown_level_is_named() {
    let err = error_for(with("level", json!("gridlock")));
    assert!(
        err.message().starts_with(
            "`data.level`: unknown variant `gridlock`, expected one of `cleared`, `heavy`, `severe`"
        ),
        "{err}"
    );
}

#[test]
fn a_bad_location_is_named() {
    let err = error_for(with(
        "location",
        json!({"type": "Point", "coordinates": [106.7]}),
    ));
    assert!(
        err.message()
            .starts_with("`data.location.coordinates`: invalid length 1"),
        "{err}"
    );
    let err = error_for(with(
        "location",
        json!({"type": "LineString", "coordinates": [106.7, 21.9]}),
    ));
    assert_eq!(
        err.message(),
        "`data.location.type` must be \"Point\", got \"LineString\""
    );
    let err = error_for(with(
        "location",
        json!({"type": "Point", "coordinates": [21.9, 106.7]}),
    ));
    assert_eq!(
        err.message(),
        "`data.location.coordinates` must be [longitude, latitude], got [21.9, 106.7]"
    );
}

#[test]
fn implausible_values_are_refused() {
    let err = error_for(with("averageVehicleSpeed", json!(-3)));
    assert_eq!(
        err.message(),
        "`data.averageVehicleSpeed` must be 0 to 300 km/h, got -3"
    );
    let err = error_for(with("refRoadSegment", json!("")));
    assert_eq!(
        err.message(),
        "`data.refRoadSegment` must be 1 to 249 bytes, got 0"
    );
    let err = error_for(with("refRoadSegment", json!("x".repeat(250))));
    assert_eq!(
        err.message(),
        "`data.refRoadSegment` must be 1 to 249 bytes, got 250"
    );
}

#[test]
fn congested_must_agree_with_the_level() {
    let err = error_for(with("congested", json!(false)));
    assert_eq!(
        err.message(),
        "`data.congested` must be true when `data.level` is \"severe\""
    );
    let mut d = data("QL4A-km8", "cleared", 20);
    d["congested"] = json!(true);
    assert_eq!(
        error_for(d).message(),
        "`data.congested` must be false when `data.level` is \"cleared\""
    );
}

#[test]
fn observed_at_must_be_rfc3339() {
    let err = error_for(with("observedAt", json!("27/11/2026 07:30")));
    assert_eq!(
        err.message(),
        "`data.observedAt` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"27/11/2026 07:30\""
    );
}

#[test]
fn missing_or_non_json_data_is_refused() {
    let mut h = harness();
    let err = h
        .handle(&[TestEvent::new("city.traffic.congestion").id("empty")])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("empty"));
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
    let err = h
        .handle(&[TestEvent::new("city.traffic.congestion")
            .id("csv")
            .data("QL1A-km2,severe", "text/csv")])
        .unwrap_err();
    assert_eq!(err.event_id(), Some("csv"));
    assert!(err.message().starts_with("`data`: expected value"), "{err}");
}
