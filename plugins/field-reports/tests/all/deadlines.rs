//! Event time: requests turn overdue once, indicators and alerts follow,
//! closed requests are forgotten after their retention.

use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{
    CITY, CSGT, GTVT, harness, harness_with, hours, indicators, outputs_of, report, requests, time,
    types, update,
};

#[test]
fn an_open_request_past_its_deadline_is_flagged_once() {
    let mut h = harness();
    h.handle(&[report("LS-1", "traffic-obstruction", &time(0))])
        .unwrap();
    // 4h SLA: not yet at 11:59, due at 12:00.
    assert!(h.handle(&[TestEvent::tick(&time(239))]).unwrap().is_empty());
    let out = h.handle(&[TestEvent::tick(&time(245))]).unwrap();
    assert_eq!(types(&out), ["overdue", "request", "indicator"]);
    assert_eq!(out[0].subject.as_deref(), Some("LS-1"));
    assert_eq!(out[0].time.as_deref(), Some(time(245).as_str()));
    let overdue: Value = out[0].json().unwrap();
    assert_eq!(
        overdue,
        json!({
            "service_request_id": "LS-1",
            "service_code": "traffic-obstruction",
            "agency_responsible": "Công an tỉnh Lạng Sơn (Phòng CSGT)",
            "expected_datetime": "2026-11-27T12:00:00+07:00",
            "road": null,
            "observedAt": "2026-11-27T12:05:00+07:00",
        })
    );
    let request = &requests(&out)[0];
    assert_eq!(
        (&request["overdue"], &request["status"]),
        (&json!(true), &json!("open"))
    );
    assert_eq!(
        indicators(&out),
        [("overdue-reports".to_owned(), CSGT.to_owned(), 1.0)]
    );
    // Later ticks, and the same tick again, flag nothing more.
    let again = h
        .handle(&[
            TestEvent::tick(&time(245)),
            TestEvent::tick(&time(600)),
            TestEvent::tick(&hours(48)),
        ])
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(h.state().get("due/index"), None, "the wheel is empty");
}

#[test]
fn any_input_moves_the_clock_not_only_ticks() {
    let mut h = harness();
    h.handle(&[report("LS-1", "traffic-obstruction", &time(0))])
        .unwrap();
    // A report five hours later flags the first one before it is routed.
    let out = h.handle(&[report("LS-2", "litter", &time(300))]).unwrap();
    assert_eq!(types(&out)[..3], ["overdue", "request", "request"]);
    assert_eq!(requests(&out)[1]["service_request_id"], "LS-2");
}

#[test]
fn a_report_arriving_after_its_deadline_is_overdue_at_once() {
    let mut h = harness();
    h.handle(&[TestEvent::tick(&hours(10))]).unwrap();
    let out = h
        .handle(&[report("LS-1", "traffic-obstruction", &time(0))])
        .unwrap();
    assert_eq!(types(&out)[..3], ["request", "overdue", "request"]);
    let overdue = &outputs_of(&out, "city.fieldreport.overdue")[0];
    assert_eq!(
        overdue["observedAt"],
        hours(10),
        "the clock did not go back"
    );
}

#[test]
fn closing_before_the_deadline_means_never_overdue() {
    let mut h = harness();
    h.handle(&[report("LS-1", "traffic-obstruction", &time(0))])
        .unwrap();
    h.handle(&[update("LS-1", "closed", Some("Đã giải tỏa"), &time(100))])
        .unwrap();
    assert!(h.handle(&[TestEvent::tick(&hours(6))]).unwrap().is_empty());
}

#[test]
fn closing_after_the_deadline_is_overdue_first_then_closed() {
    let mut h = harness();
    h.handle(&[report("LS-1", "traffic-obstruction", &time(0))])
        .unwrap();
    // No tick in between: the update's own time shows the deadline passed.
    let out = h
        .handle(&[update("LS-1", "closed", Some("Đã giải tỏa"), &time(300))])
        .unwrap();
    assert_eq!(types(&out), ["overdue", "request", "request", "indicator"]);
    let last = &requests(&out)[1];
    assert_eq!(
        (&last["status"], &last["overdue"]),
        (&json!("closed"), &json!(true))
    );
    // Overdue and closed in one batch: the overdue count went 0 → 1 → 0,
    // so only the open count is news.
    assert_eq!(
        indicators(&out),
        [("open-reports".to_owned(), CSGT.to_owned(), 0.0)]
    );
}

