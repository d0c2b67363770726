//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_health::Config;
use cityhub_sdk::testing::{Manifest, TestEvent};
use serde_json::Value;

use crate::support::{harness, lines};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_week_fills_the_provincial_hospital_and_signals_dengue_in_cao_loc() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/health.json")).unwrap();
    assert_eq!(events.len(), 18);
    let out = h.handle(&events).unwrap();
    assert_eq!(
        lines(&out),
        [
            "indicator bed-occupancy bvdk-tinh 0.85",
            "indicator bed-occupancy ttyt-cao-loc 0.653",
            "indicator emergency-calls Cao Lộc 1.0",
            "indicator emergency-calls Cao Lộc 2.0",
            "indicator emergency-calls TP Lạng Sơn 1.0",
            "indicator emergency-calls Cao Lộc 3.0",
            "indicator emergency-calls Cao Lộc 1.0",
            "indicator emergency-calls TP Lạng Sơn 0.0",
            "indicator emergency-calls Cao Lộc 0.0",
            "alert health/outbreak/Sốt xuất huyết/Cao Lộc open high",
            "indicator bed-occupancy bvdk-tinh 0.932",
            "alert health/capacity/bvdk-tinh open high",
            "indicator bed-occupancy bvdk-tinh 1.011",
            "alert health/capacity/bvdk-tinh open critical",
            "indicator bed-occupancy bvdk-tinh 0.839",
            "alert health/capacity/bvdk-tinh resolved critical",
            "alert health/outbreak/Sốt xuất huyết/Cao Lộc resolved high",
        ]
    );
    let outbreak: Value = out[9].json().unwrap();
    assert_eq!(
        outbreak["title"]["vi"],
        "Tín hiệu dịch sốt xuất huyết tại huyện Cao Lộc: 5 ca trong 7 ngày"
    );
    assert_eq!(outbreak["observedAt"], "2026-11-27T09:10:00+07:00");
    let last: Value = out[16].json().unwrap();
    assert_eq!(last["observedAt"], "2026-11-28T10:00:00+07:00");
    assert_eq!(last["figures"]["cases"], 4);
    // The whole file again (a redelivery) announces nothing.
    assert!(h.handle(&events).unwrap().is_empty());
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "health");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.str("vendor"), "Sở Y tế Lạng Sơn");
    use cityhub_plugin_health as p;
    assert_eq!(
        manifest.types("subscribes"),
        [
            p::BEDS,
            p::EMERGENCY_CALL,
            p::CASE_REPORT,
            cityhub_sdk::city::TICK
        ]
    );
    assert_eq!(manifest.types("publishes"), [p::INDICATOR, p::ALERT]);
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let defaults = Manifest::load(DIR).assert_defaults::<Config>();
    assert_eq!(defaults.len(), 7, "the schema names every field");
}
