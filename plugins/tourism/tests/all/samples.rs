//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_tourism::Config;
use cityhub_sdk::testing::{Manifest, TestEvent};

use crate::support::{alerts, harness, ind, indicators, pair, statuses};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

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
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "tourism");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        manifest.str("vendor"),
        "Sở Văn hóa, Thể thao và Du lịch Lạng Sơn"
    );
    use cityhub_plugin_tourism as p;
    assert_eq!(
        manifest.types("subscribes"),
        [p::VISITORS, p::OCCUPANCY, p::EVENT, cityhub_sdk::city::TICK]
    );
    assert_eq!(manifest.types("publishes"), [p::INDICATOR, p::ALERT]);
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let defaults = Manifest::load(DIR).assert_defaults::<Config>();
    assert_eq!(defaults.len(), 4, "the schema names every field");
}
