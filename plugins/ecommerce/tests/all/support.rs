//! Building declarations, orders, border queues and ticks for the tests,
//! and reading the outputs back.

use cityhub_plugin_ecommerce::Ecommerce;
use cityhub_sdk::Timestamp;
use cityhub_sdk::city::local_rfc3339;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

pub use cityhub_sdk::testing::{indicators, outputs_of};

/// `2026-11-27T07:00:00+07:00` plus `minute` minutes (any number of them),
/// at `+07:00`.
pub fn time(minute: u32) -> String {
    let base = Timestamp::parse_rfc3339("2026-11-27T07:00:00+07:00").unwrap();
    local_rfc3339(Timestamp::new(base.seconds() + i64::from(minute) * 60, 0))
}

/// Minutes from 07:00 on 27 November to `hh:mm` on day `day` of the month.
pub fn at(day: u32, hh: u32, mm: u32) -> u32 {
    (day - 27) * 24 * 60 + hh * 60 + mm - 7 * 60
}

/// The data of a declaration, declared at 06:30 on 27 November.
pub fn decl_data(
    id: &str,
    gate: &str,
    tonnes: f64,
    perishable: bool,
    status: &str,
    minute: u32,
) -> Value {
    json!({
        "declarationId": id,
        "gate": gate,
        "direction": "export",
        "goods": "Thanh long",
        "tonnes": tonnes,
        "perishable": perishable,
        "status": status,
        "declaredAt": "2026-11-27T06:30:00+07:00",
        "observedAt": time(minute),
    })
}

/// A declaration event, with an id made of the declaration, status and
/// minute (so a redelivered event has the same id).
pub fn decl(
    id: &str,
    gate: &str,
    tonnes: f64,
    perishable: bool,
    status: &str,
    minute: u32,
) -> TestEvent {
    TestEvent::new("city.ecommerce.declaration")
        .id(format!("{id}-{status}-{minute}"))
        .source("/customs/vnaccs-lang-son")
        .subject(id)
        .time(time(minute))
        .json(&decl_data(id, gate, tonnes, perishable, status, minute))
}

/// A waiting perishable declaration at Hữu Nghị.
pub fn fruit(id: &str, tonnes: f64, minute: u32) -> TestEvent {
    decl(id, "huu-nghi", tonnes, true, "waiting", minute)
}

/// The data of an order.
pub fn order_data(id: &str, district: &str, vnd: u64, minute: u32) -> Value {
    json!({
        "orderId": id,
        "product": "Hồi Lạng Sơn",
        "district": district,
        "quantityKg": 12.5,
        "valueVnd": vnd,
        "orderedAt": time(minute),
    })
}

/// An order event.
pub fn order(id: &str, district: &str, vnd: u64, minute: u32) -> TestEvent {
    TestEvent::new("city.ecommerce.order")
        .id(format!("ev-{id}"))
        .source("/san-tmdt/langson")
        .time(time(minute))
        .json(&order_data(id, district, vnd, minute))
}

/// The data of a border queue at `gate`.
pub fn queue_data(gate: &str, length: u32, growth: f64, trend: &str, minute: u32) -> Value {
    json!({
        "gate": gate,
        "gateName": {"vi": "Cửa khẩu Quốc tế Hữu Nghị", "en": "Hữu Nghị International Border Gate"},
        "road": "QL1A",
        "location": {"type": "Point", "coordinates": [106.70, 21.98]},
        "queueLength": length,
        "growthPerHour": growth,
        "clearancePerHour": 85.0,
        "trend": trend,
        "observedAt": time(minute),
    })
}

/// A border queue event from the traffic plugin.
pub fn queue(gate: &str, length: u32, growth: f64, trend: &str, minute: u32) -> TestEvent {
    TestEvent::new("city.traffic.border-queue")
        .id(format!("bq-{gate}-{minute}"))
        .source("/plugins/traffic")
        .subject(gate)
        .time(time(minute))
        .json(&queue_data(gate, length, growth, trend, minute))
}

/// A clock tick at `minute`.
pub fn tick(minute: u32) -> TestEvent {
    TestEvent::tick(&time(minute))
}

pub fn harness() -> Harness<Ecommerce> {
    Harness::<Ecommerce>::new(json!({})).unwrap()
}

pub fn harness_with(config: Value) -> Harness<Ecommerce> {
    Harness::<Ecommerce>::new(config).unwrap()
}

pub fn volumes(outputs: &[OutputEvent]) -> Vec<Value> {
    outputs_of(outputs, "city.ecommerce.gate-volume")
}

pub fn alerts(outputs: &[OutputEvent]) -> Vec<Value> {
    outputs_of(outputs, "city.ecommerce.alert")
}

/// `(status, severity)` of each alert output.
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
