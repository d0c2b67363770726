//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_reporting::Config;
use cityhub_sdk::testing::TestEvent;
use serde_json::Value;

use crate::support::{alerts, expect, harness, of, overdue_counts, statuses};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn manifest() -> toml::Table {
    let text = std::fs::read_to_string(format!("{DIR}/plugin.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

#[test]
fn the_sample_border_queue_days() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/directives.json")).unwrap();
    assert_eq!(events.len(), 13);
    let out = h.handle(&events).unwrap();
    assert_eq!(
        statuses(&out),
        expect(&[
            ("CD-2026-118", "assigned"),
            ("CD-2026-119", "assigned"),
            ("CD-2026-120", "assigned"),
            ("CD-2026-118", "in-progress"),
            ("CD-2026-119", "done"),
            ("CD-2026-118", "overdue"),
            ("CD-2026-118", "done"),
        ])
    );
    assert_eq!(
        alerts(&out),
        expect(&[
            ("reporting/directive/CD-2026-118", "open"),
            ("reporting/directive/CD-2026-118", "resolved"),
        ])
    );
    let counts = overdue_counts(&out);
    assert_eq!(
        counts.last().unwrap(),
        &("so-giao-thong-van-tai".to_owned(), 0.0)
    );
    let reports = of(&out, "city.reporting.sector-report");
    let sectors: Vec<(&str, &str)> = reports
        .iter()
        .map(|r| {
            (
                r["sector"].as_str().unwrap(),
                r["period"]["from"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sectors,
        [
            ("health", "2026-11-25T00:00:00+07:00"),
            ("traffic", "2026-11-25T00:00:00+07:00"),
            ("traffic", "2026-11-26T00:00:00+07:00"),
        ]
    );
    assert_eq!(reports[1]["indicators"][0]["value"], 2400.0);
    assert_eq!(
        reports[2]["indicators"][0]["scopeName"],
        "Cửa khẩu Hữu Nghị"
    );
    let done: Vec<Value> = of(&out, "city.reporting.directive-status");
    assert_eq!(done[6]["doneLate"], true);
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = manifest();
    assert_eq!(manifest["name"].as_str(), Some("reporting"));
    assert_eq!(
        manifest["version"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        manifest["vendor"].as_str(),
        Some("Văn phòng UBND tỉnh Lạng Sơn — Hệ thống thông tin báo cáo")
    );
    let types = |key: &str| -> Vec<String> {
        manifest[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect()
    };
    use cityhub_plugin_reporting::{
        ALERT, CLOCK_TICK, DIRECTIVE, DIRECTIVE_STATUS, INDICATOR, SECTOR_INDICATORS, SECTOR_REPORT,
    };
    assert_eq!(
        types("subscribes"),
        [DIRECTIVE, SECTOR_INDICATORS, CLOCK_TICK]
    );
    assert_eq!(
        types("publishes"),
        [DIRECTIVE_STATUS, SECTOR_REPORT, INDICATOR, ALERT]
    );
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
    assert_eq!(properties.len(), 5);
}
