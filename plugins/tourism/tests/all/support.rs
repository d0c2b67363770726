//! Building visitor counts, occupancy reports, events and ticks for the
//! tests, and reading the outputs back.

use cityhub_plugin_tourism::Tourism;
use cityhub_sdk::Timestamp;
use cityhub_sdk::city::local_rfc3339;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

pub use cityhub_sdk::testing::{indicators, outputs_of};

/// `2026-11-27T07:00:00+07:00` plus `minute` minutes, at `+07:00`.
pub fn time(minute: u32) -> String {
    let base = Timestamp::parse_rfc3339("2026-11-27T07:00:00+07:00").unwrap();
    local_rfc3339(Timestamp::new(base.seconds() + i64::from(minute) * 60, 0))
}

pub fn visitors_data(site: &str, name: &str, present: u32, minute: u32) -> Value {
    json!({"site": site, "siteName": name, "present": present, "observedAt": time(minute)})
}

/// A count at Mẫu Sơn (capacity 5,000 by default).
pub fn mau_son(present: u32, minute: u32) -> TestEvent {
    visitors("mau-son", "Khu du lịch Mẫu Sơn", present, minute)
}

pub fn visitors(site: &str, name: &str, present: u32, minute: u32) -> TestEvent {
    TestEvent::new("city.tourism.visitors")
        .id(format!("vis-{site}-{minute}"))
        .source("/sensors/camera-counters")
        .subject(site)
        .time(time(minute))
        .json(&visitors_data(site, name, present, minute))
}

pub fn occupancy_data(id: &str, district: &str, total: u32, occupied: u32, minute: u32) -> Value {
    json!({
        "accommodationId": id, "district": district, "roomsTotal": total,
        "roomsOccupied": occupied, "observedAt": time(minute),
    })
}

pub fn occupancy(id: &str, district: &str, total: u32, occupied: u32, minute: u32) -> TestEvent {
    TestEvent::new("city.tourism.occupancy")
        .id(format!("occ-{id}-{minute}"))
        .source("/luu-tru/langson")
        .json(&occupancy_data(id, district, total, occupied, minute))
}

pub fn event_data(id: &str, name: &str, site: &str, starts: u32, ends: u32) -> Value {
    json!({
        "eventId": id, "name": name, "site": site, "startsAt": time(starts),
        "endsAt": time(ends), "expectedVisitors": 8000,
    })
}

/// An event at `site` from minute `starts` to minute `ends`.
pub fn event(id: &str, name: &str, site: &str, starts: u32, ends: u32) -> TestEvent {
    TestEvent::new("city.tourism.event")
        .id(format!("ev-{id}"))
        .source("/svhttdl/lich-su-kien")
        .json(&event_data(id, name, site, starts, ends))
}

/// A clock tick at `minute`.
pub fn tick(minute: u32) -> TestEvent {
    TestEvent::tick(&time(minute))
}

pub fn harness() -> Harness<Tourism> {
    Harness::<Tourism>::new(json!({})).unwrap()
}

pub fn harness_with(config: Value) -> Harness<Tourism> {
    Harness::<Tourism>::new(config).unwrap()
}

pub fn alerts(outputs: &[OutputEvent]) -> Vec<Value> {
    outputs_of(outputs, "city.tourism.alert")
}

/// `(status, severity)` of each alert.
pub fn statuses(outputs: &[OutputEvent]) -> Vec<(String, String)> {
    alerts(outputs)
        .iter()
        .map(|a| {
            (
                a["status"].as_str().unwrap().to_owned(),
                a["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn pair(status: &str, severity: &str) -> (String, String) {
    (status.to_owned(), severity.to_owned())
}

pub fn ind(indicator: &str, scope: &str, value: f64) -> (String, String, f64) {
    (indicator.to_owned(), scope.to_owned(), value)
}