#[test]
fn an_overdue_request_handed_over_takes_its_overdue_count_along() {
    let mut h = harness();
    h.handle(&[report("LS-1", "illegal-parking", &time(0))])
        .unwrap();
    h.handle(&[TestEvent::tick(&hours(13))]).unwrap();
    let out = h
        .handle(&[crate::support::update_data(json!({
            "service_request_id": "LS-1", "status": "open", "updated_datetime": hours(14),
            "agency_responsible": "UBND thành phố Lạng Sơn",
        }))])
        .unwrap();
    assert_eq!(
        indicators(&out),
        [
            ("open-reports".to_owned(), CSGT.to_owned(), 0.0),
            ("overdue-reports".to_owned(), CSGT.to_owned(), 0.0),
            ("open-reports".to_owned(), CITY.to_owned(), 1.0),
            ("overdue-reports".to_owned(), CITY.to_owned(), 1.0),
        ]
    );
    assert!(
        outputs_of(&out, "city.fieldreport.overdue").is_empty(),
        "flagged once only"
    );
}

#[test]
fn deadlines_fire_in_order_across_buckets_and_days() {
    let mut h = harness();
    h.handle(&[
        report("LS-a", "other", &time(0)),               // 5 days
        report("LS-b", "traffic-obstruction", &time(5)), // 4 hours
        report("LS-c", "flooding", &time(10)),           // 1 day
        report("LS-d", "illegal-parking", &time(15)),    // 12 hours
    ])
    .unwrap();
    let flagged = |out: &[cityhub_sdk::testing::OutputEvent]| -> Vec<String> {
        outputs_of(out, "city.fieldreport.overdue")
            .iter()
            .map(|o| o["service_request_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        flagged(&h.handle(&[TestEvent::tick(&hours(13))]).unwrap()),
        ["LS-b", "LS-d"]
    );
    assert_eq!(
        flagged(&h.handle(&[TestEvent::tick(&hours(30))]).unwrap()),
        ["LS-c"]
    );
    assert!(flagged(&h.handle(&[TestEvent::tick(&hours(100))]).unwrap()).is_empty());
    assert_eq!(
        flagged(&h.handle(&[TestEvent::tick(&hours(24 * 40))]).unwrap()),
        ["LS-a"]
    );
}

#[test]
fn the_wheel_survives_restarts_and_holds_only_open_requests() {
    let mut h = harness();
    h.handle(&[
        report("LS-1", "pothole", &time(0)),
        report("LS-2", "pothole", &time(1)),
    ])
    .unwrap();
    let index: Vec<i64> = h.state().get_json("due/index").unwrap().unwrap();
    assert_eq!(index.len(), 1, "both due in the same hour");
    let bucket: Vec<(i64, String)> = h
        .state()
        .get_json(&format!("due/{:011}", index[0]))
        .unwrap()
        .unwrap();
    assert_eq!(
        bucket.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>(),
        ["LS-1", "LS-2"]
    );
    h.handle(&[update("LS-1", "closed", None, &time(60))])
        .unwrap();
    h.restart().unwrap();
    let out = h.handle(&[TestEvent::tick(&hours(73))]).unwrap();
    let flagged = outputs_of(&out, "city.fieldreport.overdue");
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["service_request_id"], "LS-2");
}

#[test]
fn an_agencys_overdue_reports_raise_and_resolve_an_alert() {
    let mut h = harness_with(json!({"overdue_alert_threshold": 2}));
    let reports: Vec<_> = (0..4)
        .map(|i| report(&format!("LS-{i}"), "pothole", &time(i)))
        .collect();
    h.handle(&reports).unwrap();
    // Two overdue: medium.
    let out = h.handle(&[TestEvent::tick(&time(72 * 60 + 1))]).unwrap();
    let alerts = outputs_of(&out, "city.fieldreport.alert");
    assert_eq!(alerts.len(), 1);
    let alert = &alerts[0];
    assert_eq!(alert["alertId"], format!("fieldreport/overdue/{GTVT}"));
    assert_eq!(
        (&alert["status"], &alert["severity"]),
        (&json!("open"), &json!("medium"))
    );
    assert_eq!(alert["category"], "fieldreport");
    assert_eq!(alert["subCategory"], "overdue-reports");
    assert_eq!(
        alert["title"],
        json!({"vi": "Sở Giao thông Vận tải: 2 phản ánh hiện trường quá hạn",
               "en": "Sở Giao thông Vận tải: 2 overdue field reports"})
    );
    assert_eq!(
        alert["figures"],
        json!({"overdueReports": 2, "openReports": 4, "threshold": 2, "agency": "Sở Giao thông Vận tải"})
    );
    let shared: cityhub_sdk::city::Alert = serde_json::from_value(alert.clone()).unwrap();
    assert_eq!(shared.observed_at, time(72 * 60 + 1));
    // Four overdue: high, same alert id.
    let out = h.handle(&[TestEvent::tick(&time(72 * 60 + 5))]).unwrap();
    let alert = &outputs_of(&out, "city.fieldreport.alert")[0];
    assert_eq!(
        (&alert["status"], &alert["severity"]),
        (&json!("open"), &json!("high"))
    );
    // Closing three: below 2, resolved (with the severity it had).
    let out = h
        .handle(&[
            update("LS-0", "closed", None, &hours(80)),
            update("LS-1", "closed", None, &hours(81)),
            update("LS-2", "closed", None, &hours(82)),
        ])
        .unwrap();
    let alerts = outputs_of(&out, "city.fieldreport.alert");
    assert_eq!(alerts.len(), 1, "published once, at the end of the batch");
    assert_eq!(
        (&alerts[0]["status"], &alerts[0]["severity"]),
        (&json!("resolved"), &json!("high"))
    );
    assert_eq!(
        alerts[0]["title"]["vi"],
        "Sở Giao thông Vận tải: phản ánh quá hạn đã giảm còn 1"
    );
    assert_eq!(
        indicators(&out),
        [
            ("open-reports".to_owned(), GTVT.to_owned(), 1.0),
            ("overdue-reports".to_owned(), GTVT.to_owned(), 1.0),
        ]
    );
}

#[test]
fn closed_requests_are_forgotten_after_retention_and_open_ones_kept() {
    let mut h = harness_with(json!({"retention": "2d"}));
    h.handle(&[
        report("LS-1", "litter", &time(0)),
        report("LS-2", "other", &time(0)),
    ])
    .unwrap();
    h.handle(&[update("LS-1", "closed", Some("Đã thu gom"), &hours(5))])
        .unwrap();
    h.handle(&[TestEvent::tick(&hours(5 + 47))]).unwrap();
    assert!(h.state().get("req/LS-1").is_some(), "not yet");
    h.handle(&[TestEvent::tick(&hours(5 + 48))]).unwrap();
    assert_eq!(h.state().get("req/LS-1"), None);
    assert!(h.state().get("req/LS-2").is_some(), "open: kept");
    assert_eq!(h.state().get("prune/index"), None);
    // An update of the forgotten request is skipped.
    let out = h
        .handle(&[update("LS-1", "open", None, &hours(60))])
        .unwrap();
    assert!(out.is_empty());
}

#[test]
fn a_request_reopened_within_retention_is_not_forgotten() {
    let mut h = harness_with(json!({"retention": "1d"}));
    h.handle(&[report("LS-1", "pothole", &time(0))]).unwrap();
    h.handle(&[update("LS-1", "closed", None, &hours(1))])
        .unwrap();
    h.handle(&[update("LS-1", "open", Some("Mở lại"), &hours(2))])
        .unwrap();
    h.handle(&[update("LS-1", "closed", Some("Đã vá lại"), &hours(20))])
        .unwrap();
    h.handle(&[TestEvent::tick(&hours(30))]).unwrap();
    assert!(
        h.state().get("req/LS-1").is_some(),
        "closed again at 20h: kept until 44h"
    );
    h.handle(&[TestEvent::tick(&hours(44))]).unwrap();
    assert_eq!(h.state().get("req/LS-1"), None);
}

#[test]
fn a_flood_of_due_requests_is_flagged_over_several_batches() {
    let mut h = harness();
    let reports: Vec<_> = (0..4_500)
        .map(|i| report(&format!("LS-{i}"), "traffic-obstruction", &time(0)))
        .collect();
    h.handle(&reports).unwrap();
    let first = h.handle(&[TestEvent::tick(&hours(5))]).unwrap();
    let n = outputs_of(&first, "city.fieldreport.overdue").len();
    assert_eq!(n, 4_000, "8,000 outputs: 4,000 flags");
    assert!(
        h.logs()
            .iter()
            .any(|l| l.message.starts_with("overdue check deferred"))
    );
    let second = h.handle(&[TestEvent::tick(&hours(5))]).unwrap();
    assert_eq!(outputs_of(&second, "city.fieldreport.overdue").len(), 500);
    let counts: Value = h
        .state()
        .get_json(&format!("agency/{CSGT}"))
        .unwrap()
        .unwrap();
    assert_eq!(
        (counts["open"].as_u64(), counts["overdue"].as_u64()),
        (Some(4_500), Some(4_500))
    );
}

#[test]
fn state_stays_within_the_manifests_quota_for_a_busy_fortnight() {
    // 50 reports a day, closed within the day, over 12 days with a 5-day
    // retention: what is kept is bounded by the retention.
    let mut h = harness_with(json!({"retention": "5d"})).state_quota(64 << 20);
    for day in 0..12u64 {
        let mut batch = Vec::new();
        for i in 0..50u64 {
            let id = format!("LS-{day}-{i}");
            batch.push(report(&id, "litter", &time(day * 1440 + i)));
            batch.push(update(
                &id,
                "closed",
                Some("Đã thu gom"),
                &time(day * 1440 + 600 + i),
            ));
        }
        h.handle(&batch).unwrap();
    }
    let kept = h.state().keys().filter(|k| k.starts_with("req/")).count();
    assert!((250..=300).contains(&kept), "{kept}");
    assert!(
        h.state().used_bytes() < 1 << 20,
        "{}",
        h.state().used_bytes()
    );
}
