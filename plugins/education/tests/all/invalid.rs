//! Malformed inputs fail the batch with an invalid-input error naming the
//! event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{attendance, attendance_data, harness, incident_data};

fn error_for(ty: &str, data: Value) -> String {
    let mut h = harness();
    let events = [
        attendance(512, 0),
        TestEvent::new(ty).id("bad-1").json(&data),
    ];
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

const ATT: &str = "city.education.attendance";
const INC: &str = "city.education.incident";

#[test]
fn missing_fields_are_named() {
    for field in [
        "school",
        "schoolName",
        "district",
        "enrolled",
        "present",
        "date",
        "observedAt",
    ] {
        let mut d = attendance_data(640, 512, 0);
        d.as_object_mut().unwrap().remove(field);
        let err = error_for(ATT, d);
        assert!(
            err.starts_with(&format!("`data`: missing field `{field}`")),
            "{err}"
        );
    }
    for field in [
        "incidentId",
        "school",
        "schoolName",
        "category",
        "severity",
        "description",
        "observedAt",
    ] {
        let mut d = incident_data("SC-1", "minor", None, 0);
        d.as_object_mut().unwrap().remove(field);
        let err = error_for(INC, d);
        assert!(
            err.starts_with(&format!("`data`: missing field `{field}`")),
            "{err}"
        );
    }
}

#[test]
fn unknown_severities_categories_and_statuses_name_the_allowed_values() {
    let err = error_for(
        INC,
        with(
            incident_data("SC-1", "minor", None, 0),
            "severity",
            json!("nghiêm trọng"),
        ),
    );
    assert!(
        err.starts_with("`data.severity`: unknown variant `nghiêm trọng`, expected one of `minor`, `moderate`, `serious`, `critical`"),
        "{err}"
    );
    let err = error_for(
        INC,
        with(
            incident_data("SC-1", "minor", None, 0),
            "category",
            json!("flood"),
        ),
    );
    assert!(
        err.starts_with("`data.category`: unknown variant `flood`, expected one of `food-poisoning`, `injury`, `violence`, `fire`, `natural-disaster`, `infrastructure`, `other`"),
        "{err}"
    );
    let err = error_for(INC, incident_data("SC-1", "minor", Some("closed"), 0));
    assert!(
        err.starts_with("`data.status`: unknown variant `closed`, expected `open` or `resolved`"),
        "{err}"
    );
}

#[test]
fn impossible_figures_are_refused() {
    assert_eq!(
        error_for(ATT, attendance_data(640, 641, 0)),
        "`data.present` (641) must not exceed `data.enrolled` (640)"
    );
    assert_eq!(
        error_for(ATT, attendance_data(0, 0, 0)),
        "`data.enrolled` must be at least 1"
    );
    let err = error_for(
        ATT,
        with(attendance_data(640, 512, 0), "present", json!(-1)),
    );
    assert!(
        err.starts_with("`data.present`: invalid value: integer `-1`"),
        "{err}"
    );
}

#[test]
fn dates_times_and_names_are_checked() {
    for bad in ["27/11/2026", "2026-11-31", "2026-11-27T08:00:00+07:00", ""] {
        assert_eq!(
            error_for(ATT, with(attendance_data(640, 512, 0), "date", json!(bad))),
            format!("`data.date` must be a date such as 2026-11-27, got {bad:?}")
        );
    }
    assert_eq!(
        error_for(
            INC,
            with(
                incident_data("SC-1", "minor", None, 0),
                "observedAt",
                json!("chiều nay")
            )
        ),
        "`data.observedAt` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"chiều nay\""
    );
    assert_eq!(
        error_for(ATT, with(attendance_data(640, 512, 0), "school", json!(""))),
        "`data.school` must be 1 to 200 bytes and not blank, got 0 bytes"
    );
    assert_eq!(
        error_for(
            INC,
            with(
                incident_data("SC-1", "minor", None, 0),
                "schoolName",
                json!(" ")
            )
        ),
        "`data.schoolName` must not be blank"
    );
}

#[test]
fn missing_data_and_other_types() {
    let mut h = harness();
    let err = h.handle(&[TestEvent::new(INC).id("empty")]).unwrap_err();
    assert_eq!(err.event_id(), Some("empty"));
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
    let out = h
        .handle(&[TestEvent::new("city.health.beds").id("x-1")])
        .unwrap();
    assert!(out.is_empty());
    let log = h.logs().last().unwrap();
    assert_eq!(log.message, "event skipped: not an education input");
    assert_eq!(log.field("type"), Some("city.health.beds"));
}

#[test]
fn unreadable_state_is_logged_and_started_afresh() {
    let mut h = harness();
    h.state_mut()
        .insert("school/thcs-hoang-van-thu", b"{}".to_vec());
    let out = h.handle(&[attendance(512, 0)]).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(h.logs()[0].message, cityhub_sdk::city::UNREADABLE);
    assert_eq!(h.logs()[0].field("key"), Some("school/thcs-hoang-van-thu"));
}
