//! Building dossier events and clock ticks for the tests, and reading the
//! outputs back.

use cityhub_plugin_public_admin::PublicAdmin;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

pub use cityhub_sdk::testing::{indicators, outputs_of};

/// `2026-11-<day>T<hour>:00:00+07:00`.
pub fn at(day: u32, hour: u32) -> String {
    format!("2026-11-{day:02}T{hour:02}:00:00+07:00")
}

/// The data of a dossier of the Department of Justice's criminal-record
/// procedure, received on the 20th at 08:00 and due on the 27th at 17:00,
/// with `status` observed at `observed`.
pub fn data(id: &str, status: &str, observed: &str) -> Value {
    json!({
        "dossierId": id,
        "procedure": "2.000488",
        "procedureName": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        "agency": "so-tu-phap",
        "status": status,
        "receivedAt": at(20, 8),
        "dueAt": at(27, 17),
        "observedAt": observed,
    })
}

/// A dossier event; its id is made of the dossier, status and time, so a
/// redelivered one has the same id.
pub fn dossier(data: Value) -> TestEvent {
    let id = format!(
        "{}-{}-{}",
        data["dossierId"].as_str().unwrap(),
        data["status"].as_str().unwrap(),
        data["observedAt"].as_str().unwrap()
    );
    TestEvent::new("city.admin.dossier")
        .id(id)
        .source("/mot-cua/lang-son")
        .subject(data["dossierId"].as_str().unwrap())
        .time(data["observedAt"].as_str().unwrap())
        .json(&data)
}

/// `dossier(data(id, status, observed))`.
pub fn simple(id: &str, status: &str, observed: &str) -> TestEvent {
    dossier(data(id, status, observed))
}

pub fn harness() -> Harness<PublicAdmin> {
    Harness::<PublicAdmin>::new(json!({})).unwrap()
}

pub fn harness_with(config: Value) -> Harness<PublicAdmin> {
    Harness::<PublicAdmin>::new(config).unwrap()
}

/// The expected result of [`indicators`].
pub fn expect(rows: &[(&str, &str, f64)]) -> Vec<(String, String, f64)> {
    rows.iter()
        .map(|(i, s, v)| ((*i).to_owned(), (*s).to_owned(), *v))
        .collect()
}

/// The dossier ids announced overdue.
pub fn overdue_ids(outputs: &[OutputEvent]) -> Vec<String> {
    outputs_of(outputs, "city.admin.dossier-overdue")
        .iter()
        .map(|d| d["dossierId"].as_str().unwrap().to_owned())
        .collect()
}

/// `(alertId, status)` of each alert output.
pub fn alerts(outputs: &[OutputEvent]) -> Vec<(String, String)> {
    outputs_of(outputs, "city.admin.alert")
        .iter()
        .map(|d| {
            (
                d["alertId"].as_str().unwrap().to_owned(),
                d["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
