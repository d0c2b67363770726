//! An alert opens once, is resolved once, survives restarts, and is never
//! announced twice for a redelivered or late congestion event.

use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{alerts, congestion, congestions, expect, harness, time};

#[test]
fn severe_congestion_opens_an_alert_and_clearing_resolves_it() {
    let mut h = harness();
    let out = h.handle(&[congestion("QL1A-km2", "severe", 30)]).unwrap();
    assert_eq!(out.len(), 1);
    let open = &out[0];
    assert_eq!(open.ty, "city.traffic.alert");
    assert_eq!(open.subject.as_deref(), Some("QL1A-km2"));
    assert_eq!(open.time.as_deref(), Some(time(30).as_str()));
    let data: Value = open.json().unwrap();
    assert_eq!(
        data,
        json!({
            "alertId": "QL1A-km2",
            "status": "open",
            "category": "traffic",
            "subCategory": "congestion",
            "severity": "high",
            "title": {
                "vi": "Ùn tắc nghiêm trọng tại QL1A-km2",
                "en": "Severe congestion at QL1A-km2",
            },
            "location": {"type": "Point", "coordinates": [106.708, 21.968]},
            "figures": {"averageVehicleSpeed": 8.5, "level": "severe", "segment": "QL1A-km2"},
            "observedAt": "2026-11-27T07:30:00+07:00",
            "priority": "high",
            "segment": "QL1A-km2",
            "level": "severe",
        })
    );
    assert_eq!(
        h.state().get_json::<Value>("open/QL1A-km2").unwrap(),
        Some(json!({"priority": "high", "observedAt": "2026-11-27T07:30:00+07:00"}))
    );

    let out = h.handle(&[congestion("QL1A-km2", "cleared", 95)]).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].time.as_deref(), Some(time(95).as_str()));
    let data: Value = out[0].json().unwrap();
    assert_eq!(
        data,
        json!({
            "alertId": "QL1A-km2",
            "status": "resolved",
            "category": "traffic",
            "subCategory": "congestion",
            "severity": "high",
            "title": {
                "vi": "Hết ùn tắc tại QL1A-km2",
                "en": "Congestion cleared at QL1A-km2",
            },
            "location": {"type": "Point", "coordinates": [106.708, 21.968]},
            "figures": {"averageVehicleSpeed": 24.3, "level": "cleared", "segment": "QL1A-km2"},
            "observedAt": "2026-11-27T08:35:00+07:00",
            "priority": "high",
            "segment": "QL1A-km2",
            "level": "cleared",
        })
    );
    assert_eq!(h.state().get("open/QL1A-km2"), None);
    assert_eq!(
        h.state().get_json::<Value>("closed/QL1A-km2").unwrap(),
        Some(json!({"observedAt": "2026-11-27T08:35:00+07:00"}))
    );
}

#[test]
fn each_congestion_episode_opens_and_resolves_exactly_once() {
    let mut h = harness();
    let levels = [
        "heavy", "severe", "severe", "heavy", "cleared", "heavy", "severe", "cleared",
    ];
    let out = h.handle(&congestions("QL4A-km8", &levels, 5)).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[
            ("QL4A-km8", "open", "severe", "high"),
            ("QL4A-km8", "resolved", "heavy", "high"),
            ("QL4A-km8", "open", "severe", "high"),
            ("QL4A-km8", "resolved", "cleared", "high"),
        ])
    );
    let eased: Value = out[1].json().unwrap();
    assert_eq!(
        eased["title"],
        json!({"vi": "Ùn tắc đã giảm tại QL4A-km8", "en": "Congestion eased at QL4A-km8"})
    );
    // Times follow the congestion events: minutes 15, 35, 65 and 75.
    let times: Vec<_> = out.iter().map(|o| o.time.clone().unwrap()).collect();
    assert_eq!(times, [time(15), time(35), time(65), time(75)]);
    assert_eq!(h.state().keys().collect::<Vec<_>>(), ["closed/QL4A-km8"]);
}

#[test]
fn an_open_alert_survives_batches_and_restarts() {
    let mut h = harness();
    assert_eq!(
        alerts(&h.handle(&[congestion("QL1A-km2", "severe", 30)]).unwrap()),
        expect(&[("QL1A-km2", "open", "severe", "high")])
    );
    // The host may replace the instance between batches: the open alert is
    // in state, so the next severe event is not news and clearing resolves.
    h.restart().unwrap();
    assert!(
        h.handle(&[congestion("QL1A-km2", "severe", 40)])
            .unwrap()
            .is_empty()
    );
    h.restart().unwrap();
    assert_eq!(
        alerts(&h.handle(&[congestion("QL1A-km2", "cleared", 50)]).unwrap()),
        expect(&[("QL1A-km2", "resolved", "cleared", "high")])
    );
}

