//! Directives are announced on every change, fall overdue once on the
//! event-time clock, and their alerts resolve when they are done.

use cityhub_plugin_reporting::Record;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{
    alerts, at, data, directive, expect, harness, outputs_of, overdue_counts, simple, statuses,
};

#[test]
fn each_change_is_announced_with_the_whole_directive() {
    let mut h = harness();
    let out = h
        .handle(&[simple("CD-2026-118", "assigned", &at(25, 9))])
        .unwrap();
    assert_eq!(statuses(&out), expect(&[("CD-2026-118", "assigned")]));
    assert_eq!(out[0].subject.as_deref(), Some("CD-2026-118"));
    let status: Value = out[0].json().unwrap();
    assert_eq!(
        status,
        json!({
            "directiveId": "CD-2026-118",
            "title": {
                "vi": "Phân luồng xe chở nông sản trên QL4A về cửa khẩu Tân Thanh",
                "en": "Route produce trucks on QL4A to the Tân Thanh border gate",
            },
            "agency": "so-giao-thong-van-tai",
            "issuedBy": "Chủ tịch UBND tỉnh",
            "issuedAt": "2026-11-25T09:00:00+07:00",
            "deadline": "2026-11-26T17:00:00+07:00",
            "status": "assigned", "progress": "assigned",
            "overdue": false, "doneLate": false, "doneAt": null,
            "observedAt": "2026-11-25T09:00:00+07:00",
        })
    );
    // A new agency's count is announced, as zero.
    assert_eq!(
        overdue_counts(&out),
        [("so-giao-thong-van-tai".to_owned(), 0.0)]
    );

    let out = h
        .handle(&[simple("CD-2026-118", "in-progress", &at(25, 16))])
        .unwrap();
    assert_eq!(statuses(&out), expect(&[("CD-2026-118", "in-progress")]));
    // Sent again unchanged, later: nothing changed, nothing announced.
    let out = h
        .handle(&[simple("CD-2026-118", "in-progress", &at(26, 8))])
        .unwrap();
    assert!(out.is_empty(), "{out:?}");
    let out = h
        .handle(&[simple("CD-2026-118", "done", &at(26, 10))])
        .unwrap();
    let done = &outputs_of(&out, "city.reporting.directive-status")[0];
    assert_eq!(
        (done["status"].as_str(), done["doneLate"].as_bool()),
        (Some("done"), Some(false))
    );
    assert_eq!(done["doneAt"], at(26, 10));
    assert!(alerts(&out).is_empty());
}

