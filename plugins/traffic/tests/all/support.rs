//! Building readings for the tests.

use cityhub_plugin_traffic::Traffic;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

/// The data of a TrafficFlowObserved reading of `segment`, for the five
/// minutes ending `minute` minutes after 07:00 (UTC+7).
pub fn data(segment: &str, speed: f64, intensity: f64, minute: u32) -> Value {
    json!({
        "refRoadSegment": segment,
        "location": {"type": "Point", "coordinates": [106.708, 21.968]},
        "intensity": intensity,
        "averageVehicleSpeed": speed,
        "dateObservedFrom": time(minute.saturating_sub(5)),
        "dateObservedTo": time(minute),
    })
}

pub fn time(minute: u32) -> String {
    format!(
        "2026-11-27T{:02}:{:02}:00+07:00",
        7 + minute / 60,
        minute % 60
    )
}

/// A reading event.
pub fn reading(segment: &str, speed: f64, minute: u32) -> TestEvent {
    TestEvent::new("city.traffic.reading")
        .subject(segment)
        .json(&data(segment, speed, 40.0, minute))
}

/// Readings of one segment at the given speeds, five minutes apart from
/// `first_minute`.
pub fn readings(segment: &str, speeds: &[f64], first_minute: u32) -> Vec<TestEvent> {
    speeds
        .iter()
        .zip((first_minute..).step_by(5))
        .map(|(&s, m)| reading(segment, s, m))
        .collect()
}

pub fn harness() -> Harness<Traffic> {
    Harness::<Traffic>::new(json!({})).unwrap()
}

/// `(subject, level)` of each output, checking the type on the way.
pub fn levels(outputs: &[OutputEvent]) -> Vec<(String, String)> {
    outputs
        .iter()
        .map(|o| {
            assert_eq!(o.ty, "city.traffic.congestion");
            let data: Value = o.json().unwrap();
            (
                o.subject.clone().unwrap(),
                data["level"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
