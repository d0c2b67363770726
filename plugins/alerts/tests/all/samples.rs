//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_alerts::Config;
use cityhub_sdk::testing::{Manifest, TestEvent};
use serde_json::Value;

use crate::support::{alerts, expect, harness};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_morning_alerts_the_border_queues_and_one_city_street() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/congestion.json")).unwrap();
    assert_eq!(events.len(), 11);
    let out = h.handle(&events).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[
            ("QL1A-km2", "open", "severe", "high"),
            ("QL4A-km8", "open", "severe", "high"),
            ("LS-TranDangNinh", "open", "severe", "normal"),
            ("LS-TranDangNinh", "resolved", "heavy", "normal"),
            ("QL1A-km2", "resolved", "heavy", "high"),
        ])
    );
    let first: Value = out[0].json().unwrap();
    assert_eq!(first["title"]["vi"], "Ùn tắc nghiêm trọng tại QL1A-km2");
    assert_eq!(first["observedAt"], "2026-11-27T07:30:00+07:00");
    assert_eq!(out[0].time.as_deref(), Some("2026-11-27T07:30:00+07:00"));
    // The queue towards Tân Thanh is still open at the end of the morning.
    assert_eq!(
        h.state().keys().collect::<Vec<_>>(),
        ["closed/LS-TranDangNinh", "closed/QL1A-km2", "open/QL4A-km8"]
    );
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "alerts");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        manifest.str("vendor"),
        "Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Lạng Sơn (IOC)"
    );
    assert_eq!(
        manifest.types("subscribes"),
        [cityhub_plugin_alerts::CONGESTION]
    );
    assert_eq!(manifest.types("publishes"), [cityhub_plugin_alerts::ALERT]);
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let manifest = Manifest::load(DIR);
    let defaults = manifest.assert_defaults::<Config>();
    assert_eq!(defaults.len(), 2, "the schema names every field");
    // The levels the schema allows are the ones the plugin accepts.
    let levels = manifest.property("min_level")["enum"].as_array().unwrap();
    for level in levels {
        let config = serde_json::json!({"min_level": level.as_str().unwrap()});
        assert!(serde_json::from_value::<Config>(config).is_ok(), "{level}");
    }
    assert_eq!(levels.len(), 2);
}
