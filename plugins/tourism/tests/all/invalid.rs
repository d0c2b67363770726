//! Malformed inputs fail the batch with an invalid-input error naming the
//! event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{event_data, harness, mau_son, occupancy_data, visitors_data};

fn error_for(ty: &str, data: Value) -> String {
    let mut h = harness();
    let events = [mau_son(3000, 0), TestEvent::new(ty).id("bad-1").json(&data)];
    let err = h.handle(&events).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("bad-1"));
    assert!(
        h.state().is_empty(),
        "the good event's writes are dropped with the batch"
    );
    err.message().to_owned()
}

fn with(mut data: Value, field: &str, value: Value) -> Value {
    data[field] = value;
    data
}

#[test]
fn visitor_counts_are_checked() {
    let d = || visitors_data("mau-son", "Khu du lịch Mẫu Sơn", 10, 5);
    let err = error_for("city.tourism.visitors", with(d(), "present", json!(-3)));
    assert!(err.starts_with("`data.present`: invalid value"), "{err}");
    assert_eq!(
        error_for("city.tourism.visitors", with(d(), "site", json!(""))),
        "`data.site` must be 1 to 64 bytes and not blank, got 0 bytes"
    );
    let err = error_for(
        "city.tourism.visitors",
        with(d(), "observedAt", json!("9h sáng")),
    );
    assert!(
        err.starts_with("`data.observedAt` must be an RFC 3339 date-time"),
        "{err}"
    );
    let mut missing = d();
    missing.as_object_mut().unwrap().remove("siteName");
    let err = error_for("city.tourism.visitors", missing);
    assert!(err.starts_with("`data`: missing field `siteName`"), "{err}");
}

#[test]
fn occupancy_reports_are_checked() {
    let d = || occupancy_data("ks-a", "Cao Lộc", 50, 25, 5);
    assert_eq!(
        error_for(
            "city.tourism.occupancy",
            with(d(), "roomsOccupied", json!(51))
        ),
        "`data.roomsOccupied` (51) must not exceed `roomsTotal` (50)"
    );
    assert_eq!(
        error_for("city.tourism.occupancy", with(d(), "roomsTotal", json!(0))),
        "`data.roomsTotal` must be 1 to 10000 rooms, got 0"
    );
    assert_eq!(
        error_for("city.tourism.occupancy", with(d(), "district", json!(" "))),
        "`data.district` must be 1 to 64 bytes and not blank, got 1 bytes"
    );
}

#[test]
fn events_are_checked() {
    let d = || event_data("le-hoi", "Lễ hội Mùa đông Mẫu Sơn", "mau-son", 60, 120);
    assert_eq!(
        error_for(
            "city.tourism.event",
            with(d(), "endsAt", json!("2026-11-27T08:00:00+07:00"))
        ),
        "`data.endsAt` (2026-11-27T01:00:00Z) must be after `startsAt` (2026-11-27T01:00:00Z)"
    );
    let err = error_for(
        "city.tourism.event",
        with(d(), "expectedVisitors", json!("đông")),
    );
    assert!(
        err.starts_with("`data.expectedVisitors`: invalid type"),
        "{err}"
    );
    assert_eq!(
        error_for("city.tourism.event", with(d(), "eventId", json!(""))),
        "`data.eventId` must be 1 to 128 bytes and not blank, got 0 bytes"
    );
}

#[test]
fn ticks_missing_data_and_other_types() {
    assert!(
        error_for("cityhub.clock.tick", json!({"now": "soon"}))
            .starts_with("`data.now` must be an RFC 3339 date-time")
    );
    let mut h = harness();
    let err = h
        .handle(&[TestEvent::new("city.tourism.visitors").id("empty")])
        .unwrap_err();
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
    let out = h
        .handle(&[TestEvent::new("city.tourism.review").id("x-1")])
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(h.logs()[0].field("type"), Some("city.tourism.review"));
}
