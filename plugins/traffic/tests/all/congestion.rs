//! Congestion is detected, escalated, carried across batches and cleared.

use cityhub_plugin_traffic::{Level, Segment};
use serde_json::{Value, json};

use crate::support::{harness, levels, reading, readings, time};

#[test]
fn congestion_is_announced_once_min_samples_readings_are_slow() {
    let mut h = harness();
    let out = h.handle(&readings("QL1A-km2", &[12.0, 11.0], 5)).unwrap();
    assert!(
        out.is_empty(),
        "two readings are fewer than min_samples (3): {out:?}"
    );

    let out = h.handle(&readings("QL1A-km2", &[13.0], 15)).unwrap();
    assert_eq!(out.len(), 1);
    let congestion = &out[0];
    assert_eq!(congestion.subject.as_deref(), Some("QL1A-km2"));
    assert_eq!(congestion.time.as_deref(), Some(time(15).as_str()));
    let data: Value = congestion.json().unwrap();
    assert_eq!(
        data,
        json!({
            "refRoadSegment": "QL1A-km2",
            "location": {"type": "Point", "coordinates": [106.708, 21.968]},
            "averageVehicleSpeed": 12.09, // 0.3*13 + 0.7*(0.3*11 + 0.7*12)
            "intensity": 40.0,
            "congested": true,
            "level": "heavy",
            "samples": 3,
            "observedAt": "2026-11-27T07:15:00+07:00",
        })
    );
}

#[test]
fn state_carries_across_batches_and_instances() {
    let mut h = harness();
    h.handle(&readings("QL4A-km8", &[22.0, 16.0], 5)).unwrap();
    let seg = Segment::from_bytes(h.state().get("segment/QL4A-km8").unwrap()).unwrap();
    assert_eq!((seg.speed, seg.samples, seg.level), (20.2, 2, Level::Free));

    // The host may replace the instance between batches: nothing may be lost.
    h.restart().unwrap();
    let out = h.handle(&readings("QL4A-km8", &[14.0], 15)).unwrap();
    assert_eq!(levels(&out), [("QL4A-km8".to_owned(), "heavy".to_owned())]);
    let seg = Segment::from_bytes(h.state().get("segment/QL4A-km8").unwrap()).unwrap();
    assert_eq!(
        (seg.speed, seg.samples, seg.level),
        (18.34, 3, Level::Heavy)
    );
    assert_eq!(
        h.state().get("segment/QL4A-km8").map(<[u8]>::len),
        Some(cityhub_plugin_traffic::ENCODED_LEN),
        "state is the fixed binary record"
    );
}

#[test]
fn every_level_change_is_announced_and_no_other_reading() {
    let mut h = harness();
    // 28 → 24.1 → 19.57 (heavy) → 15.5 → 12.35 → 9.84 (severe) → 12.89 (heavy)
    // → 21.92 (cleared) → 27.34
    let out = h
        .handle(&readings(
            "QL1A-km2",
            &[28.0, 15.0, 9.0, 6.0, 5.0, 4.0, 20.0, 43.0, 40.0],
            5,
        ))
        .unwrap();
    let changes: Vec<String> = levels(&out).into_iter().map(|(_, level)| level).collect();
    assert_eq!(changes, ["heavy", "severe", "heavy", "cleared"]);
    let cleared: Value = out[3].json().unwrap();
    assert_eq!(cleared["congested"], false);
    assert_eq!(cleared["averageVehicleSpeed"], 21.92);
    assert_eq!(cleared["samples"], 8);
}

#[test]
fn segments_are_independent() {
    let mut h = harness();
    let mut events = readings("QL1A-km2", &[8.0, 8.0, 8.0], 5);
    events.extend(readings("QL1B-km4", &[55.0, 52.0, 58.0], 5));
    let out = h.handle(&events).unwrap();
    assert_eq!(levels(&out), [("QL1A-km2".to_owned(), "severe".to_owned())]);
    assert_eq!(
        h.state().keys().collect::<Vec<_>>(),
        ["segment/QL1A-km2", "segment/QL1B-km4"]
    );
}

#[test]
fn a_repeated_or_older_reading_is_skipped_not_counted_twice() {
    let mut h = harness();
    let events = readings("QL1A-km2", &[12.0, 12.0], 5);
    h.handle(&events).unwrap();
    // The bus redelivers the same readings, then an old one arrives late.
    let out = h.handle(&events).unwrap();
    assert!(out.is_empty());
    let out = h.handle(&[reading("QL1A-km2", 1.0, 0)]).unwrap();
    assert!(out.is_empty());
    let seg = Segment::from_bytes(h.state().get("segment/QL1A-km2").unwrap()).unwrap();
    assert_eq!(seg.samples, 2);
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message.starts_with("reading skipped"))
            .count(),
        3
    );
}

#[test]
fn unreadable_segment_state_is_logged_and_started_afresh() {
    let mut h = harness();
    h.state_mut()
        .insert("segment/QL1A-km2", b"{\"speed\":\"fast\"}".to_vec());
    h.handle(&readings("QL1A-km2", &[30.0], 5)).unwrap();
    let seg = Segment::from_bytes(h.state().get("segment/QL1A-km2").unwrap()).unwrap();
    assert_eq!((seg.speed, seg.samples), (30.0, 1));
    let log = &h.logs()[0];
    assert_eq!(log.message, "segment state unreadable, starting afresh");
    assert_eq!(log.field("key"), Some("segment/QL1A-km2"));
}

#[test]
fn other_event_types_are_skipped_with_a_warning() {
    let mut h = harness();
    let out = h
        .handle(&[cityhub_sdk::testing::TestEvent::new("city.traffic.incident").id("x-1")])
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(h.logs()[0].field("type"), Some("city.traffic.incident"));
}
