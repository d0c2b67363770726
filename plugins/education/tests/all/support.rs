//! Building education inputs for the tests, and reading the outputs back.

use cityhub_plugin_education::Education;
use cityhub_sdk::Timestamp;
use cityhub_sdk::city::local_rfc3339;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

/// Minutes in a day.
pub const DAY: u32 = 1440;

pub const HVT: &str = "Trường THCS Hoàng Văn Thụ";

/// `2026-11-27T08:00:00+07:00` plus `minute` minutes.
pub fn time(minute: u32) -> String {
    let start = Timestamp::parse_rfc3339("2026-11-27T08:00:00+07:00").unwrap();
    local_rfc3339(Timestamp::new(start.seconds() + i64::from(minute) * 60, 0))
}

/// The school day of `minute`.
pub fn date(minute: u32) -> String {
    time(minute)[..10].to_owned()
}

pub fn attendance_data(enrolled: u32, present: u32, minute: u32) -> Value {
    json!({
        "school": "thcs-hoang-van-thu",
        "schoolName": HVT,
        "district": "TP Lạng Sơn",
        "enrolled": enrolled,
        "present": present,
        "date": date(minute),
        "observedAt": time(minute),
    })
}

/// Trường THCS Hoàng Văn Thụ's attendance (640 enrolled), taken `minute`
/// minutes after 27/11 08:00, for that day.
pub fn attendance(present: u32, minute: u32) -> TestEvent {
    TestEvent::new("city.education.attendance")
        .id(format!("att-hvt-{minute}-{present}"))
        .subject("thcs-hoang-van-thu")
        .json(&attendance_data(640, present, minute))
}

pub fn incident_data(id: &str, severity: &str, status: Option<&str>, minute: u32) -> Value {
    let mut d = json!({
        "incidentId": id,
        "school": "th-dong-dang",
        "schoolName": "Trường TH Đồng Đăng",
        "category": "food-poisoning",
        "severity": severity,
        "description": "12 học sinh đau bụng sau bữa ăn bán trú",
        "observedAt": time(minute),
    });
    if let Some(status) = status {
        d["status"] = json!(status);
    }
    d
}

pub fn incident(id: &str, severity: &str, status: Option<&str>, minute: u32) -> TestEvent {
    TestEvent::new("city.education.incident")
        .id(format!("inc-{id}-{minute}"))
        .json(&incident_data(id, severity, status, minute))
}

pub fn harness() -> Harness<Education> {
    Harness::<Education>::new(json!({})).unwrap()
}

pub fn harness_with(config: Value) -> Harness<Education> {
    Harness::<Education>::new(config).unwrap()
}

/// A compact line per output, checking subject and time (the SDK's).
pub use cityhub_sdk::testing::city_lines as lines;

/// The data of the only output.
pub fn only(outputs: &[OutputEvent]) -> Value {
    assert_eq!(outputs.len(), 1, "{:?}", lines(outputs));
    outputs[0].json().unwrap()
}
