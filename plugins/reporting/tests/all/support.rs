//! Building directives, indicators and clock ticks for the tests, and
//! reading the outputs back.

use cityhub_plugin_reporting::Reporting;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

pub use cityhub_sdk::testing::outputs_of;

/// `2026-11-<day>T<hour>:00:00+07:00`.
pub fn at(day: u32, hour: u32) -> String {
    format!("2026-11-{day:02}T{hour:02}:00:00+07:00")
}

/// The data of directive `id` to the Department of Transport, issued on
/// the 25th at 09:00 and due on the 26th at 17:00, at `status` observed at
/// `observed`.
pub fn data(id: &str, status: &str, observed: &str) -> Value {
    json!({
        "directiveId": id,
        "title": {
            "vi": "Phân luồng xe chở nông sản trên QL4A về cửa khẩu Tân Thanh",
            "en": "Route produce trucks on QL4A to the Tân Thanh border gate",
        },
        "agency": "so-giao-thong-van-tai",
        "issuedBy": "Chủ tịch UBND tỉnh",
        "issuedAt": at(25, 9),
        "deadline": at(26, 17),
        "status": status,
        "observedAt": observed,
    })
}

/// A directive event; a redelivered one has the same id.
pub fn directive(data: Value) -> TestEvent {
    let id = format!(
        "{}-{}-{}",
        data["directiveId"].as_str().unwrap(),
        data["status"].as_str().unwrap(),
        data["observedAt"].as_str().unwrap()
    );
    TestEvent::new("city.reporting.directive")
        .id(id)
        .source("/chi-dao/ubnd-tinh")
        .time(data["observedAt"].as_str().unwrap())
        .json(&data)
}

/// `directive(data(id, status, observed))`.
pub fn simple(id: &str, status: &str, observed: &str) -> TestEvent {
    directive(data(id, status, observed))
}

/// A `city.<sector>.indicator` event.
pub fn indicator(sector: &str, name: &str, scope: &str, value: f64, observed: &str) -> TestEvent {
    TestEvent::new(format!("city.{sector}.indicator"))
        .id(format!("{sector}-{name}-{scope}-{observed}"))
        .source(format!("/plugins/{sector}"))
        .json(&json!({
            "indicator": name, "scope": scope, "scopeName": "Cửa khẩu Hữu Nghị",
            "name": {"vi": "Hàng đợi xe tại cửa khẩu", "en": "Border queue"},
            "value": value, "unit": "count", "observedAt": observed,
        }))
}

pub fn harness() -> Harness<Reporting> {
    Harness::<Reporting>::new(json!({})).unwrap()
}

pub fn harness_with(config: Value) -> Harness<Reporting> {
    Harness::<Reporting>::new(config).unwrap()
}

/// `(directiveId, status)` of each directive-status output.
pub fn statuses(outputs: &[OutputEvent]) -> Vec<(String, String)> {
    pairs(
        outputs,
        "city.reporting.directive-status",
        "directiveId",
        "status",
    )
}

/// `(alertId, status)` of each alert output.
pub fn alerts(outputs: &[OutputEvent]) -> Vec<(String, String)> {
    pairs(outputs, "city.reporting.alert", "alertId", "status")
}

fn pairs(outputs: &[OutputEvent], ty: &str, a: &str, b: &str) -> Vec<(String, String)> {
    outputs_of(outputs, ty)
        .iter()
        .map(|d| {
            (
                d[a].as_str().unwrap().to_owned(),
                d[b].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Pairs of string slices, owned.
pub fn expect(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// `(scope, value)` of each `directives-overdue` output.
pub fn overdue_counts(outputs: &[OutputEvent]) -> Vec<(String, f64)> {
    outputs_of(outputs, "city.reporting.indicator")
        .iter()
        .map(|d| {
            assert_eq!(d["indicator"], "directives-overdue");
            (
                d["scope"].as_str().unwrap().to_owned(),
                d["value"].as_f64().unwrap(),
            )
        })
        .collect()
}
