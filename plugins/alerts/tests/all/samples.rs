//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_alerts::Config;
use cityhub_sdk::testing::TestEvent;
use serde_json::Value;

use crate::support::{alerts, expect, harness};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn manifest() -> toml::Table {
    let text = std::fs::read_to_string(format!("{DIR}/plugin.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

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
    let manifest = manifest();
    assert_eq!(manifest["name"].as_str(), Some("alerts"));
    assert_eq!(
        manifest["version"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        manifest["vendor"].as_str(),
        Some("Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Lạng Sơn (IOC)")
    );
    let types = |key: &str| -> Vec<String> {
        manifest[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(types("subscribes"), [cityhub_plugin_alerts::CONGESTION]);
    assert_eq!(types("publishes"), [cityhub_plugin_alerts::ALERT]);
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let manifest = manifest();
    let schema = manifest["config-schema"].as_table().unwrap();
    assert_eq!(schema["additionalProperties"].as_bool(), Some(false));
    let properties = schema["properties"].as_table().unwrap();
    // The defaults the schema advertises, as a configuration...
    let defaults: serde_json::Map<String, Value> = properties
        .iter()
        .map(|(name, p)| {
            (
                name.clone(),
                serde_json::to_value(&p.as_table().unwrap()["default"]).unwrap(),
            )
        })
        .collect();
    let from_schema: Config = serde_json::from_value(Value::Object(defaults)).unwrap();
    // ...are the plugin's own, and the schema names every field.
    assert_eq!(from_schema, Config::default());
    assert_eq!(properties.len(), 2);
    // The levels the schema allows are the ones the plugin accepts.
    let levels = properties["min_level"]["enum"].as_array().unwrap();
    for level in levels {
        let config = serde_json::json!({"min_level": level.as_str().unwrap()});
        assert!(serde_json::from_value::<Config>(config).is_ok(), "{level}");
    }
    assert_eq!(levels.len(), 2);
}
