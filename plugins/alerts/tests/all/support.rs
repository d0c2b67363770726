//! Building congestion events for the tests, and reading the alerts back.

use cityhub_plugin_alerts::Alerts;
use cityhub_sdk::city::{Alert, Severity};
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

/// `2026-11-27T07:00:00+07:00` plus `minute` minutes.
pub fn time(minute: u32) -> String {
    format!(
        "2026-11-27T{:02}:{:02}:00+07:00",
        7 + minute / 60,
        minute % 60
    )
}

/// A speed that fits `level` under the traffic plugin's default thresholds.
fn speed(level: &str) -> f64 {
    match level {
        "severe" => 8.5,
        "heavy" => 15.2,
        _ => 24.3,
    }
}

/// The data of a `city.traffic.congestion` event as the traffic plugin
/// emits it: `segment` at `level`, observed `minute` minutes after 07:00.
pub fn data(segment: &str, level: &str, minute: u32) -> Value {
    json!({
        "refRoadSegment": segment,
        "location": {"type": "Point", "coordinates": [106.708, 21.968]},
        "averageVehicleSpeed": speed(level),
        "intensity": 52.3,
        "congested": level != "cleared",
        "level": level,
        "samples": 6,
        "observedAt": time(minute),
    })
}

/// A congestion event, with `time` = its `observedAt` and an id made of the
/// segment and the minute (so a redelivered event has the same id).
pub fn congestion(segment: &str, level: &str, minute: u32) -> TestEvent {
    TestEvent::new("city.traffic.congestion")
        .id(format!("cg-{segment}-{minute}"))
        .source("/plugins/traffic")
        .subject(segment)
        .time(time(minute))
        .json(&data(segment, level, minute))
}

/// Congestion events of one segment at the given levels, ten minutes apart
/// from `first_minute`.
pub fn congestions(segment: &str, levels: &[&str], first_minute: u32) -> Vec<TestEvent> {
    levels
        .iter()
        .zip((first_minute..).step_by(10))
        .map(|(level, m)| congestion(segment, level, m))
        .collect()
}

pub fn harness() -> Harness<Alerts> {
    Harness::<Alerts>::new(json!({})).unwrap()
}

pub fn harness_with(config: Value) -> Harness<Alerts> {
    Harness::<Alerts>::new(config).unwrap()
}

/// `(segment, status, level, priority)` of each output, checking on the way
/// the type, the subject, the alert id and the shared alert fields that
/// follow from them.
pub fn alerts(outputs: &[OutputEvent]) -> Vec<(String, String, String, String)> {
    outputs
        .iter()
        .map(|o| {
            assert_eq!(o.ty, "city.traffic.alert");
            let data: Value = o.json().unwrap();
            // It reads as the city's shared alert shape.
            let shared: Alert = serde_json::from_value(data.clone()).unwrap();
            let segment = data["segment"].as_str().unwrap().to_owned();
            assert_eq!(o.subject.as_deref(), Some(segment.as_str()));
            assert_eq!(shared.alert_id, segment);
            assert_eq!(
                (&*shared.category, &*shared.sub_category),
                ("traffic", "congestion")
            );
            assert_eq!(shared.figures["segment"], segment);
            assert_eq!(shared.figures["level"], data["level"]);
            let field = |name: &str| data[name].as_str().unwrap().to_owned();
            let severity = match field("priority").as_str() {
                "high" => Severity::High,
                _ => Severity::Medium,
            };
            assert_eq!(shared.severity, severity);
            (segment, field("status"), field("level"), field("priority"))
        })
        .collect()
}

/// The expected result of [`alerts`], from string slices.
pub fn expect(rows: &[(&str, &str, &str, &str)]) -> Vec<(String, String, String, String)> {
    rows.iter()
        .map(|(s, st, l, p)| {
            (
                (*s).to_owned(),
                (*st).to_owned(),
                (*l).to_owned(),
                (*p).to_owned(),
            )
        })
        .collect()
}
