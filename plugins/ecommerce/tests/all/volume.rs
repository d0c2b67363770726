//! Gate figures: exact sums, clearance, redelivery, days, stale and pruned
//! declarations.

use serde_json::json;

use crate::support::{at, decl, fruit, harness, harness_with, indicators, tick, time, volumes};

#[test]
fn waiting_declarations_are_summed_exactly_per_gate() {
    let mut h = harness();
    let events = [
        fruit("TK1", 28.5, 5),
        fruit("TK2", 0.1, 6),
        decl("TK3", "huu-nghi", 0.2, false, "waiting", 7),
        decl("TK4", "tan-thanh", 40.0, false, "waiting", 8),
    ];
    let out = h.handle(&events).unwrap();
    let v = volumes(&out);
    assert_eq!(v.len(), 4);
    assert_eq!(
        v[2],
        json!({
            "gate": "huu-nghi",
            "waitingTonnes": 28.8,
            "perishableWaitingTonnes": 28.6,
            "waitingDeclarations": 3,
            "clearedTonnesToday": 0.0,
            "declaredTonnesToday": 28.8,
            "observedAt": time(7),
        })
    );
    assert_eq!(v[3]["gate"], "tan-thanh");
    assert_eq!(v[3]["waitingTonnes"], 40.0);
    assert_eq!(out[0].subject.as_deref(), Some("huu-nghi"));
    assert_eq!(out[0].time.as_deref(), Some(time(5).as_str()));
    // The perishable indicator follows only the perishable tonnes.
    assert_eq!(
        indicators(&out),
        [
            ("perishable-waiting".to_owned(), "huu-nghi".to_owned(), 28.5),
            ("perishable-waiting".to_owned(), "huu-nghi".to_owned(), 28.6),
        ]
    );
    let indicator: serde_json::Value = out[1].json().unwrap();
    assert_eq!(
        indicator,
        json!({
            "indicator": "perishable-waiting", "scope": "huu-nghi",
            "scopeName": "Cửa khẩu Quốc tế Hữu Nghị",
            "name": {"vi": "Nông sản dễ hỏng chờ thông quan", "en": "Perishable cargo awaiting clearance"},
            "value": 28.5, "unit": "tonnes", "observedAt": time(5),
        })
    );
}

#[test]
fn a_cleared_declaration_moves_its_tonnes_to_cleared_today() {
    let mut h = harness();
    h.handle(&[fruit("TK1", 28.5, 5), fruit("TK2", 0.1, 6)])
        .unwrap();
    let out = h
        .handle(&[decl("TK2", "huu-nghi", 0.1, true, "cleared", 30)])
        .unwrap();
    let v = volumes(&out);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["waitingTonnes"], 28.5, "exact after removing 0.1");
    assert_eq!(v[0]["perishableWaitingTonnes"], 28.5);
    assert_eq!(v[0]["waitingDeclarations"], 1);
    assert_eq!(v[0]["clearedTonnesToday"], 0.1);
    assert_eq!(v[0]["declaredTonnesToday"], 28.6);
    assert_eq!(v[0]["observedAt"], time(30));
}

#[test]
fn a_redelivery_or_an_older_status_changes_nothing() {
    let mut h = harness();
    let waiting = fruit("TK1", 28.5, 5);
    let cleared = decl("TK1", "huu-nghi", 28.5, true, "cleared", 30);
    h.handle(&[waiting.clone(), cleared.clone()]).unwrap();
    let state: Vec<(String, Vec<u8>)> = h
        .state()
        .keys()
        .map(|k| (k.to_owned(), h.state().get(k).unwrap().to_vec()))
        .collect();
    // The same events again, then the same with new ids.
    assert!(
        h.handle(&[waiting.clone(), cleared.clone()])
            .unwrap()
            .is_empty()
    );
    assert!(
        h.handle(&[waiting.id("other-1"), cleared.id("other-2")])
            .unwrap()
            .is_empty()
    );
    let after: Vec<(String, Vec<u8>)> = h
        .state()
        .keys()
        .map(|k| (k.to_owned(), h.state().get(k).unwrap().to_vec()))
        .collect();
    assert_eq!(state, after, "state is unchanged");
    // A newer "waiting" after clearance is refused: clearance is final.
    let out = h.handle(&[fruit("TK1", 28.5, 40)]).unwrap();
    assert!(out.is_empty());
    assert!(
        h.logs()
            .iter()
            .any(|l| l.message == "declaration skipped: it cleared already")
    );
}

