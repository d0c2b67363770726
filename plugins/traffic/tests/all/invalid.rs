//! Malformed readings fail the batch with an invalid-input error naming the
//! event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{count_data, data, harness, incident_data, readings};

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

/// The error for one event of type `ty` with `data`, after a good reading.
fn error_of(ty: &str, data: Value) -> String {
    let mut h = harness();
    let mut events = readings("QL1A-km2", &[30.0], 5);
    events.push(TestEvent::new(ty).id("bad-2").json(&data));
    let err = h.handle(&events).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("bad-2"));
    assert!(h.state().is_empty(), "the batch commits nothing");
    err.message().to_owned()
}

fn report_with(field: &str, value: Value) -> String {
    let mut d = incident_data("i-1", "accident", "QL1A", "active", 10);
    if value.is_null() {
        d.as_object_mut().unwrap().remove(field);
    } else {
        d[field] = value;
    }
    error_of("city.traffic.incident-report", d)
}

fn count_with(field: &str, value: Value) -> String {
    let mut d = count_data("huu-nghi", 2400, 85, 10);
    if value.is_null() {
        d.as_object_mut().unwrap().remove(field);
    } else {
        d[field] = value;
    }
    error_of("city.traffic.gate-count", d)
}

#[test]
fn a_bad_incident_report_names_the_field() {
    let err = report_with("category", json!("traffic-jam"));
    assert!(
        err.starts_with("`data.category`: unknown variant `traffic-jam`, expected one of `accident`, `breakdown`, `roadworks`, `landslide`, `flooding`"),
        "{err}"
    );
    let err = report_with("status", json!("open"));
    assert!(
        err.starts_with("`data.status`: unknown variant `open`, expected `active` or `cleared`"),
        "{err}"
    );
    for field in [
        "incidentId",
        "road",
        "location",
        "description",
        "observedAt",
    ] {
        let err = report_with(field, Value::Null);
        assert!(
            err.starts_with(&format!("`data`: missing field `{field}`")),
            "{err}"
        );
    }
    assert_eq!(
        report_with("incidentId", json!("")),
        "`data.incidentId` must be 1 to 247 bytes, got 0"
    );
    assert_eq!(
        report_with("road", json!("")),
        "`data.road` must be 1 to 64 bytes, such as \"QL1A\", got 0"
    );
    assert_eq!(
        report_with("refRoadSegment", json!("")),
        "`data.refRoadSegment` must not be empty: leave it out when the segment is not known"
    );
    assert_eq!(
        report_with(
            "location",
            json!({"type": "Point", "coordinates": [21.96, 106.71]})
        ),
        "`data.location.coordinates` must be [longitude, latitude], got [21.96, 106.71]"
    );
    assert_eq!(
        report_with("observedAt", json!("sáng nay")),
        "`data.observedAt` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"sáng nay\""
    );
    let err = report_with("description", json!({"vi": "Tai nạn"}));
    assert!(
        err.starts_with("`data.description`: invalid type: map"),
        "{err}"
    );
}

#[test]
fn a_bad_gate_count_names_the_field() {
    assert_eq!(
        count_with("gate", json!("lang-son")),
        "`data.gate` names no configured border gate: \"lang-son\"; known gates: `huu-nghi`, `tan-thanh`, `coc-nam`, `chi-ma`, `dong-dang`"
    );
    let err = count_with("trucksWaiting", json!(-3));
    assert!(
        err.starts_with("`data.trucksWaiting`: invalid value: integer `-3`"),
        "{err}"
    );
    let err = count_with("trucksCleared", json!(8.5));
    assert!(
        err.starts_with("`data.trucksCleared`: invalid type: floating point"),
        "{err}"
    );
    assert_eq!(
        count_with("trucksWaiting", json!(250_000)),
        "`data.trucksWaiting` must be 0 to 100000 trucks, got 250000"
    );
    for field in ["gate", "trucksWaiting", "trucksCleared", "observedAt"] {
        let err = count_with(field, Value::Null);
        assert!(
            err.starts_with(&format!("`data`: missing field `{field}`")),
            "{err}"
        );
    }
    assert!(
        count_with("observedAt", json!("2026-11-27 08:00"))
            .starts_with("`data.observedAt` must be an RFC 3339 date-time")
    );
}
