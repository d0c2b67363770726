//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_ecommerce::Config;
use cityhub_sdk::testing::{Manifest, TestEvent};

use crate::support::{alerts, harness, indicators, statuses, volumes};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_morning_puts_fruit_at_risk_at_huu_nghi_until_a_truck_clears() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/border-trade.json")).unwrap();
    assert_eq!(events.len(), 31);
    let out = h.handle(&events).unwrap();
    // 18 fruit trucks and 3 others waiting, 2 clearances (the third one is
    // a redelivery).
    let v = volumes(&out);
    assert_eq!(v.len(), 23);
    let huu_nghi = v.iter().rev().find(|v| v["gate"] == "huu-nghi").unwrap();
    assert_eq!(huu_nghi["perishableWaitingTonnes"], 482.5);
    assert_eq!(huu_nghi["waitingTonnes"], 516.5);
    assert_eq!(huu_nghi["waitingDeclarations"], 18);
    assert_eq!(huu_nghi["clearedTonnesToday"], 28.5);
    assert_eq!(huu_nghi["declaredTonnesToday"], 545.0);
    let tan_thanh = v.iter().rev().find(|v| v["gate"] == "tan-thanh").unwrap();
    assert_eq!(tan_thanh["waitingTonnes"], 25.0);
    assert_eq!(tan_thanh["clearedTonnesToday"], 40.0);

    // The 18th truck brings 511 t of fruit to a growing queue; clearing the
    // first brings it back under 500 t.
    assert_eq!(
        statuses(&out),
        [
            ("open".to_owned(), "high".to_owned()),
            ("resolved".to_owned(), "high".to_owned())
        ]
    );
    let open = &alerts(&out)[0];
    assert_eq!(
        open["title"]["vi"],
        "Nông sản dễ hỏng có nguy cơ hư hỏng tại Cửa khẩu Quốc tế Hữu Nghị: 511 tấn"
    );
    assert_eq!(open["figures"]["queueLength"], 2280);
    assert_eq!(alerts(&out)[1]["figures"]["queueLength"], 2400);

    // Two orders in Văn Quan within 15 minutes, one in Chi Lăng (resent).
    let orders: Vec<_> = indicators(&out)
        .into_iter()
        .filter(|(i, _, _)| i == "orders-value")
        .collect();
    assert_eq!(
        orders,
        [
            (
                "orders-value".to_owned(),
                "Văn Quan".to_owned(),
                2_500_000.0
            ),
            (
                "orders-value".to_owned(),
                "Chi Lăng".to_owned(),
                1_600_000.0
            ),
            (
                "orders-value".to_owned(),
                "Văn Quan".to_owned(),
                3_500_000.0
            ),
        ]
    );
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "ecommerce");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.str("vendor"), "Sở Công Thương Lạng Sơn");
    use cityhub_plugin_ecommerce as p;
    assert_eq!(
        manifest.types("subscribes"),
        [
            p::DECLARATION,
            p::ORDER,
            p::BORDER_QUEUE,
            cityhub_sdk::city::TICK
        ]
    );
    assert_eq!(
        manifest.types("publishes"),
        [p::GATE_VOLUME, p::ALERT, p::INDICATOR]
    );
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let defaults = Manifest::load(DIR).assert_defaults::<Config>();
    assert_eq!(defaults.len(), 6, "the schema names every field");
}
