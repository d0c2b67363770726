//! Building readings for the tests.

use cityhub_plugin_traffic::Traffic;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

pub use cityhub_sdk::testing::outputs_of;

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

/// The data of an incident report: `id` on `road`, reported `minute`
/// minutes after 07:00.
pub fn incident_data(id: &str, category: &str, road: &str, status: &str, minute: u32) -> Value {
    json!({
        "incidentId": id,
        "category": category,
        "road": road,
        "location": {"type": "Point", "coordinates": [106.712, 21.962]},
        "description": "Va chạm giữa hai xe đầu kéo chở thanh long, chiếm một làn đường",
        "status": status,
        "observedAt": time(minute),
    })
}

/// An incident report event, with an id made of the incident, status and
/// minute (so a redelivery has the same id).
pub fn report(id: &str, category: &str, road: &str, status: &str, minute: u32) -> TestEvent {
    TestEvent::new("city.traffic.incident-report")
        .id(format!("ir-{id}-{status}-{minute}"))
        .source("/csgt/lang-son")
        .subject(id)
        .time(time(minute))
        .json(&incident_data(id, category, road, status, minute))
}

/// The data of a gate count at `minute` minutes after 07:00.
pub fn count_data(gate: &str, waiting: u32, cleared: u32, minute: u32) -> Value {
    json!({
        "gate": gate,
        "trucksWaiting": waiting,
        "trucksCleared": cleared,
        "observedAt": time(minute),
    })
}

/// A gate count event.
pub fn count(gate: &str, waiting: u32, cleared: u32, minute: u32) -> TestEvent {
    TestEvent::new("city.traffic.gate-count")
        .id(format!("gc-{gate}-{minute}"))
        .source("/cameras/border")
        .subject(gate)
        .time(time(minute))
        .json(&count_data(gate, waiting, cleared, minute))
}

/// `(type, subject)` of each output.
pub fn kinds(outputs: &[OutputEvent]) -> Vec<(String, String)> {
    outputs
        .iter()
        .map(|o| (o.ty.clone(), o.subject.clone().unwrap_or_default()))
        .collect()
}

/// Pairs of string slices, owned.
pub fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}
