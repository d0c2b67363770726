//! Emergency calls: the `emergency-calls` indicator over a sliding hour of
//! event time, once per call id, expiring on later events and clock ticks.

use serde_json::{Value, json};

use crate::support::{beds, call, harness, lines, only, tick, time};

#[test]
fn calls_are_counted_per_district_over_the_last_hour() {
    let mut h = harness();
    let out = h.handle(&[call("115-0031", "Cao Lộc", 5)]).unwrap();
    assert_eq!(
        only(&out),
        json!({
            "indicator": "emergency-calls",
            "scope": "Cao Lộc",
            "scopeName": "Cao Lộc",
            "name": {"vi": "Cuộc gọi cấp cứu 115", "en": "Emergency calls (115)"},
            "value": 1.0,
            "unit": "per-hour",
            "observedAt": time(5),
        })
    );
    let out = h
        .handle(&[
            call("115-0034", "Cao Lộc", 20),
            call("115-0036", "TP Lạng Sơn", 30),
            call("115-0039", "Cao Lộc", 40),
            // 07:05 drops out at 08:05; 07:20 is still within the hour.
            call("115-0040", "Lộc Bình", 70),
        ])
        .unwrap();
    assert_eq!(
        lines(&out),
        [
            "indicator emergency-calls Cao Lộc 2.0",
            "indicator emergency-calls TP Lạng Sơn 1.0",
            "indicator emergency-calls Cao Lộc 3.0",
            "indicator emergency-calls Cao Lộc 2.0",
            "indicator emergency-calls Lộc Bình 1.0",
        ]
    );
    assert_eq!(out[3].time.as_deref(), Some(time(70).as_str()));
}

#[test]
fn a_redelivered_call_counts_once() {
    let mut h = harness();
    let first = [
        call("115-0031", "Cao Lộc", 5),
        call("115-0034", "Cao Lộc", 20),
    ];
    assert_eq!(h.handle(&first).unwrap().len(), 2);
    let calls_before: Value = h.state().get_json("calls").unwrap().unwrap();
    // Same events again, and the same call resent under a new event id.
    assert!(h.handle(&first).unwrap().is_empty());
    let resent = call("115-0034", "Cao Lộc", 20).id("resent-1");
    assert!(h.handle(&[resent]).unwrap().is_empty());
    assert_eq!(
        h.state().get_json::<Value>("calls").unwrap(),
        Some(calls_before)
    );
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message == "emergency call skipped: already counted")
            .count(),
        3
    );
}

#[test]
fn ticks_slide_the_hour_and_forget_quiet_districts() {
    let mut h = harness();
    h.handle(&[
        call("115-0031", "Cao Lộc", 5),
        call("115-0036", "Văn Quan", 30),
    ])
    .unwrap();
    assert!(h.handle(&[tick(60)]).unwrap().is_empty());
    assert_eq!(
        lines(&h.handle(&[tick(65)]).unwrap()),
        ["indicator emergency-calls Cao Lộc 0.0"]
    );
    let out = h.handle(&[tick(200)]).unwrap();
    assert_eq!(lines(&out), ["indicator emergency-calls Văn Quan 0.0"]);
    assert_eq!(out[0].time.as_deref(), Some(time(200).as_str()));
    assert_eq!(h.state().get("calls"), None, "nothing left to remember");
    assert_eq!(h.state().keys().collect::<Vec<_>>(), ["clock/now"]);
}

#[test]
fn other_inputs_move_the_clock_too() {
    let mut h = harness();
    h.handle(&[call("115-0031", "Hữu Lũng", 5)]).unwrap();
    let out = h.handle(&[beds(400, 90)]).unwrap();
    assert_eq!(
        lines(&out),
        [
            "indicator bed-occupancy bvdk-tinh 0.714",
            "indicator emergency-calls Hữu Lũng 0.0",
        ]
    );
}

#[test]
fn calls_older_than_the_hour_or_late_within_it() {
    let mut h = harness();
    h.handle(&[tick(120)]).unwrap();
    // Received an hour or more before "now": no longer counts.
    assert!(
        h.handle(&[call("115-0001", "Chi Lăng", 60)])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.logs()[0].message,
        "emergency call skipped: older than its window"
    );
    // Late but within the hour: counts, as of "now".
    let out = h.handle(&[call("115-0002", "Chi Lăng", 61)]).unwrap();
    assert_eq!(only(&out)["observedAt"], time(120));
    // A tick from the past does not move the clock back.
    assert!(h.handle(&[tick(0)]).unwrap().is_empty());
    assert_eq!(
        lines(&h.handle(&[tick(121)]).unwrap()),
        ["indicator emergency-calls Chi Lăng 0.0"]
    );
}
