//! Configuration: defaults, merging thresholds and sectors, and errors.

use cityhub_plugin_ioc::{Config, Ioc, Standing, Threshold};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::city::Span;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

use crate::support::{harness_with, indicator, standings, triples};

fn config_error(config: Value) -> String {
    let err = Harness::<Ioc>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

#[test]
fn defaults_are_the_demo_citys() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.min_queue, 1000);
    assert_eq!(config.min_growth_per_hour, 50.0);
    assert_eq!(config.min_perishable_tonnes, 500.0);
    assert_eq!(config.min_reports, 5);
    assert_eq!(config.report_window, Span::hours(24));
    assert_eq!(config.alert_retention, Span::hours(7 * 24));
    let t = &config.thresholds.0;
    assert_eq!(t["bed-occupancy"], Threshold::new(0.85, 0.95));
    assert_eq!(t["attendance"], Threshold::new(0.9, 0.8));
    assert_eq!(t["border-queue"], Threshold::new(800.0, 1500.0));
    assert_eq!(t["perishable-waiting"], Threshold::new(300.0, 1000.0));
    assert_eq!(t["directives-overdue"], Threshold::new(1.0, 3.0));
    assert!(!t.contains_key("visitors"));
    assert_eq!(config.standing("on-time", 0.8), Some(Standing::Warning));
    assert_eq!(config.standing("visitors", 1e6), None);
    let traffic = config.sector("traffic").unwrap();
    assert_eq!(
        traffic.organization.vi,
        "Sở Giao thông Vận tải tỉnh Lạng Sơn"
    );
    assert_eq!(config.sectors.0.len(), 8);
}

#[test]
fn thresholds_merge_onto_the_defaults_and_false_removes_one() {
    let config: Config = serde_json::from_value(json!({"thresholds": {
        "bed-occupancy": {"warning": 0.8, "bad": 0.9},
        "visitors": {"warning": 8000, "bad": 12000},
        "border-queue": false,
    }}))
    .unwrap();
    let t = &config.thresholds.0;
    assert_eq!(t["bed-occupancy"], Threshold::new(0.8, 0.9));
    assert_eq!(t["visitors"], Threshold::new(8000.0, 12000.0));
    assert!(!t.contains_key("border-queue"));
    assert_eq!(t["attendance"], Threshold::new(0.9, 0.8), "the others stay");

    let mut h = harness_with(json!({"thresholds": {"border-queue": false}}));
    let out = h
        .handle(&[indicator(
            "traffic",
            "border-queue",
            "huu-nghi",
            2400.0,
            "count",
            0,
        )])
        .unwrap();
    assert_eq!(
        standings(&out),
        triples(&[("kpi/traffic/border-queue/huu-nghi", 2400.0, "-")])
    );
}

#[test]
fn sectors_merge_onto_the_defaults() {
    let config: Config = serde_json::from_value(json!({"sectors": {
        "water": {
            "name": {"vi": "Cấp nước", "en": "Water supply"},
            "organization": {"vi": "Công ty Cổ phần Cấp thoát nước Lạng Sơn", "en": "Lạng Sơn Water Supply and Sewerage JSC"},
        },
        "traffic": {
            "name": {"vi": "Giao thông", "en": "Traffic"},
            "organization": {"vi": "Sở Xây dựng tỉnh Lạng Sơn", "en": "Lạng Sơn Department of Construction"},
        },
    }}))
    .unwrap();
    assert_eq!(config.sectors.0.len(), 9);
    assert_eq!(
        config.sector("traffic").unwrap().organization.vi,
        "Sở Xây dựng tỉnh Lạng Sơn"
    );
    assert_eq!(
        config.sector("health").unwrap().organization.vi,
        "Sở Y tế tỉnh Lạng Sơn"
    );
}

