//! Building the centre's inputs for the tests, and reading its outputs back.

use cityhub_plugin_ioc::Ioc;
use cityhub_sdk::Timestamp;
use cityhub_sdk::city::local_rfc3339;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

/// `2026-11-27T07:00:00+07:00` plus `minute` minutes (any number of them).
pub fn time(minute: i64) -> String {
    let base = Timestamp::parse_rfc3339("2026-11-27T07:00:00+07:00").unwrap();
    local_rfc3339(Timestamp::new(base.seconds() + minute * 60, 0))
}

pub fn harness() -> Harness<Ioc> {
    Harness::<Ioc>::new(json!({})).unwrap()
}

pub fn harness_with(config: Value) -> Harness<Ioc> {
    Harness::<Ioc>::new(config).unwrap()
}

/// An event of type `ty` with `data`, `time` = `minute`, and an id made of
/// `id` (so a redelivered event has the same id).
fn event(ty: &str, id: &str, minute: i64, data: &Value) -> TestEvent {
    TestEvent::new(ty)
        .id(id)
        .source("/tests")
        .time(time(minute))
        .json(data)
}

/// The data of a `city.<sector>.indicator` event.
pub fn indicator_data(indicator: &str, scope: &str, value: f64, unit: &str, minute: i64) -> Value {
    json!({
        "indicator": indicator,
        "scope": scope,
        "name": {"vi": format!("Chỉ số {indicator}"), "en": format!("Indicator {indicator}")},
        "value": value,
        "unit": unit,
        "observedAt": time(minute),
    })
}

/// A `city.<sector>.indicator` event.
pub fn indicator(
    sector: &str,
    indicator: &str,
    scope: &str,
    value: f64,
    unit: &str,
    minute: i64,
) -> TestEvent {
    event(
        &format!("city.{sector}.indicator"),
        &format!("ind-{sector}-{indicator}-{scope}-{minute}"),
        minute,
        &indicator_data(indicator, scope, value, unit, minute),
    )
}

/// The data of a `city.<sector>.alert` event.
pub fn alert_data(id: &str, status: &str, sector: &str, minute: i64) -> Value {
    json!({
        "alertId": id,
        "status": status,
        "category": sector,
        "subCategory": "capacity",
        "severity": "high",
        "title": {"vi": "Bệnh viện Đa khoa tỉnh gần hết giường", "en": "Provincial General Hospital nearly full"},
        "location": {"type": "Point", "coordinates": [106.761, 21.853]},
        "figures": {"bedsOccupied": 522, "bedsTotal": 560},
        "observedAt": time(minute),
    })
}

/// A `city.<sector>.alert` event.
pub fn alert(sector: &str, id: &str, status: &str, minute: i64) -> TestEvent {
    event(
        &format!("city.{sector}.alert"),
        &format!("al-{id}-{status}-{minute}"),
        minute,
        &alert_data(id, status, sector, minute),
    )
}

/// The data of a `city.traffic.border-queue` event at Hữu Nghị on QL1A
/// (or Tân Thanh on QL4A).
pub fn queue_data(gate: &str, length: u32, growth: f64, minute: i64) -> Value {
    let (vi, en, road, coordinates) = match gate {
        "tan-thanh" => (
            "Cửa khẩu Tân Thanh",
            "Tân Thanh Border Gate",
            "QL4A",
            [106.6, 22.0],
        ),
        _ => (
            "Cửa khẩu Quốc tế Hữu Nghị",
            "Hữu Nghị International Border Gate",
            "QL1A",
            [106.7, 21.98],
        ),
    };
    let trend = if growth > 5.0 {
        "growing"
    } else if growth < -5.0 {
        "shrinking"
    } else {
        "steady"
    };
    json!({
        "gate": gate,
        "gateName": {"vi": vi, "en": en},
        "road": road,
        "location": {"type": "Point", "coordinates": coordinates},
        "queueLength": length,
        "growthPerHour": growth,
        "clearancePerHour": 85.0,
        "trend": trend,
        "observedAt": time(minute),
    })
}

/// A `city.traffic.border-queue` event.
pub fn queue(gate: &str, length: u32, growth: f64, minute: i64) -> TestEvent {
    event(
        "city.traffic.border-queue",
        &format!("bq-{gate}-{minute}"),
        minute,
        &queue_data(gate, length, growth, minute),
    )
}

