//! Today's value of online orders per district, its throttled indicator,
//! and idempotent orders.

use serde_json::json;

use crate::support::{at, harness, harness_with, indicators, order, outputs_of, tick};

fn value(scope: &str, v: f64) -> (String, String, f64) {
    ("orders-value".to_owned(), scope.to_owned(), v)
}

#[test]
fn the_first_order_is_reported_at_once_then_at_most_every_span() {
    let mut h = harness();
    let out = h
        .handle(&[
            order("DH1", "Văn Quan", 2_500_000, 20),
            order("DH2", "Chi Lăng", 1_600_000, 25),
            order("DH3", "Văn Quan", 1_000_000, 28),
            order("DH4", "Văn Quan", 500_000, 30),
        ])
        .unwrap();
    assert_eq!(
        indicators(&out),
        [
            value("Văn Quan", 2_500_000.0),
            value("Chi Lăng", 1_600_000.0)
        ]
    );
    let first = &outputs_of(&out, "city.ecommerce.indicator")[0];
    assert_eq!(
        *first,
        json!({
            "indicator": "orders-value", "scope": "Văn Quan", "scopeName": "Văn Quan",
            "name": {"vi": "Giá trị đơn hàng nông sản trực tuyến trong ngày",
                     "en": "Value of online produce orders today"},
            "value": 2_500_000.0, "unit": "vnd", "observedAt": "2026-11-27T07:20:00+07:00",
        })
    );
    assert_eq!(out[0].subject.as_deref(), Some("Văn Quan"));
    // 07:20 + 15 min: the tick at 07:35 reports Văn Quan's newest total.
    assert!(h.handle(&[tick(34)]).unwrap().is_empty());
    let out = h.handle(&[tick(35)]).unwrap();
    assert_eq!(indicators(&out), [value("Văn Quan", 4_000_000.0)]);
    assert_eq!(
        outputs_of(&out, "city.ecommerce.indicator")[0]["observedAt"],
        "2026-11-27T07:30:00+07:00",
        "observed when the newest order was placed"
    );
    assert!(h.state().get("orders/pending").is_none());
    // After the span an order is reported at once again.
    let out = h.handle(&[order("DH5", "Văn Quan", 100_000, 60)]).unwrap();
    assert_eq!(indicators(&out), [value("Văn Quan", 4_100_000.0)]);
}

#[test]
fn an_order_counts_once() {
    let mut h = harness_with(json!({"orders_report_every": "1s"}));
    let o = order("DH1", "Văn Quan", 2_500_000, 20);
    h.handle(std::slice::from_ref(&o)).unwrap();
    assert!(h.handle(std::slice::from_ref(&o)).unwrap().is_empty());
    assert!(h.handle(&[o.id("resent"), tick(50)]).unwrap().is_empty());
    let d: serde_json::Value = h.state().get_json("district/Văn Quan").unwrap().unwrap();
    assert_eq!(
        (d["valueVnd"].as_u64(), d["orders"].as_u64()),
        (Some(2_500_000), Some(1))
    );
}

#[test]
fn a_new_day_reports_the_last_total_then_zero_and_forgets_the_orders() {
    let mut h = harness();
    h.handle(&[
        order("DH1", "Văn Quan", 2_500_000, 20),
        order("DH2", "Văn Quan", 700_000, 25),
    ])
    .unwrap();
    let out = h.handle(&[tick(at(28, 0, 1))]).unwrap();
    let v = outputs_of(&out, "city.ecommerce.indicator");
    assert_eq!(
        indicators(&out),
        [value("Văn Quan", 3_200_000.0), value("Văn Quan", 0.0)]
    );
    assert_eq!(v[0]["observedAt"], "2026-11-27T07:25:00+07:00");
    assert_eq!(v[1]["observedAt"], "2026-11-28T00:00:00+07:00");
    assert!(
        h.state().get("order/DH1").is_none(),
        "yesterday's orders are forgotten"
    );
    assert!(!h.state().keys().any(|k| k.starts_with("expiry/")));
    // Yesterday's order, redelivered or late, does not count today.
    let out = h
        .handle(&[
            order("DH1", "Văn Quan", 2_500_000, 20),
            order("DH9", "Văn Quan", 1, 900),
        ])
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message == "order skipped: not of today")
            .count(),
        2
    );
    // A quiet district stays quiet: no zero for a day without orders.
    assert!(h.handle(&[tick(at(29, 0, 1))]).unwrap().is_empty());
}
