//! Border queues: length, rates over the window, trend, the indicator, and
//! redelivery, per gate.

use cityhub_plugin_traffic::{MAX_COUNTS, Queue, Traffic};
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

use crate::support::{count, harness, kinds, outputs_of, pairs, time};

const QUEUE: &str = "city.traffic.border-queue";
const INDICATOR: &str = "city.traffic.indicator";

/// A fruit-season morning at Hữu Nghị: a count every 15 minutes from 07:00,
/// 30 more trucks waiting each time, about 21 crossing.
fn morning() -> Vec<cityhub_sdk::testing::TestEvent> {
    [(0, 20), (15, 21), (30, 22), (45, 21), (60, 21)]
        .iter()
        .map(|&(m, cleared)| count("huu-nghi", 2280 + 2 * m, cleared, m))
        .collect()
}

#[test]
fn a_growing_queue_at_huu_nghi_is_measured_per_hour() {
    let mut h = harness();
    let out = h.handle(&morning()).unwrap();
    // A queue event and an indicator per count: the queue changes each time.
    assert_eq!(out.len(), 10);
    let queues = outputs_of(&out, QUEUE);
    let last = queues.last().unwrap();
    assert_eq!(
        last,
        &json!({
            "gate": "huu-nghi",
            "gateName": {"vi": "Cửa khẩu Quốc tế Hữu Nghị", "en": "Hữu Nghị International Border Gate"},
            "road": "QL1A",
            "location": {"type": "Point", "coordinates": [106.70, 21.98]},
            "queueLength": 2400,
            "growthPerHour": 120.0,
            "clearancePerHour": 85.0,
            "trend": "growing",
            "observedAt": "2026-11-27T08:00:00+07:00",
        })
    );
    assert_eq!(out[8].subject.as_deref(), Some("huu-nghi"));
    assert_eq!(out[8].time.as_deref(), Some(time(60).as_str()));
    // The first count has no rates yet; the second measures over 15 minutes.
    assert_eq!(
        (
            queues[0]["growthPerHour"].as_f64(),
            queues[0]["trend"].as_str()
        ),
        (Some(0.0), Some("steady"))
    );
    assert_eq!(queues[1]["growthPerHour"], 120.0);
    assert_eq!(queues[1]["clearancePerHour"], 84.0);

    let indicator = outputs_of(&out, INDICATOR).pop().unwrap();
    assert_eq!(
        indicator,
        json!({
            "indicator": "border-queue", "scope": "huu-nghi",
            "scopeName": "Cửa khẩu Quốc tế Hữu Nghị",
            "name": {"vi": "Xe tải chờ qua cửa khẩu", "en": "Trucks waiting at the border gate"},
            "value": 2400.0, "unit": "count", "observedAt": "2026-11-27T08:00:00+07:00",
        })
    );
    let queue: Queue = h.state().get_json("gate/huu-nghi").unwrap().unwrap();
    assert_eq!(queue.counts.len(), 5);
}

#[test]
fn counts_leave_the_rate_window() {
    let mut h = harness();
    let mut events = morning();
    // Clearance stops: the queue keeps growing by 30 per quarter hour.
    events.push(count("huu-nghi", 2430, 0, 75));
    let out = h.handle(&events).unwrap();
    let last = outputs_of(&out, QUEUE).pop().unwrap();
    assert_eq!(
        (
            last["growthPerHour"].as_f64(),
            last["clearancePerHour"].as_f64()
        ),
        (Some(120.0), Some(64.0))
    );
    let queue: Queue = h.state().get_json("gate/huu-nghi").unwrap().unwrap();
    assert_eq!(queue.counts.len(), 5, "the 07:00 count left the window");

    // A 30-minute window measures over the last half hour only.
    let mut h = Harness::<Traffic>::new(json!({"rate_window": "30m"})).unwrap();
    let out = h.handle(&events).unwrap();
    let last = outputs_of(&out, QUEUE).pop().unwrap();
    assert_eq!(
        (
            last["growthPerHour"].as_f64(),
            last["clearancePerHour"].as_f64()
        ),
        (Some(120.0), Some(42.0))
    );
}

#[test]
fn trend_follows_the_steady_band() {
    let at = |band: Option<f64>, waiting: &[u32]| -> Vec<String> {
        let config = band.map_or(json!({}), |b| json!({"steady_band_per_hour": b}));
        let mut h = Harness::<Traffic>::new(config).unwrap();
        let events: Vec<_> = waiting
            .iter()
            .zip((0..).step_by(30))
            .map(|(&w, m)| count("tan-thanh", w, 40, m))
            .collect();
        outputs_of(&h.handle(&events).unwrap(), QUEUE)
            .iter()
            .map(|q| q["trend"].as_str().unwrap().to_owned())
            .collect()
    };
    // Over 30 minutes: +5 is 10/h (steady), -6 is -12/h (shrinking), +6 is 12/h.
    assert_eq!(at(None, &[800, 805]), ["steady", "steady"]);
    assert_eq!(at(None, &[800, 794]), ["steady", "shrinking"]);
    assert_eq!(at(None, &[800, 806]), ["steady", "growing"]);
    assert_eq!(at(Some(20.0), &[800, 806]), ["steady", "steady"]);
    assert_eq!(
        at(Some(0.0), &[800, 800, 801]),
        ["steady", "steady", "growing"]
    );
}