#[test]
fn a_corrected_declaration_replaces_its_old_share() {
    let mut h = harness();
    h.handle(&[fruit("TK1", 28.5, 5)]).unwrap();
    // Re-weighed, then moved to Tân Thanh.
    let out = h.handle(&[fruit("TK1", 30.0, 10)]).unwrap();
    assert_eq!(volumes(&out)[0]["waitingTonnes"], 30.0);
    assert_eq!(volumes(&out)[0]["declaredTonnesToday"], 30.0);
    let out = h
        .handle(&[decl("TK1", "tan-thanh", 30.0, true, "waiting", 15)])
        .unwrap();
    let v = volumes(&out);
    assert_eq!(v.len(), 2);
    assert_eq!(
        (v[0]["gate"].as_str(), v[0]["waitingTonnes"].as_f64()),
        (Some("huu-nghi"), Some(0.0))
    );
    assert_eq!(v[0]["declaredTonnesToday"], 0.0);
    assert_eq!(
        (v[1]["gate"].as_str(), v[1]["waitingTonnes"].as_f64()),
        (Some("tan-thanh"), Some(30.0))
    );
    // The same figures again emit nothing.
    assert!(
        h.handle(&[decl("TK1", "tan-thanh", 30.0, true, "waiting", 20)])
            .unwrap()
            .is_empty()
    );
}

#[test]
fn unknown_gates_are_allowed() {
    let mut h = harness();
    let out = h
        .handle(&[decl("TK9", "na-hinh", 12.0, true, "waiting", 5)])
        .unwrap();
    assert_eq!(volumes(&out)[0]["gate"], "na-hinh");
    let indicator: serde_json::Value = out[1].json().unwrap();
    assert_eq!(indicator["scopeName"], "na-hinh", "named by its id");
}

#[test]
fn today_is_the_civil_day_of_the_clock() {
    let mut h = harness();
    // Declared 06:30 on the 27th, cleared 23:50 on the 27th and 00:20 on the 28th.
    h.handle(&[fruit("TK1", 10.0, 5), fruit("TK2", 20.0, 6)])
        .unwrap();
    let out = h
        .handle(&[decl(
            "TK1",
            "huu-nghi",
            10.0,
            true,
            "cleared",
            at(27, 23, 50),
        )])
        .unwrap();
    assert_eq!(volumes(&out)[0]["clearedTonnesToday"], 10.0);
    // Midnight passes (a tick): yesterday's sums are reset and reported.
    let out = h.handle(&[tick(at(28, 0, 5))]).unwrap();
    let v = volumes(&out);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["observedAt"], "2026-11-28T00:00:00+07:00");
    assert_eq!(
        (
            v[0]["clearedTonnesToday"].as_f64(),
            v[0]["declaredTonnesToday"].as_f64(),
            v[0]["waitingTonnes"].as_f64()
        ),
        (Some(0.0), Some(0.0), Some(20.0))
    );
    let out = h
        .handle(&[decl(
            "TK2",
            "huu-nghi",
            20.0,
            true,
            "cleared",
            at(28, 0, 20),
        )])
        .unwrap();
    let v = volumes(&out);
    assert_eq!(v[0]["clearedTonnesToday"], 20.0);
    assert_eq!(v[0]["declaredTonnesToday"], 0.0, "declared yesterday");
    assert_eq!(v[0]["waitingTonnes"], 0.0);
    // Another tick the same day changes nothing.
    assert!(h.handle(&[tick(at(28, 9, 0))]).unwrap().is_empty());
}

