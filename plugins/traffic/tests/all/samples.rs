//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_traffic::{Config, Level, Segment};
use cityhub_sdk::testing::TestEvent;

use crate::support::{harness, levels};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_readings_congest_the_border_roads_only() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/readings.json")).unwrap();
    assert_eq!(events.len(), 19);
    let out = h.handle(&events).unwrap();
    let expected = [
        ("QL1A-km2", "heavy"),
        ("QL4A-km8", "heavy"),
        ("QL1A-km2", "severe"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(s, l)| ((*s).to_owned(), (*l).to_owned()))
        .collect();
    assert_eq!(levels(&out), expected);
    // Kỳ Lừa's one slow reading is smoothed away.
    let ky_lua = Segment::from_bytes(h.state().get("segment/LS-KyLua").unwrap()).unwrap();
    assert_eq!((ky_lua.level, ky_lua.samples), (Level::Free, 3));
    assert_eq!(h.state().len(), 5);
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let text = std::fs::read_to_string(format!("{DIR}/plugin.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(manifest["name"].as_str(), Some("traffic"));
    assert_eq!(
        manifest["version"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        manifest["subscribes"].as_array().unwrap()[0].as_str(),
        Some(cityhub_plugin_traffic::READING)
    );
    assert_eq!(
        manifest["publishes"].as_array().unwrap()[0].as_str(),
        Some(cityhub_plugin_traffic::CONGESTION)
    );
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let text = std::fs::read_to_string(format!("{DIR}/plugin.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    let schema = manifest["config-schema"].as_table().unwrap();
    assert_eq!(schema["additionalProperties"].as_bool(), Some(false));
    let properties = schema["properties"].as_table().unwrap();
    // The defaults the schema advertises, as a configuration...
    let defaults: serde_json::Map<String, serde_json::Value> = properties
        .iter()
        .map(|(name, p)| {
            (
                name.clone(),
                serde_json::to_value(&p.as_table().unwrap()["default"]).unwrap(),
            )
        })
        .collect();
    let from_schema: Config = serde_json::from_value(serde_json::Value::Object(defaults)).unwrap();
    // ...are the plugin's own, and the schema names every field.
    assert_eq!(from_schema, Config::default());
    assert_eq!(properties.len(), 4);
}
