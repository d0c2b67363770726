//! Malformed events fail the batch with an invalid-input error naming the
//! event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{at, data, harness, simple};

/// The error for one dossier event whose data is `data`, after a good one.
fn error_for(data: Value) -> cityhub_sdk::Error {
    let mut h = harness();
    let events = [
        simple("LS-0001", "received", &at(20, 8)),
        TestEvent::new("city.admin.dossier").id("bad-1").json(&data),
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
    let mut d = data("LS-0042", "processing", &at(21, 9));
    d[field] = value;
    d
}

#[test]
fn a_wrong_type_or_unknown_status_names_the_field() {
    let err = error_for(with("status", json!("lost")));
    assert!(
        err.message()
            .starts_with("`data.status`: unknown variant `lost`, expected one of"),
        "{err}"
    );
    let err = error_for(with("dossierId", json!(42)));
    assert!(
        err.message()
            .starts_with("`data.dossierId`: invalid type: integer `42`"),
        "{err}"
    );
}

#[test]
fn a_missing_field_is_named() {
    let mut d = data("LS-0042", "processing", &at(21, 9));
    d.as_object_mut().unwrap().remove("dueAt");
    let err = error_for(d);
    assert!(
        err.message().starts_with("`data`: missing field `dueAt`"),
        "{err}"
    );
}

#[test]
fn empty_names_are_refused() {
    let err = error_for(with("dossierId", json!("")));
    assert_eq!(
        err.message(),
        "`data.dossierId` must be 1 to 248 bytes and not blank, got 0 bytes"
    );
    let err = error_for(with("agency", json!("  ")));
    assert_eq!(
        err.message(),
        "`data.agency` must be 1 to 249 bytes and not blank, got 2 bytes"
    );
    let err = error_for(with("dossierId", json!("x".repeat(249))));
    assert!(
        err.message()
            .starts_with("`data.dossierId` must be 1 to 248 bytes"),
        "{err}"
    );
}

#[test]
fn times_must_be_rfc3339_and_due_after_receipt() {
    let err = error_for(with("dueAt", json!("27/11/2026 17:00")));
    assert_eq!(
        err.message(),
        "`data.dueAt` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"27/11/2026 17:00\""
    );
    let err = error_for(with("observedAt", json!("hôm nay")));
    assert!(
        err.message()
            .starts_with("`data.observedAt` must be an RFC 3339"),
        "{err}"
    );
    let err = error_for(with("dueAt", json!(at(19, 17))));
    assert_eq!(
        err.message(),
        "`data.dueAt` (2026-11-19T17:00:00+07:00) is before `data.receivedAt` (2026-11-20T08:00:00+07:00): a dossier falls due after it is received"
    );
}

#[test]
fn a_bad_tick_names_now() {
    let mut h = harness();
    let err = h
        .handle(&[TestEvent::new("cityhub.clock.tick")
            .id("t-1")
            .json(&json!({"now": "soon"}))])
        .unwrap_err();
    assert_eq!(err.event_id(), Some("t-1"));
    assert!(
        err.message()
            .starts_with("`data.now` must be an RFC 3339 date-time"),
        "{err}"
    );
    let err = h
        .handle(&[TestEvent::new("cityhub.clock.tick")
            .id("t-2")
            .json(&json!({}))])
        .unwrap_err();
    assert!(
        err.message().starts_with("`data`: missing field `now`"),
        "{err}"
    );
}

#[test]
fn missing_or_non_json_data_is_refused() {
    let mut h = harness();
    let err = h
        .handle(&[TestEvent::new("city.admin.dossier").id("empty")])
        .unwrap_err();
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
    let err = h
        .handle(&[TestEvent::new("city.admin.dossier")
            .id("csv")
            .data("LS-0042,completed", "text/csv")])
        .unwrap_err();
    assert_eq!(err.event_id(), Some("csv"));
}
