//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_tourism::Config;
use cityhub_sdk::testing::TestEvent;
use serde_json::Value;

use crate::support::{alerts, harness, ind, indicators, pair, statuses};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn manifest() -> toml::Table {
    let text = std::fs::read_to_string(format!("{DIR}/plugin.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

#[test]
fn the_sample_day_crowds_mau_son_before_its_winter_festival() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/tourism-day.json")).unwrap();
    assert_eq!(events.len(), 15);
    let out = h.handle(&events).unwrap();
    assert_eq!(
        indicators(&out),
        [
            ind("occupancy", "Thành phố Lạng Sơn", 0.7),
            ind("occupancy", "Thành phố Lạng Sơn", 0.7167),
            ind("occupancy", "Bắc Sơn", 0.8333),
            ind("occupancy", "Lộc Bình", 0.625),
            ind("visitors", "mau-son", 3100.0),
            ind("visitors", "tam-thanh", 620.0),
            ind("visitors", "ky-lua", 1800.0),
            ind("visitors", "mau-son", 4200.0),
            ind("visitors", "mau-son", 4650.0),
            ind("visitors", "mau-son", 4400.0),
            ind("visitors", "mau-son", 3900.0),
            ind("occupancy", "Lộc Bình", 0.95),
        ]
    );
    assert_eq!(
        statuses(&out),
        [pair("open", "high"), pair("resolved", "high")]
    );
    let open = &alerts(&out)[0];
    assert_eq!(
        open["title"]["vi"],
        "Quá đông du khách tại Khu du lịch Mẫu Sơn: 4.650 / 5.000 người"
    );
    assert_eq!(
        open["figures"]["events"],
        serde_json::json!(["Lễ hội Mùa đông Mẫu Sơn 2026"])
    );
    assert_eq!(open["observedAt"], "2026-11-27T11:00:00+07:00");
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = manifest();
    assert_eq!(manifest["name"].as_str(), Some("tourism"));
    assert_eq!(
        manifest["version"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        manifest["vendor"].as_str(),
        Some("Sở Văn hóa, Thể thao và Du lịch Lạng Sơn")
    );
    let types = |key: &str| -> Vec<String> {
        manifest[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect()
    };
    use cityhub_plugin_tourism as p;
    assert_eq!(
        types("subscribes"),
        [p::VISITORS, p::OCCUPANCY, p::EVENT, cityhub_sdk::city::TICK]
    );
    assert_eq!(types("publishes"), [p::INDICATOR, p::ALERT]);
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let manifest = manifest();
    let schema = manifest["config-schema"].as_table().unwrap();
    assert_eq!(schema["additionalProperties"].as_bool(), Some(false));
    let properties = schema["properties"].as_table().unwrap();
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
    assert_eq!(from_schema, Config::default());
    assert_eq!(properties.len(), 4);
}
