//! Malformed directives and ticks fail the batch with an invalid-input
//! error naming the event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{at, data, harness, simple};

fn error_for(data: Value) -> cityhub_sdk::Error {
    let mut h = harness();
    let events = [
        simple("CD-2026-001", "assigned", &at(25, 9)),
        TestEvent::new("city.reporting.directive")
            .id("bad-1")
            .json(&data),
    ];
    let err = h.handle(&events).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("bad-1"));
    assert!(
        h.state().is_empty(),
        "the good event's writes are dropped with the batch"
    );
    err
}

fn with(field: &str, value: Value) -> Value {
    let mut d = data("CD-2026-118", "in-progress", &at(25, 16));
    d[field] = value;
    d
}

#[test]
fn wrong_types_unknown_statuses_and_missing_fields_are_named() {
    let err = error_for(with("status", json!("overdue")));
    assert!(
        err.message()
            .starts_with("`data.status`: unknown variant `overdue`, expected one of"),
        "{err}"
    );
    let err = error_for(with("title", json!("Phân luồng xe")));
    assert!(
        err.message()
            .starts_with("`data.title`: invalid type: string"),
        "{err}"
    );
    let mut d = data("CD-2026-118", "in-progress", &at(25, 16));
    d.as_object_mut().unwrap().remove("deadline");
    assert!(
        error_for(d)
            .message()
            .starts_with("`data`: missing field `deadline`")
    );
}

#[test]
fn empty_texts_are_refused() {
    assert_eq!(
        error_for(with("directiveId", json!(""))).message(),
        "`data.directiveId` must be 1 to 246 bytes and not blank, got 0 bytes"
    );
    let err = error_for(with("title", json!({"vi": "Phân luồng xe", "en": ""})));
    assert_eq!(
        err.message(),
        "`data.title.en` must be 1 to 2048 bytes and not blank, got 0 bytes"
    );
    let err = error_for(with("issuedBy", json!(" ")));
    assert_eq!(
        err.message(),
        "`data.issuedBy` must be 1 to 512 bytes and not blank, got 1 bytes"
    );
}

#[test]
fn times_must_be_rfc3339_and_the_deadline_after_issue() {
    let err = error_for(with("deadline", json!("26/11/2026")));
    assert_eq!(
        err.message(),
        "`data.deadline` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"26/11/2026\""
    );
    let err = error_for(with("deadline", json!(at(24, 17))));
    assert_eq!(
        err.message(),
        "`data.deadline` (2026-11-24T17:00:00+07:00) is before `data.issuedAt` (2026-11-25T09:00:00+07:00): a directive falls due after it is issued"
    );
}

#[test]
fn bad_ticks_and_missing_data_are_refused() {
    let mut h = harness();
    let err = h
        .handle(&[TestEvent::new("cityhub.clock.tick")
            .id("t-1")
            .json(&json!({"now": "soon"}))])
        .unwrap_err();
    assert!(
        err.message()
            .starts_with("`data.now` must be an RFC 3339 date-time"),
        "{err}"
    );
    let err = h
        .handle(&[TestEvent::new("city.reporting.directive").id("e")])
        .unwrap_err();
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
}
