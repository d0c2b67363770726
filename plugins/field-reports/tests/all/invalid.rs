//! Malformed input fails the batch with an invalid-input error naming the
//! event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{harness, report, report_data, submitted, time, update_data};

/// The error for `bad`, handled after a good report in the same batch.
fn error_for(bad: TestEvent) -> cityhub_sdk::Error {
    let mut h = harness();
    let err = h
        .handle(&[report("LS-ok", "pothole", &time(0)), bad.id("bad-1")])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("bad-1"));
    assert!(
        h.state().is_empty(),
        "the good report's writes are dropped with the batch"
    );
    err
}

fn report_with(field: &str, value: Value) -> TestEvent {
    let mut d = report_data("LS-1", Some("pothole"), "Ổ gà", &time(5));
    d[field] = value;
    submitted(d)
}

fn report_without(fields: &[&str]) -> TestEvent {
    let mut d = report_data("LS-1", Some("pothole"), "Ổ gà", &time(5));
    for f in fields {
        d.as_object_mut().unwrap().remove(*f);
    }
    submitted(d)
}

#[test]
fn a_report_needs_an_id_matching_its_subject() {
    let err = error_for(report_without(&["service_request_id"]).subject("LS-1"));
    assert!(
        err.message()
            .starts_with("`data`: missing field `service_request_id`"),
        "{err}"
    );
    let err = error_for(report_with("service_request_id", json!("  ")).subject("  "));
    assert!(
        err.message()
            .starts_with("`data.service_request_id` must be 1 to 252 bytes"),
        "{err}"
    );
    let err = error_for(
        report_with("service_request_id", json!("x".repeat(253))).subject("x".repeat(253)),
    );
    assert!(err.message().contains("got 253 bytes"), "{err}");
    let err = error_for(report("LS-1", "pothole", &time(5)).subject("LS-2"));
    assert_eq!(
        err.message(),
        "`data.service_request_id` (\"LS-1\") is not the event's `subject` (\"LS-2\"): they must be the same request id"
    );
}

#[test]
fn coordinates_must_be_a_place_on_earth_and_come_in_pairs() {
    let err = error_for(report_with("lat", json!(106.7)));
    assert_eq!(
        err.message(),
        "`data.lat` must be a latitude, -90 to 90, got 106.7"
    );
    let err = error_for(report_with("long", json!(-200)));
    assert_eq!(
        err.message(),
        "`data.long` must be a longitude, -180 to 180, got -200"
    );
    let err = error_for(report_with("lat", json!("bắc")));
    assert!(
        err.message()
            .starts_with("`data.lat`: invalid value: string \"bắc\", expected a number of degrees"),
        "{err}"
    );
    let err = error_for(report_with("long", json!(true)));
    assert!(
        err.message()
            .starts_with("`data.long`: invalid type: boolean"),
        "{err}"
    );
    let err = error_for(report_without(&["long"]));
    assert_eq!(
        err.message(),
        "`data.long` is missing: `lat` and `long` come together"
    );
}

#[test]
fn a_report_needs_a_location() {
    let err = error_for(report_without(&["lat", "long", "address_string"]));
    assert_eq!(
        err.message(),
        "`data` has no location: give `lat` and `long`, `address_string` or `address_id` (Open311 GeoReport v2 needs one)"
    );
}

#[test]
fn times_must_be_rfc3339() {
    let err = error_for(report_with("requested_datetime", json!("27/11/2026 08:00")));
    assert!(
        err.message()
            .starts_with("`data.requested_datetime` must be an RFC 3339 date-time"),
        "{err}"
    );
    let mut no_time = report_without(&["requested_datetime"]);
    no_time.time = None;
    let err = error_for(no_time);
    assert_eq!(
        err.message(),
        "`data.requested_datetime` is missing and the event has no `time`: give one of them"
    );
    let err = error_for(report("LS-1", "pothole", &time(5)).time("hôm nay"));
    assert_eq!(
        err.message(),
        "`time` must be an RFC 3339 date-time, got \"hôm nay\""
    );
}

#[test]
fn wrong_types_name_the_field() {
    let err = error_for(report_with("description", json!(42)));
    assert!(
        err.message()
            .starts_with("`data.description`: invalid type: integer `42`"),
        "{err}"
    );
    let err = error_for(report_with("service_code", json!(["pothole"])));
    assert!(
        err.message()
            .starts_with("`data.service_code`: invalid type: sequence"),
        "{err}"
    );
}

#[test]
fn an_update_needs_a_known_status_and_a_time() {
    let base =
        || json!({"service_request_id": "LS-1", "status": "closed", "updated_datetime": time(9)});
    let mut d = base();
    d["status"] = "resolved".into();
    let err = error_for(update_data(d));
    assert!(
        err.message()
            .starts_with("`data.status`: unknown variant `resolved`, expected `open` or `closed`"),
        "{err}"
    );
    let mut d = base();
    d["updated_datetime"] = "soon".into();
    let err = error_for(update_data(d));
    assert!(
        err.message()
            .starts_with("`data.updated_datetime` must be an RFC 3339 date-time"),
        "{err}"
    );
    let mut d = base();
    d.as_object_mut().unwrap().remove("updated_datetime");
    let err = error_for(update_data(d).time(time(9)));
    assert!(
        err.message()
            .starts_with("`data`: missing field `updated_datetime`"),
        "{err}"
    );
    let mut d = base();
    d["agency_responsible"] = " ".into();
    let err = error_for(update_data(d));
    assert_eq!(
        err.message(),
        "`data.agency_responsible` is blank: name the agency the request is handed to, or leave it out"
    );
}

#[test]
fn a_tick_needs_a_time() {
    let tick = TestEvent::new("cityhub.clock.tick").json(&json!({"now": "later"}));
    let err = error_for(tick);
    assert!(
        err.message()
            .starts_with("`data.now` must be an RFC 3339 date-time"),
        "{err}"
    );
    let tick = TestEvent::new("cityhub.clock.tick").json(&json!({}));
    let err = error_for(tick);
    assert!(
        err.message().starts_with("`data`: missing field `now`"),
        "{err}"
    );
}

#[test]
fn missing_or_non_json_data_is_refused() {
    let err = error_for(TestEvent::new("city.fieldreport.submitted"));
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
    let err = error_for(TestEvent::new("city.fieldreport.progress").data(
        "service_request_id=LS-1",
        "application/x-www-form-urlencoded",
    ));
    assert!(err.message().starts_with("`data`: expected value"), "{err}");
}

#[test]
fn unreadable_request_state_is_logged_and_the_report_taken_afresh() {
    let mut h = harness();
    h.state_mut()
        .insert("req/LS-1", b"{\"status\":\"half\"}".to_vec());
    let out = h.handle(&[report("LS-1", "pothole", &time(0))]).unwrap();
    assert_eq!(crate::support::requests(&out).len(), 1);
    let log = &h.logs()[0];
    assert_eq!(log.message, "request state unreadable, treated as absent");
    assert_eq!(log.field("key"), Some("req/LS-1"));
}
