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

/// A compact line per output: `indicator <scope> <value>` or `alert
/// <alertId> <status> <severity>`, checking type, subject and time.
pub fn lines(outputs: &[OutputEvent]) -> Vec<String> {
    outputs
        .iter()
        .map(|o| {
            let data: Value = o.json().unwrap();
            assert_eq!(o.time.as_deref(), data["observedAt"].as_str());
            match o.ty.as_str() {
                "city.education.indicator" => {
                    assert_eq!(o.subject.as_deref(), data["scope"].as_str());
                    assert_eq!(data["indicator"], "attendance");
                    format!(
                        "indicator {} {}",
                        data["scope"].as_str().unwrap(),
                        data["value"]
                    )
                }
                "city.education.alert" => {
                    assert_eq!(o.subject.as_deref(), data["alertId"].as_str());
                    format!(
                        "alert {} {} {}",
                        data["alertId"].as_str().unwrap(),
                        data["status"].as_str().unwrap(),
                        data["severity"].as_str().unwrap()
                    )
                }
                other => panic!("unexpected output type {other}"),
            }
        })
        .collect()
}

/// The data of the only output.
pub fn only(outputs: &[OutputEvent]) -> Value {
    assert_eq!(outputs.len(), 1, "{:?}", lines(outputs));
    outputs[0].json().unwrap()
}
