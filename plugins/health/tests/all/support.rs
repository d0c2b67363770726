//! Building health inputs for the tests, and reading the outputs back.

use cityhub_plugin_health::Health;
use cityhub_sdk::Timestamp;
use cityhub_sdk::city::local_rfc3339;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

/// `2026-11-27T07:00:00+07:00` plus `minute` minutes.
pub fn time(minute: u32) -> String {
    let start = Timestamp::parse_rfc3339("2026-11-27T07:00:00+07:00").unwrap();
    local_rfc3339(Timestamp::new(start.seconds() + i64::from(minute) * 60, 0))
}

/// Minutes in a day.
pub const DAY: u32 = 1440;

pub const BV_TINH: &str = "Bệnh viện Đa khoa tỉnh Lạng Sơn";

pub fn beds_data(hospital: &str, name: &str, total: u32, occupied: u32, minute: u32) -> Value {
    json!({
        "hospital": hospital,
        "hospitalName": name,
        "bedsTotal": total,
        "bedsOccupied": occupied,
        "observedAt": time(minute),
    })
}

/// A bed count of the provincial hospital (560 beds).
pub fn beds(occupied: u32, minute: u32) -> TestEvent {
    TestEvent::new("city.health.beds")
        .id(format!("beds-bvdk-tinh-{minute}"))
        .subject("bvdk-tinh")
        .time(time(minute))
        .json(&beds_data("bvdk-tinh", BV_TINH, 560, occupied, minute))
}

pub fn call_data(id: &str, district: &str, minute: u32) -> Value {
    json!({
        "callId": id,
        "district": district,
        "category": "trauma",
        "location": {"type": "Point", "coordinates": [106.768, 21.951]},
        "receivedAt": time(minute),
    })
}

pub fn call(id: &str, district: &str, minute: u32) -> TestEvent {
    TestEvent::new("city.health.emergency-call")
        .id(format!("ev-{id}"))
        .json(&call_data(id, district, minute))
}

pub fn case_data(id: &str, disease: &str, district: &str, minute: u32) -> Value {
    json!({"caseId": id, "disease": disease, "district": district, "reportedAt": time(minute)})
}

pub fn case(id: &str, disease: &str, district: &str, minute: u32) -> TestEvent {
    TestEvent::new("city.health.case-report")
        .id(format!("ev-{id}"))
        .json(&case_data(id, disease, district, minute))
}

/// Dengue cases in `district`, one a day from `first_minute`, ids `<prefix>-<n>`.
pub fn dengue(prefix: &str, district: &str, n: u32, first_minute: u32) -> Vec<TestEvent> {
    (0..n)
        .map(|i| {
            case(
                &format!("{prefix}-{i}"),
                "Sốt xuất huyết",
                district,
                first_minute + i * DAY,
            )
        })
        .collect()
}

/// A clock tick at `minute`.
pub fn tick(minute: u32) -> TestEvent {
    TestEvent::tick(&time(minute))
}

pub fn harness() -> Harness<Health> {
    Harness::<Health>::new(json!({})).unwrap()
}

pub fn harness_with(config: Value) -> Harness<Health> {
    Harness::<Health>::new(config).unwrap()
}

/// A compact line per output, checking subject and time (the SDK's).
pub use cityhub_sdk::testing::city_lines as lines;

/// The data of the only output.
pub fn only(outputs: &[OutputEvent]) -> Value {
    assert_eq!(outputs.len(), 1, "{:?}", lines(outputs));
    outputs[0].json().unwrap()
}
