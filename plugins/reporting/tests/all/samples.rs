//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_reporting::Config;
use cityhub_sdk::testing::{Manifest, TestEvent};
use serde_json::Value;

use crate::support::{alerts, expect, harness, outputs_of, overdue_counts, statuses};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

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
    let reports = outputs_of(&out, "city.reporting.sector-report");
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
    let done: Vec<Value> = outputs_of(&out, "city.reporting.directive-status");
    assert_eq!(done[6]["doneLate"], true);
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "reporting");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        manifest.str("vendor"),
        "Văn phòng UBND tỉnh Lạng Sơn — Hệ thống thông tin báo cáo"
    );
    use cityhub_plugin_reporting::{
        ALERT, CLOCK_TICK, DIRECTIVE, DIRECTIVE_STATUS, INDICATOR, SECTOR_INDICATORS, SECTOR_REPORT,
    };
    assert_eq!(
        manifest.types("subscribes"),
        [DIRECTIVE, SECTOR_INDICATORS, CLOCK_TICK]
    );
    assert_eq!(
        manifest.types("publishes"),
        [DIRECTIVE_STATUS, SECTOR_REPORT, INDICATOR, ALERT]
    );
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let defaults = Manifest::load(DIR).assert_defaults::<Config>();
    assert_eq!(defaults.len(), 5, "the schema names every field");
}