#[test]
fn a_late_clearance_of_yesterday_does_not_count_today() {
    let mut h = harness();
    h.handle(&[fruit("TK1", 10.0, 5), tick(at(28, 8, 0))])
        .unwrap();
    let out = h
        .handle(&[decl(
            "TK1",
            "huu-nghi",
            10.0,
            true,
            "cleared",
            at(27, 23, 0),
        )])
        .unwrap();
    let v = volumes(&out);
    assert_eq!(v[0]["waitingTonnes"], 0.0);
    assert_eq!(v[0]["clearedTonnesToday"], 0.0);
}

#[test]
fn cleared_declarations_are_pruned_after_the_retention() {
    let mut h = harness_with(json!({"declaration_retention": "2h", "stale_waiting_after": "1d"}));
    h.handle(&[
        fruit("TK1", 10.0, 5),
        decl("TK1", "huu-nghi", 10.0, true, "cleared", 10),
    ])
    .unwrap();
    assert!(h.state().get("decl/TK1").is_some());
    // 07:10 + 2h = 09:10: pruned from the 10:00 bucket on.
    h.handle(&[tick(at(27, 9, 59))]).unwrap();
    assert!(h.state().get("decl/TK1").is_some());
    let out = h.handle(&[tick(at(27, 10, 0))]).unwrap();
    assert!(
        out.is_empty(),
        "pruning a cleared declaration changes no figure"
    );
    assert!(h.state().get("decl/TK1").is_none());
    // Only the bucket of its waiting status's staleness is left; once it
    // passes, so does the bucket.
    assert_eq!(
        h.state()
            .keys()
            .filter(|k| k.starts_with("expiry/"))
            .count(),
        2
    );
    h.handle(&[tick(at(28, 8, 0))]).unwrap();
    assert!(!h.state().keys().any(|k| k.starts_with("expiry/")));
    // Its old events, redelivered, are too old to count again.
    let out = h
        .handle(&[
            fruit("TK1", 10.0, 5),
            decl("TK1", "huu-nghi", 10.0, true, "cleared", 10),
        ])
        .unwrap();
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn a_declaration_waiting_too_long_is_dropped_as_stale() {
    let mut h = harness_with(json!({"stale_waiting_after": "3d"}));
    h.handle(&[fruit("TK1", 10.0, 5), fruit("TK2", 5.0, at(28, 7, 0))])
        .unwrap();
    let out = h.handle(&[tick(at(30, 8, 0))]).unwrap();
    let v = volumes(&out);
    // Midnight resets come first (the 28th's declared tonnes), then TK1 goes.
    let last = v.last().unwrap();
    assert_eq!(last["waitingTonnes"], 5.0);
    assert_eq!(last["waitingDeclarations"], 1);
    assert_eq!(last["observedAt"], time(at(30, 8, 0)));
    assert!(h.state().get("decl/TK1").is_none());
    assert!(h.state().get("decl/TK2").is_some());
    assert!(
        h.logs()
            .iter()
            .any(|l| l.message.starts_with("stale declaration dropped"))
    );
}

#[test]
fn state_carries_across_restarts() {
    let mut h = harness();
    h.handle(&[fruit("TK1", 10.0, 5)]).unwrap();
    h.restart().unwrap();
    let out = h.handle(&[fruit("TK2", 2.5, 6)]).unwrap();
    assert_eq!(volumes(&out)[0]["waitingTonnes"], 12.5);
}

#[test]
fn other_event_types_are_skipped_with_a_warning() {
    let mut h = harness();
    let out = h
        .handle(&[cityhub_sdk::testing::TestEvent::new("city.traffic.incident").id("x-1")])
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(h.logs()[0].field("type"), Some("city.traffic.incident"));
    assert_eq!(h.logs()[0].field("event"), Some("x-1"));
}
