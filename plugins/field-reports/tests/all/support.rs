//! Building reports, updates and ticks for the tests, and reading the
//! outputs back.

use std::time::Duration;

use cityhub_plugin_field_reports::FieldReports;
use cityhub_sdk::Timestamp;
use cityhub_sdk::city::{after, local_rfc3339};
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

pub use cityhub_sdk::testing::{indicators, outputs_of};

/// `2026-11-27T08:00:00+07:00` plus `minutes`, at +07:00.
pub fn time(minutes: u64) -> String {
    let start = Timestamp::parse_rfc3339("2026-11-27T08:00:00+07:00").unwrap();
    local_rfc3339(after(start, Duration::from_secs(minutes * 60)))
}

/// `2026-11-27T08:00:00+07:00` plus `hours`.
pub fn hours(hours: u64) -> String {
    time(hours * 60)
}

/// The data of a report `id` with `code` and `description`, on QL4A near
/// TP Lạng Sơn, submitted at `time`.
pub fn report_data(id: &str, code: Option<&str>, description: &str, time: &str) -> Value {
    let mut d = json!({
        "service_request_id": id,
        "description": description,
        "lat": 21.8712,
        "long": 106.7355,
        "address_string": "Km 5, xã Hoàng Đồng, TP Lạng Sơn",
        "media_url": "https://phananh.langson.gov.vn/media/1.jpg",
        "requested_datetime": time,
    });
    if let Some(code) = code {
        d["service_code"] = code.into();
    }
    d
}

/// A `city.fieldreport.submitted` event of `data`, with the event id made
/// from the request id (a redelivery has the same).
pub fn submitted(data: Value) -> TestEvent {
    let id = data["service_request_id"].as_str().unwrap_or("").to_owned();
    let time = data["requested_datetime"].as_str().map(str::to_owned);
    let mut e = TestEvent::new("city.fieldreport.submitted")
        .id(format!("sub-{id}"))
        .source("/open311/v2")
        .subject(&id)
        .json(&data);
    if let Some(time) = time {
        e = e.time(time);
    }
    e
}

/// A report `id` filed under `code` at `time`.
pub fn report(id: &str, code: &str, time: &str) -> TestEvent {
    submitted(report_data(id, Some(code), "Ổ gà lớn giữa đường", time))
}

/// An agency's update of `id`.
pub fn update(id: &str, status: &str, notes: Option<&str>, time: &str) -> TestEvent {
    update_data(json!({
        "service_request_id": id,
        "status": status,
        "status_notes": notes,
        "updated_datetime": time,
    }))
}

pub fn update_data(data: Value) -> TestEvent {
    let id = data["service_request_id"].as_str().unwrap_or("").to_owned();
    let time = data["updated_datetime"].as_str().unwrap_or("").to_owned();
    TestEvent::new("city.fieldreport.progress")
        .id(format!("upd-{id}-{time}"))
        .source("/agencies/test")
        .subject(id)
        .time(time)
        .json(&data)
}

pub fn harness() -> Harness<FieldReports> {
    Harness::<FieldReports>::new(json!({})).unwrap()
}

pub fn harness_with(config: Value) -> Harness<FieldReports> {
    Harness::<FieldReports>::new(config).unwrap()
}

/// The `city.fieldreport.request` outputs, checking the subject on the way.
pub fn requests(outputs: &[OutputEvent]) -> Vec<Value> {
    outputs
        .iter()
        .filter(|o| o.ty == "city.fieldreport.request")
        .map(|o| {
            let data: Value = o.json().unwrap();
            assert_eq!(o.subject.as_deref(), data["service_request_id"].as_str());
            data
        })
        .collect()
}

/// The types of `outputs`, in order, without the `city.fieldreport.` prefix.
pub fn types(outputs: &[OutputEvent]) -> Vec<&str> {
    outputs
        .iter()
        .map(|o| o.ty.trim_start_matches("city.fieldreport."))
        .collect()
}

pub const GTVT: &str = "so-giao-thong-van-tai";
pub const CSGT: &str = "cong-an-tinh-lang-son-phong-csgt";
pub const CITY: &str = "ubnd-thanh-pho-lang-son";