/// The data of a `city.ecommerce.gate-volume` event.
pub fn volume_data(gate: &str, perishable: f64, minute: i64) -> Value {
    json!({
        "gate": gate,
        "waitingTonnes": perishable + 1200.0,
        "perishableWaitingTonnes": perishable,
        "waitingDeclarations": 140,
        "clearedTonnesToday": 860.5,
        "declaredTonnesToday": 4210.0,
        "observedAt": time(minute),
    })
}

/// A `city.ecommerce.gate-volume` event.
pub fn volume(gate: &str, perishable: f64, minute: i64) -> TestEvent {
    event(
        "city.ecommerce.gate-volume",
        &format!("gv-{gate}-{minute}"),
        minute,
        &volume_data(gate, perishable, minute),
    )
}

/// The data of a `city.fieldreport.request` event: request `id` on `road`,
/// requested at `requested` and updated at `updated` (minutes).
pub fn request_data(id: &str, road: Option<&str>, requested: i64, updated: i64) -> Value {
    json!({
        "service_request_id": id,
        "service_code": "traffic-jam",
        "service_name": "Ùn tắc giao thông",
        "status": "open",
        "status_notes": null,
        "agency_responsible": "Sở Giao thông Vận tải",
        "description": "Xe tải xếp hàng dài, không ra khỏi nhà được",
        "lat": 21.95,
        "long": 106.71,
        "address": "Đồng Đăng, Cao Lộc",
        "road": road,
        "media_url": null,
        "requested_datetime": time(requested),
        "updated_datetime": time(updated),
        "expected_datetime": time(requested + 48 * 60),
        "overdue": false,
    })
}

/// A `city.fieldreport.request` event, requested and updated at `minute`.
pub fn request(id: &str, road: Option<&str>, minute: i64) -> TestEvent {
    event(
        "city.fieldreport.request",
        &format!("fr-{id}-{minute}"),
        minute,
        &request_data(id, road, minute, minute),
    )
}

/// `n` requests on `road`, ids `<prefix>-<i>`, one a minute from `minute`.
pub fn requests(prefix: &str, road: &str, n: usize, minute: i64) -> Vec<TestEvent> {
    (0..n)
        .map(|i| request(&format!("{prefix}-{i}"), Some(road), minute + i as i64))
        .collect()
}

/// A clock tick at `minute`.
pub fn tick(minute: i64) -> TestEvent {
    TestEvent::tick(&time(minute))
}

/// The data of the KPIs among `outputs`, checking type and subject.
pub fn kpis(outputs: &[OutputEvent]) -> Vec<Value> {
    outputs
        .iter()
        .filter(|o| o.ty == "city.ioc.kpi")
        .map(|o| {
            let data: Value = o.json().unwrap();
            assert_eq!(o.subject.as_deref(), data["id"].as_str());
            assert_eq!(
                o.time.as_ref(),
                data["dateModified"].as_str().map(str::to_owned).as_ref()
            );
            data
        })
        .collect()
}

/// `(id, kpiValue, currentStanding or "-")` of the KPIs among `outputs`.
pub fn standings(outputs: &[OutputEvent]) -> Vec<(String, f64, String)> {
    kpis(outputs)
        .iter()
        .map(|k| {
            (
                k["id"].as_str().unwrap().to_owned(),
                k["kpiValue"].as_f64().unwrap(),
                k["currentStanding"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

/// The data of the alerts among `outputs`, checking type and subject.
pub fn alerts(outputs: &[OutputEvent]) -> Vec<Value> {
    outputs
        .iter()
        .filter(|o| o.ty == "city.ioc.alert")
        .map(|o| {
            let data: Value = o.json().unwrap();
            assert_eq!(o.subject.as_deref(), data["alertId"].as_str());
            data
        })
        .collect()
}

/// `(alertId, status)` of the alerts among `outputs`.
pub fn statuses(outputs: &[OutputEvent]) -> Vec<(String, String)> {
    alerts(outputs)
        .iter()
        .map(|a| {
            (
                a["alertId"].as_str().unwrap().to_owned(),
                a["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Owned pairs from string slices, to compare with [`statuses`].
pub fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// Owned triples from string slices, to compare with [`standings`].
pub fn triples(rows: &[(&str, f64, &str)]) -> Vec<(String, f64, String)> {
    rows.iter()
        .map(|(a, v, s)| ((*a).to_owned(), *v, (*s).to_owned()))
        .collect()
}
