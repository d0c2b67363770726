//! Malformed inputs fail the batch with an invalid-input error naming the
//! event and the field, and the batch commits nothing.

use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{decl_data, fruit, harness, order_data, queue_data};

/// The error for one event of `ty` whose data is `data`, after a good one.
fn error_for(ty: &str, data: Value) -> String {
    let mut h = harness();
    let events = [
        fruit("TK1", 10.0, 5),
        TestEvent::new(ty).id("bad-1").json(&data),
    ];
    let err = h.handle(&events).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.event_id(), Some("bad-1"));
    assert!(
        h.state().is_empty(),
        "the good event's writes are dropped with the batch"
    );
    err.message().to_owned()
}

fn declaration(field: &str, value: Value) -> String {
    let mut d = decl_data("TK2", "huu-nghi", 10.0, true, "waiting", 10);
    d[field] = value;
    error_for("city.ecommerce.declaration", d)
}

fn order(field: &str, value: Value) -> String {
    let mut d = order_data("DH1", "Văn Quan", 100_000, 10);
    d[field] = value;
    error_for("city.ecommerce.order", d)
}

fn queue(field: &str, value: Value) -> String {
    let mut d = queue_data("huu-nghi", 100, 10.0, "growing", 10);
    d[field] = value;
    error_for("city.traffic.border-queue", d)
}

#[test]
fn declarations_are_checked_field_by_field() {
    let err = declaration("tonnes", json!("nhiều"));
    assert!(
        err.starts_with("`data.tonnes`: invalid type: string \"nhiều\""),
        "{err}"
    );
    assert_eq!(
        declaration("tonnes", json!(0)),
        "`data.tonnes` must be above 0 and at most 5000 tonnes, got 0"
    );
    assert_eq!(
        declaration("gate", json!("")),
        "`data.gate` must be 1 to 64 bytes, got 0"
    );
    assert_eq!(
        declaration("declarationId", json!("")),
        "`data.declarationId` must be 1 to 128 bytes, got 0"
    );
    assert_eq!(
        declaration("goods", json!(" ")),
        "`data.goods` must name the goods, such as \"Thanh long\""
    );
    let err = declaration("status", json!("held"));
    assert!(
        err.starts_with("`data.status`: unknown variant `held`, expected `waiting` or `cleared`"),
        "{err}"
    );
    let err = declaration("direction", json!("transit"));
    assert!(
        err.starts_with("`data.direction`: unknown variant `transit`"),
        "{err}"
    );
    let err = declaration("observedAt", json!("27/11/2026 07:10"));
    assert!(
        err.starts_with("`data.observedAt` must be an RFC 3339 date-time"),
        "{err}"
    );
    assert_eq!(
        declaration("declaredAt", json!("2026-11-27T08:00:00+07:00")),
        "`data.observedAt` (2026-11-27T00:10:00Z) is before `declaredAt` (2026-11-27T01:00:00Z)"
    );
    let mut d = decl_data("TK2", "huu-nghi", 10.0, true, "waiting", 10);
    d.as_object_mut().unwrap().remove("perishable");
    let err = error_for("city.ecommerce.declaration", d);
    assert!(
        err.starts_with("`data`: missing field `perishable`"),
        "{err}"
    );
}

#[test]
fn orders_are_checked_field_by_field() {
    let err = order("valueVnd", json!(-5));
    assert!(err.starts_with("`data.valueVnd`: invalid value"), "{err}");
    assert_eq!(
        order("valueVnd", json!(20_000_000_000u64)),
        "`data.valueVnd` must be at most 10000000000 đồng, got 20000000000"
    );
    assert_eq!(
        order("quantityKg", json!(0)),
        "`data.quantityKg` must be above 0 kg, got 0"
    );
    assert_eq!(
        order("district", json!("")),
        "`data.district` must be 1 to 64 bytes, got 0"
    );
    assert_eq!(
        order("product", json!("")),
        "`data.product` must name the product, such as \"Hồi Lạng Sơn\""
    );
    let err = order("orderedAt", json!("hôm nay"));
    assert!(
        err.starts_with("`data.orderedAt` must be an RFC 3339 date-time"),
        "{err}"
    );
}

#[test]
fn border_queues_are_checked_field_by_field() {
    let err = queue("trend", json!("up"));
    assert!(
        err.starts_with("`data.trend`: unknown variant `up`"),
        "{err}"
    );
    let err = queue("queueLength", json!(-1));
    assert!(
        err.starts_with("`data.queueLength`: invalid value"),
        "{err}"
    );
    assert_eq!(
        queue(
            "location",
            json!({"type": "Point", "coordinates": [21.98, 106.70]})
        ),
        "`data.location.coordinates` must be [longitude, latitude], got [21.98, 106.7]"
    );
}

#[test]
fn ticks_and_missing_data_are_checked() {
    assert!(
        error_for("cityhub.clock.tick", json!({"now": "soon"}))
            .starts_with("`data.now` must be an RFC 3339 date-time")
    );
    let mut h = harness();
    let err = h
        .handle(&[TestEvent::new("city.ecommerce.order").id("empty")])
        .unwrap_err();
    assert_eq!(err.message(), "`data` is missing: expected a JSON value");
    assert_eq!(err.event_id(), Some("empty"));
}
