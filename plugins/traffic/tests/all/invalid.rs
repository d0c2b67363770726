//! Malformed readings fail the batch with an invalid-input error naming the
//! event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{data, harness, readings};

/// The error for one reading whose data is `data`, after a good one.
fn error_for(data: Value) -> cityhub_sdk::Error {
    let mut h = harness();
    let mut events = readings("QL1A-km2", &[30.0], 5);
    events.push(
        TestEvent::new("city.traffic.reading")
            .id("bad-1")
            .json(&data),
    );
    let err = h.handle(&events).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("bad-1"));
    assert!(
        h.state().is_empty(),
        "the good reading's write must be dropped with the batch"
    );
    err
}

fn with(field: &str, value: Value) -> Value {
    let mut d = data("QL1A-km2", 30.0, 40.0, 10);
    d[field] = value;
    d
}

#[test]
fn a_wrong_type_names_the_field() {
    let err = error_for(with("averageVehicleSpeed", json!("fast")));
    assert!(
        err.message()
            .starts_with("`data.averageVehicleSpeed`: invalid type: string \"fast\""),
        "{err}"
    );
}

#[test]
fn a_missing_field_is_named() {
    let mut d = data("QL1A-km2", 30.0, 40.0, 10);
    d.as_object_mut().unwrap().remove("intensity");
    let err = error_for(d);
    assert!(
        err.message()
            .starts_with("`data`: missing field `intensity`"),
        "{err}"
    );
}

#[test]
fn nested_fields_are_named() {
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
        json!({"type": "Polygon", "coordinates": [106.7, 21.9]}),
    ));
    assert_eq!(
        err.message(),
        "`data.location.type` must be \"Point\", got \"Polygon\""
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
    let err = error_for(with("averageVehicleSpeed", json!(-4)));
    assert_eq!(
        err.message(),
        "`data.averageVehicleSpeed` must be 0 to 300 km/h, got -4"
    );
    let err = error_for(with("intensity", json!(-1)));
    assert_eq!(
        err.message(),
        "`data.intensity` must be a vehicle count of 0 or more, got -1"
    );
    let err = error_for(with("refRoadSegment", json!("")));
    assert_eq!(
        err.message(),
        "`data.refRoadSegment` must be 1 to 248 bytes, got 0"
    );
}

#[test]
fn dates_must_be_rfc3339_and_in_order() {
    let err = error_for(with("dateObservedTo", json!("27/11/2026 07:10")));
    assert!(
        err.message()
            .starts_with("`data.dateObservedTo` must be an RFC 3339 date-time"),
        "{err}"
    );
    let err = error_for(with("dateObservedFrom", json!("2026-11-27T07:30:00+07:00")));
    assert_eq!(
        err.message(),
        "`data.dateObservedTo` (2026-11-27T00:10:00Z) is before `dateObservedFrom` (2026-11-27T00:30:00Z)"
    );
}

#[test]
fn missing_or_non_json_data_is_refused() {
    let mut h = harness();
    let err = h
        .handle(&[TestEvent::new("city.traffic.reading").id("empty")])
        .unwrap_err();
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
    let err = h
        .handle(&[TestEvent::new("city.traffic.reading")
            .id("csv")
            .data("QL1A-km2,30", "text/csv")])
        .unwrap_err();
    assert_eq!(err.event_id(), Some("csv"));
    assert!(err.message().starts_with("`data`: expected value"), "{err}");
}
