//! Agencies' updates: notes, closing, reopening, handing over, redelivery,
//! unknown requests.

use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{
    CITY, CSGT, GTVT, harness, indicators, report, requests, time, types, update, update_data,
};

#[test]
fn an_update_changes_status_and_notes_and_is_published_whole() {
    let mut h = harness();
    h.handle(&[report("LS-1", "pothole", &time(0))]).unwrap();
    let notes = "Đã cử đội duy tu đường bộ kiểm tra hiện trường";
    let out = h
        .handle(&[update("LS-1", "open", Some(notes), &time(90))])
        .unwrap();
    assert_eq!(types(&out), ["request"], "counts unchanged: no indicator");
    assert_eq!(out[0].time.as_deref(), Some(time(90).as_str()));
    let request = &requests(&out)[0];
    assert_eq!(request["status"], "open");
    assert_eq!(request["status_notes"], notes);
    assert_eq!(request["updated_datetime"], time(90));
    assert_eq!(request["requested_datetime"], time(0));

    let out = h
        .handle(&[update("LS-1", "closed", Some("Đã vá ổ gà"), &time(300))])
        .unwrap();
    let request = &requests(&out)[0];
    assert_eq!(request["status"], "closed");
    assert_eq!(request["status_notes"], "Đã vá ổ gà");
    assert_eq!(
        indicators(&out),
        [("open-reports".to_owned(), GTVT.to_owned(), 0.0)]
    );
    // Closing took it off the deadline wheel.
    assert_eq!(h.state().get("due/index"), None);
    assert!(h.state().get("prune/index").is_some());
}

#[test]
fn notes_are_kept_when_an_update_brings_none() {
    let mut h = harness();
    h.handle(&[report("LS-1", "litter", &time(0))]).unwrap();
    h.handle(&[update("LS-1", "open", Some("Đã tiếp nhận"), &time(10))])
        .unwrap();
    let out = h
        .handle(&[update("LS-1", "closed", None, &time(20))])
        .unwrap();
    assert_eq!(requests(&out)[0]["status_notes"], "Đã tiếp nhận");
}

#[test]
fn a_redelivered_or_older_update_emits_nothing() {
    let mut h = harness();
    h.handle(&[report("LS-1", "pothole", &time(0))]).unwrap();
    let closing = update("LS-1", "closed", Some("Đã vá"), &time(60));
    h.handle(std::slice::from_ref(&closing)).unwrap();
    assert!(h.handle(&[closing]).unwrap().is_empty());
    let late = update("LS-1", "open", Some("Đang xử lý"), &time(30));
    assert!(h.handle(&[late]).unwrap().is_empty());
    let stored: Value = h.state().get_json("req/LS-1").unwrap().unwrap();
    assert_eq!(stored["status"], "closed");
    let skipped = h
        .logs()
        .iter()
        .filter(|l| l.message == "update skipped: not newer than the request's last")
        .count();
    assert_eq!(skipped, 2);
}

#[test]
fn an_update_of_an_unknown_request_is_logged_and_skipped() {
    let mut h = harness();
    let out = h
        .handle(&[update("LS-404", "closed", None, &time(0))])
        .unwrap();
    assert!(out.is_empty());
    let log = h.logs().last().unwrap();
    assert!(log.message.starts_with("update skipped: unknown request"));
    assert_eq!(log.field("request"), Some("LS-404"));
    assert_eq!(h.state().keys().collect::<Vec<_>>(), ["clock/now"]);
}

#[test]
fn a_request_handed_over_moves_between_agencies() {
    let mut h = harness();
    h.handle(&[report("LS-1", "illegal-parking", &time(0))])
        .unwrap();
    let out = h
        .handle(&[update_data(json!({
            "service_request_id": "LS-1",
            "status": "open",
            "status_notes": "Lấn chiếm vỉa hè: chuyển UBND thành phố xử lý",
            "updated_datetime": time(30),
            "agency_responsible": "UBND thành phố Lạng Sơn",
        }))])
        .unwrap();
    let request = &requests(&out)[0];
    assert_eq!(request["agency_responsible"], "UBND thành phố Lạng Sơn");
    assert_eq!(
        request["service_notice"],
        "Đã chuyển UBND thành phố Lạng Sơn xử lý trong vòng 12 giờ."
    );
    assert_eq!(
        request["expected_datetime"],
        time(12 * 60),
        "the deadline stays"
    );
    assert_eq!(
        indicators(&out),
        [
            ("open-reports".to_owned(), CSGT.to_owned(), 0.0),
            ("open-reports".to_owned(), CITY.to_owned(), 1.0),
            ("overdue-reports".to_owned(), CITY.to_owned(), 0.0),
        ]
    );
}

#[test]
fn a_reopened_request_counts_again_and_keeps_its_deadline() {
    let mut h = harness();
    h.handle(&[report("LS-1", "traffic-obstruction", &time(0))])
        .unwrap();
    h.handle(&[update("LS-1", "closed", Some("Đã giải tỏa"), &time(60))])
        .unwrap();
    let out = h
        .handle(&[update(
            "LS-1",
            "open",
            Some("Xe hỏng lại chắn đường"),
            &time(120),
        )])
        .unwrap();
    assert_eq!(requests(&out)[0]["status"], "open");
    assert_eq!(
        indicators(&out),
        [("open-reports".to_owned(), CSGT.to_owned(), 1.0)]
    );
    // Its 4-hour deadline still holds: overdue at 12:00.
    let out = h.handle(&[TestEvent::tick(&time(240))]).unwrap();
    assert_eq!(types(&out)[..2], ["overdue", "request"]);
}

#[test]
fn a_request_reopened_after_its_deadline_is_overdue_at_once() {
    let mut h = harness();
    h.handle(&[report("LS-1", "traffic-obstruction", &time(0))])
        .unwrap();
    h.handle(&[update("LS-1", "closed", None, &time(60))])
        .unwrap();
    let out = h
        .handle(&[update("LS-1", "open", Some("Chưa xử lý xong"), &time(300))])
        .unwrap();
    assert_eq!(types(&out)[..3], ["request", "overdue", "request"]);
    let last = &requests(&out)[1];
    assert_eq!(last["overdue"], true);
    assert_eq!(last["status"], "open");
}