#[test]
fn segments_are_alerted_independently() {
    let mut h = harness();
    let events = [
        congestion("QL1A-km2", "severe", 10),
        congestion("LS-TranDangNinh", "severe", 10),
        congestion("QL1B-km4", "heavy", 10),
        congestion("QL1A-km2", "cleared", 20),
    ];
    let out = h.handle(&events).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[
            ("QL1A-km2", "open", "severe", "high"),
            ("LS-TranDangNinh", "open", "severe", "normal"),
            ("QL1A-km2", "resolved", "cleared", "high"),
        ])
    );
    assert_eq!(
        h.state().keys().collect::<Vec<_>>(),
        ["closed/QL1A-km2", "open/LS-TranDangNinh"]
    );
}

#[test]
fn a_redelivered_batch_emits_nothing_twice() {
    let mut h = harness();
    let events = congestions("QL1A-km2", &["heavy", "severe"], 10);
    let out = h.handle(&events).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[("QL1A-km2", "open", "severe", "high")])
    );
    let state_before: Vec<String> = h.state().keys().map(str::to_owned).collect();

    // The bus delivers the same events again, then the same ones with new
    // ids (a producer that resent them): nothing is alerted twice.
    assert!(h.handle(&events).unwrap().is_empty());
    let resent: Vec<TestEvent> = congestions("QL1A-km2", &["heavy", "severe"], 10)
        .into_iter()
        .map(|e| e.id(""))
        .collect();
    assert!(h.handle(&resent).unwrap().is_empty());
    assert_eq!(
        h.state().keys().collect::<Vec<_>>(),
        state_before,
        "state is unchanged"
    );

    // Resolved, then redelivered again: the resolution is not repeated and
    // the old severe event does not reopen the alert.
    let cleared = [congestion("QL1A-km2", "cleared", 30)];
    assert_eq!(h.handle(&cleared).unwrap().len(), 1);
    assert!(h.handle(&cleared).unwrap().is_empty());
    assert!(h.handle(&events).unwrap().is_empty());
    assert_eq!(h.state().keys().collect::<Vec<_>>(), ["closed/QL1A-km2"]);
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message.starts_with("congestion skipped"))
            .count(),
        // both events of both redeliveries (not newer than the open alert),
        // the repeated clear, and both old events after the resolution
        2 + 2 + 1 + 2
    );
}

#[test]
fn a_late_event_does_not_reopen_a_resolved_alert() {
    // A severe event that failed once is replayed from the dead letters
    // after the segment has cleared: it is old news.
    let mut h = harness();
    h.handle(&congestions("QL4A-km8", &["severe", "cleared"], 10))
        .unwrap();
    let out = h.handle(&[congestion("QL4A-km8", "severe", 15)]).unwrap();
    assert!(out.is_empty(), "{out:?}");
    // Newer severe congestion does open a new alert.
    let out = h.handle(&[congestion("QL4A-km8", "severe", 25)]).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[("QL4A-km8", "open", "severe", "high")])
    );
}

#[test]
fn unreadable_state_is_logged_and_an_open_alert_can_still_resolve() {
    let mut h = harness();
    h.state_mut()
        .insert("open/LS-KyLua", b"{\"priority\":\"urgent\"}".to_vec());
    let out = h.handle(&[congestion("LS-KyLua", "cleared", 10)]).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[("LS-KyLua", "resolved", "cleared", "normal")])
    );
    let log = &h.logs()[0];
    assert_eq!(
        log.message,
        "alert state unreadable, carrying on without it"
    );
    assert_eq!(log.field("key"), Some("open/LS-KyLua"));
    assert!(
        log.field("error")
            .unwrap()
            .contains("unknown variant `urgent`"),
        "{log:?}"
    );

    // An unreadable `closed/` record counts as none.
    h.state_mut().insert(
        "closed/LS-KyLua",
        b"{\"observedAt\":\"yesterday\"}".to_vec(),
    );
    let out = h.handle(&[congestion("LS-KyLua", "severe", 5)]).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[("LS-KyLua", "open", "severe", "normal")])
    );
    assert_eq!(h.logs()[1].field("key"), Some("closed/LS-KyLua"));
    assert_eq!(h.state().get("closed/LS-KyLua"), None);
}

#[test]
fn an_event_without_time_takes_its_observed_at() {
    let mut h = harness();
    let mut event = congestion("QL1A-km2", "severe", 30);
    event.time = None;
    let out = h.handle(&[event]).unwrap();
    assert_eq!(out[0].time.as_deref(), Some("2026-11-27T07:30:00+07:00"));
}

#[test]
fn other_event_types_are_skipped_with_a_warning() {
    let mut h = harness();
    let out = h
        .handle(&[TestEvent::new("city.traffic.reading").id("x-1")])
        .unwrap();
    assert!(out.is_empty());
    let log = &h.logs()[0];
    assert_eq!(log.message, "event skipped: not a traffic congestion");
    assert_eq!(log.field("type"), Some("city.traffic.reading"));
    assert_eq!(log.field("event"), Some("x-1"));
}