#[test]
fn the_indicator_follows_only_changes_in_trucks_waiting() {
    let mut h = harness();
    let out = h
        .handle(&[
            count("chi-ma", 150, 10, 0),
            count("chi-ma", 150, 12, 10),
            count("chi-ma", 140, 20, 20),
        ])
        .unwrap();
    assert_eq!(
        kinds(&out),
        pairs(&[
            (QUEUE, "chi-ma"),
            (INDICATOR, "chi-ma"),
            (QUEUE, "chi-ma"),
            (QUEUE, "chi-ma"),
            (INDICATOR, "chi-ma"),
        ])
    );
    let q = &outputs_of(&out, QUEUE)[0];
    assert_eq!(q["gateName"]["vi"], "Cửa khẩu Chi Ma");
    assert_eq!(q["road"], "QL4B");
}

#[test]
fn a_redelivered_or_older_count_changes_nothing() {
    let mut h = harness();
    let events = morning();
    h.handle(&events).unwrap();
    let before: Value = h.state().get_json("gate/huu-nghi").unwrap().unwrap();
    assert!(h.handle(&events).unwrap().is_empty());
    assert!(
        h.handle(&[count("huu-nghi", 9999, 9, 50)])
            .unwrap()
            .is_empty()
    );
    let after: Value = h.state().get_json("gate/huu-nghi").unwrap().unwrap();
    assert_eq!(before, after);
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message.starts_with("gate count skipped"))
            .count(),
        6
    );
}

#[test]
fn gates_are_independent_and_state_is_bounded() {
    let mut h = harness();
    h.handle(&[
        count("huu-nghi", 2400, 85, 0),
        count("dong-dang", 60, 5, 0),
        count("coc-nam", 30, 2, 0),
    ])
    .unwrap();
    assert_eq!(
        h.state().keys().collect::<Vec<_>>(),
        [
            "clock/now",
            "gate/coc-nam",
            "gate/dong-dang",
            "gate/huu-nghi"
        ]
    );
    // A count every ten seconds for two hours, with a one-day window: the
    // ring keeps the newest MAX_COUNTS.
    let mut h = Harness::<Traffic>::new(json!({"rate_window": "1d"})).unwrap();
    let events: Vec<_> = (0..720u32)
        .map(|i| {
            let mut e = count("tan-thanh", 500 + i, 1, 0);
            e.id = format!("tt-{i}");
            e.json(&json!({
                "gate": "tan-thanh", "trucksWaiting": 500 + i, "trucksCleared": 1,
                "observedAt": format!("2026-11-27T{:02}:{:02}:{:02}+07:00", 7 + i / 360, i / 6 % 60, i % 6 * 10),
            }))
        })
        .collect();
    let out = h.handle(&events).unwrap();
    let queue: Queue = h.state().get_json("gate/tan-thanh").unwrap().unwrap();
    assert_eq!(queue.counts.len(), MAX_COUNTS);
    // Over the last 119 intervals of ten seconds: 119 trucks each way.
    let last = outputs_of(&out, QUEUE).pop().unwrap();
    assert_eq!(last["growthPerHour"], 360.0);
    assert_eq!(last["clearancePerHour"], 360.0);
}

#[test]
fn configured_gates_replace_the_defaults() {
    let gate = json!({
        "id": "na-hinh", "name": {"vi": "Cửa khẩu Na Hình", "en": "Na Hình Border Gate"},
        "road": "QL4A", "location": {"type": "Point", "coordinates": [106.62, 22.02]},
    });
    let mut h = Harness::<Traffic>::new(json!({"gates": [gate]})).unwrap();
    let out = h.handle(&[count("na-hinh", 12, 3, 0)]).unwrap();
    assert_eq!(
        outputs_of(&out, QUEUE)[0]["gateName"]["vi"],
        "Cửa khẩu Na Hình"
    );
    let err = h.handle(&[count("huu-nghi", 12, 3, 5)]).unwrap_err();
    assert_eq!(
        err.message(),
        "`data.gate` names no configured border gate: \"huu-nghi\"; known gates: `na-hinh`"
    );
}

#[test]
fn unreadable_gate_state_is_logged_and_started_afresh() {
    let mut h = harness();
    h.state_mut().insert("gate/huu-nghi", b"[1,2,3]".to_vec());
    let out = h.handle(&[count("huu-nghi", 2400, 85, 0)]).unwrap();
    assert_eq!(outputs_of(&out, QUEUE)[0]["growthPerHour"], 0.0);
    assert_eq!(
        h.logs()[0].message,
        "gate state unreadable, starting afresh"
    );
}