#[test]
fn a_directive_past_its_deadline_falls_overdue_once_and_alerts() {
    let mut h = harness();
    h.handle(&[simple("CD-2026-118", "in-progress", &at(25, 16))])
        .unwrap();
    assert!(
        h.handle(&[TestEvent::tick(&at(26, 17))])
            .unwrap()
            .is_empty(),
        "at the deadline, not past it"
    );
    let out = h.handle(&[TestEvent::tick(&at(26, 18))]).unwrap();
    assert_eq!(statuses(&out), expect(&[("CD-2026-118", "overdue")]));
    let status = &outputs_of(&out, "city.reporting.directive-status")[0];
    assert_eq!(
        (status["progress"].as_str(), status["overdue"].as_bool()),
        (Some("in-progress"), Some(true))
    );
    assert_eq!(status["observedAt"], at(26, 18));
    assert_eq!(
        alerts(&out),
        expect(&[("reporting/directive/CD-2026-118", "open")])
    );
    let alert = outputs_of(&out, "city.reporting.alert").remove(0);
    assert_eq!(
        alert,
        json!({
            "alertId": "reporting/directive/CD-2026-118", "status": "open",
            "category": "reporting", "subCategory": "directive-overdue", "severity": "high",
            "title": {
                "vi": "Chỉ đạo quá hạn: Phân luồng xe chở nông sản trên QL4A về cửa khẩu Tân Thanh",
                "en": "Overdue directive: Route produce trucks on QL4A to the Tân Thanh border gate",
            },
            "description": {
                "vi": "Giao Sở Giao thông Vận tải, hạn 2026-11-26T17:00:00+07:00, chỉ đạo của Chủ tịch UBND tỉnh.",
                "en": "Assigned to Department of Transport, due 2026-11-26T17:00:00+07:00, issued by Chủ tịch UBND tỉnh.",
            },
            "figures": {"agency": "so-giao-thong-van-tai", "deadline": "2026-11-26T17:00:00+07:00", "issuedBy": "Chủ tịch UBND tỉnh"},
            "observedAt": "2026-11-26T18:00:00+07:00",
        })
    );
    assert_eq!(
        overdue_counts(&out),
        [("so-giao-thong-van-tai".to_owned(), 1.0)]
    );
    assert!(
        h.handle(&[TestEvent::tick(&at(26, 18)), TestEvent::tick(&at(27, 8))])
            .unwrap()
            .is_empty()
    );

    // Done late: resolved, counted late, out of the count.
    let out = h
        .handle(&[simple("CD-2026-118", "done", &at(27, 9))])
        .unwrap();
    let done = &outputs_of(&out, "city.reporting.directive-status")[0];
    assert_eq!(done["status"], "done");
    assert_eq!(
        (done["overdue"].as_bool(), done["doneLate"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(
        alerts(&out),
        expect(&[("reporting/directive/CD-2026-118", "resolved")])
    );
    assert_eq!(
        outputs_of(&out, "city.reporting.alert")[0]["title"]["vi"],
        "Đã hoàn thành chỉ đạo: Phân luồng xe chở nông sản trên QL4A về cửa khẩu Tân Thanh"
    );
    assert_eq!(
        overdue_counts(&out),
        [("so-giao-thong-van-tai".to_owned(), 0.0)]
    );
}

#[test]
fn a_directive_arriving_past_its_deadline_is_overdue_at_once() {
    let mut h = harness();
    let out = h
        .handle(&[simple("CD-2026-118", "assigned", &at(27, 8))])
        .unwrap();
    assert_eq!(statuses(&out), expect(&[("CD-2026-118", "overdue")]));
    assert_eq!(alerts(&out).len(), 1);
}

#[test]
fn done_late_before_any_tick_is_late_but_raises_no_alert() {
    let mut h = harness();
    h.handle(&[simple("CD-2026-118", "in-progress", &at(25, 16))])
        .unwrap();
    let out = h
        .handle(&[simple("CD-2026-118", "done", &at(27, 9))])
        .unwrap();
    assert_eq!(
        outputs_of(&out, "city.reporting.directive-status")[0]["doneLate"],
        true
    );
    assert!(alerts(&out).is_empty());
}

#[test]
fn an_extended_deadline_resolves_the_alert_until_it_passes_again() {
    let mut h = harness();
    h.handle(&[
        simple("CD-2026-118", "in-progress", &at(25, 16)),
        TestEvent::tick(&at(27, 8)),
    ])
    .unwrap();
    let mut extended = data("CD-2026-118", "in-progress", &at(27, 9));
    extended["deadline"] = json!(at(28, 17));
    let out = h.handle(&[directive(extended)]).unwrap();
    assert_eq!(statuses(&out), expect(&[("CD-2026-118", "in-progress")]));
    assert_eq!(
        alerts(&out),
        expect(&[("reporting/directive/CD-2026-118", "resolved")])
    );
    assert_eq!(
        outputs_of(&out, "city.reporting.alert")[0]["title"]["en"],
        "Directive deadline extended: Route produce trucks on QL4A to the Tân Thanh border gate"
    );
    let out = h.handle(&[TestEvent::tick(&at(28, 18))]).unwrap();
    assert_eq!(statuses(&out), expect(&[("CD-2026-118", "overdue")]));
    assert_eq!(
        alerts(&out),
        expect(&[("reporting/directive/CD-2026-118", "open")])
    );
}

#[test]
fn a_redelivered_or_older_event_changes_nothing() {
    let mut h = harness();
    let events = [
        simple("CD-2026-118", "assigned", &at(25, 9)),
        simple("CD-2026-118", "in-progress", &at(25, 16)),
        TestEvent::tick(&at(27, 8)),
    ];
    assert_eq!(h.handle(&events).unwrap().len(), 6); // 3 statuses, alert, 2 counts
    let keys: Vec<String> = h.state().keys().map(str::to_owned).collect();
    let record: Record = h
        .state()
        .get_json("directive/CD-2026-118")
        .unwrap()
        .unwrap();
    assert!(h.handle(&events).unwrap().is_empty());
    assert!(
        h.handle(&[simple("CD-2026-118", "assigned", &at(25, 9)).id("")])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.state().keys().map(str::to_owned).collect::<Vec<_>>(),
        keys
    );
    assert_eq!(
        h.state()
            .get_json::<Record>("directive/CD-2026-118")
            .unwrap()
            .unwrap(),
        record
    );
}

#[test]
fn done_directives_are_forgotten_after_retention() {
    let mut h = harness_with_retention("2d");
    let events = [
        simple("CD-2026-118", "assigned", &at(25, 9)),
        simple("CD-2026-118", "done", &at(26, 9)),
    ];
    h.handle(&events).unwrap();
    h.handle(&[TestEvent::tick(&at(28, 9))]).unwrap();
    assert!(h.state().get("directive/CD-2026-118").is_some());
    h.handle(&[TestEvent::tick(&at(28, 10))]).unwrap();
    assert_eq!(h.state().get("directive/CD-2026-118"), None);
    assert!(
        !h.state()
            .keys()
            .any(|k| k.starts_with("due/") || k.starts_with("prune/"))
    );
    assert!(
        h.handle(&events).unwrap().is_empty(),
        "a late redelivery stays forgotten"
    );
    assert_eq!(h.state().get("directive/CD-2026-118"), None);
}

fn harness_with_retention(
    r: &str,
) -> cityhub_sdk::testing::Harness<cityhub_plugin_reporting::Reporting> {
    crate::support::harness_with(json!({"retention": r}))
}

#[test]
fn state_carries_across_instances() {
    let mut h = harness();
    h.handle(&[simple("CD-2026-118", "in-progress", &at(25, 16))])
        .unwrap();
    h.restart().unwrap();
    let out = h.handle(&[TestEvent::tick(&at(27, 8))]).unwrap();
    assert_eq!(statuses(&out), expect(&[("CD-2026-118", "overdue")]));
}

#[test]
fn an_agency_not_configured_is_named_by_its_id() {
    let mut h = harness();
    let mut d = data("CD-2026-121", "assigned", &at(27, 8));
    d["agency"] = json!("ubnd-huyen-cao-loc");
    let out = h.handle(&[directive(d)]).unwrap();
    let alert = outputs_of(&out, "city.reporting.alert").remove(0);
    assert!(
        alert["description"]["vi"]
            .as_str()
            .unwrap()
            .starts_with("Giao ubnd-huyen-cao-loc, hạn")
    );
    let indicator = outputs_of(&out, "city.reporting.indicator").remove(0);
    assert_eq!(indicator.get("scopeName"), None);
}

#[test]
fn other_event_types_are_skipped() {
    let mut h = harness();
    let out = h
        .handle(&[
            TestEvent::new("city.reporting.survey").id("x-1"),
            TestEvent::new("city.reporting.indicator").id("x-2"),
        ])
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(h.logs()[0].field("type"), Some("city.reporting.survey"));
    assert_eq!(
        h.logs()[1].message,
        "event skipped: the plugin's own indicator"
    );
    assert!(h.state().is_empty());
}
