//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_education::Config;
use cityhub_sdk::testing::TestEvent;
use serde_json::Value;

use crate::support::{harness, lines};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn manifest() -> toml::Table {
    let text = std::fs::read_to_string(format!("{DIR}/plugin.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

#[test]
fn the_sample_cold_snap_lowers_attendance_and_a_poisoning_is_resolved() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/education.json")).unwrap();
    assert_eq!(events.len(), 12);
    let out = h.handle(&events).unwrap();
    let (dd, hvt) = (
        "education/low-attendance/th-dong-dang",
        "education/low-attendance/thcs-hoang-van-thu",
    );
    let inc = "education/incident/SC-2026-0457";
    assert_eq!(
        lines(&out),
        [
            "indicator thpt-chuyen-chu-van-an 0.982".to_owned(),
            "indicator thcs-hoang-van-thu 0.934".to_owned(),
            "indicator th-dong-dang 0.822".to_owned(),
            format!("alert {dd} open medium"),
            "indicator thpt-huu-lung 0.951".to_owned(),
            "indicator th-dong-dang 0.84".to_owned(),
            format!("alert {inc} open high"),
            "indicator thcs-hoang-van-thu 0.8".to_owned(),
            format!("alert {hvt} open medium"),
            "indicator th-dong-dang 0.684".to_owned(),
            format!("alert {dd} open high"),
            format!("alert {inc} resolved high"),
            "indicator thcs-hoang-van-thu 0.955".to_owned(),
            format!("alert {hvt} resolved medium"),
            "indicator th-dong-dang 0.955".to_owned(),
            format!("alert {dd} resolved high"),
        ]
    );
    let poisoning: Value = out[6].json().unwrap();
    assert_eq!(
        poisoning["description"]["vi"],
        "12 học sinh đau bụng, buồn nôn sau bữa ăn bán trú; đã đưa đến Bệnh viện Đa khoa tỉnh theo dõi."
    );
    assert_eq!(
        poisoning["title"]["vi"],
        "Ngộ độc thực phẩm tại Trường THCS Hoàng Văn Thụ"
    );
    // The whole file again (a redelivery) announces nothing.
    assert!(h.handle(&events).unwrap().is_empty());
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = manifest();
    assert_eq!(manifest["name"].as_str(), Some("education"));
    assert_eq!(
        manifest["version"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        manifest["vendor"].as_str(),
        Some("Sở Giáo dục và Đào tạo Lạng Sơn")
    );
    let types = |key: &str| -> Vec<String> {
        manifest[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect()
    };
    use cityhub_plugin_education as p;
    assert_eq!(types("subscribes"), [p::ATTENDANCE, p::INCIDENT]);
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