#[test]
fn a_changed_threshold_changes_the_standing_at_the_next_value() {
    // The KPI was `warning` under the defaults; under stricter thresholds the
    // next value is `bad` and is sent though the value did not change.
    let mut h = harness_with(json!({}));
    h.handle(&[indicator(
        "health",
        "bed-occupancy",
        "bvdk-tinh",
        0.9,
        "ratio",
        0,
    )])
    .unwrap();
    let state: Vec<(String, Vec<u8>)> = h
        .state()
        .keys()
        .map(|k| (k.to_owned(), h.state().get(k).unwrap().to_vec()))
        .collect();
    let mut h =
        harness_with(json!({"thresholds": {"bed-occupancy": {"warning": 0.8, "bad": 0.9}}}));
    for (k, v) in state {
        h.state_mut().insert(k, v);
    }
    let out = h
        .handle(&[indicator(
            "health",
            "bed-occupancy",
            "bvdk-tinh",
            0.9,
            "ratio",
            10,
        )])
        .unwrap();
    assert_eq!(
        standings(&out),
        triples(&[
            ("kpi/health/bed-occupancy/bvdk-tinh", 0.9, "bad"),
            ("kpi/health", 1.0, "bad"),
        ])
    );
}

#[test]
fn bad_thresholds_are_refused() {
    assert_eq!(
        config_error(json!({"thresholds": {"attendance": {"warning": 0.9, "bad": 0.9}}})),
        "`thresholds.attendance` has `warning` = `bad` = 0.9: make `bad` above `warning` if higher is worse, below it if lower is worse"
    );
    assert_eq!(
        config_error(json!({"thresholds": {"a/b": {"warning": 1, "bad": 2}}})),
        "`thresholds` has the indicator name `a/b`: name an indicator such as `bed-occupancy` (not empty, no `/`)"
    );
    let err = config_error(json!({"thresholds": {"attendance": true}}));
    assert!(
        err.starts_with("`config.thresholds.attendance`: invalid value: boolean `true`, expected a table `{warning, bad}`, or `false`"),
        "{err}"
    );
    let err = config_error(json!({"thresholds": {"attendance": {"warning": 0.9}}}));
    assert!(
        err.starts_with("`config.thresholds.attendance`: missing field `bad`"),
        "{err}"
    );
    let err = config_error(
        json!({"thresholds": {"attendance": {"warning": 0.9, "bad": 0.8, "good": 1}}}),
    );
    assert!(
        err.starts_with("`config.thresholds.attendance.good`: unknown field `good`"),
        "{err}"
    );
}

#[test]
fn bad_sectors_are_refused() {
    let text = json!({"vi": "Cấp nước", "en": "Water"});
    assert_eq!(
        config_error(json!({"sectors": {"city.water": {"name": text, "organization": text}}})),
        "`sectors` has the sector `city.water`: use the middle token of its event types, such as `health` (not empty, no `.` or `/`)"
    );
    assert_eq!(
        config_error(
            json!({"sectors": {"water": {"name": {"vi": "", "en": "Water"}, "organization": text}}})
        ),
        "`sectors.water.name` needs both `vi` and `en` text"
    );
    let err = config_error(json!({"sectors": {"water": {"name": text}}}));
    assert!(
        err.starts_with("`config.sectors.water`: missing field `organization`"),
        "{err}"
    );
}

#[test]
fn bad_border_figures_are_refused() {
    assert_eq!(
        config_error(json!({"min_growth_per_hour": 0})),
        "`min_growth_per_hour` must be above 0 trucks per hour, got 0: a queue that does not grow is no emergency"
    );
    assert_eq!(
        config_error(json!({"min_perishable_tonnes": -1})),
        "`min_perishable_tonnes` must be 0 tonnes or more, got -1"
    );
    assert_eq!(
        config_error(json!({"material_change": 1.5})),
        "`material_change` must be a share in (0, 1], such as 0.1 for 10%, got 1.5"
    );
    let err = config_error(json!({"min_queue": -3}));
    assert!(
        err.starts_with("`config.min_queue`: invalid value: integer `-3`"),
        "{err}"
    );
    let err = config_error(json!({"report_window": "one day"}));
    assert!(
        err.starts_with("`config.report_window`: `one day` is not a duration"),
        "{err}"
    );
    let err = config_error(json!({"min_report": 3}));
    assert!(
        err.starts_with("`config.min_report`: unknown field `min_report`"),
        "{err}"
    );
}
