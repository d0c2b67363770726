//! Configuration: defaults and the errors of each field.

use cityhub_plugin_health::{Config, Health};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::city::Span;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

use crate::support::{beds, harness_with, lines};

fn config_error(config: Value) -> String {
    let err = Harness::<Health>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

#[test]
fn defaults_are_lang_sons() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.capacity_ratio.0, 0.9);
    assert_eq!(config.critical_ratio.0, 1.0);
    assert_eq!(config.capacity_resolve_ratio.0, 0.85);
    assert_eq!(config.outbreak_window, Span::hours(168));
    assert_eq!(config.outbreak_threshold("Sốt xuất huyết"), 5);
    assert_eq!(config.outbreak_threshold("Bạch hầu"), 1);
    assert_eq!(config.outbreak_threshold("Sởi"), 2);
    assert_eq!(config.hospital_locations["bvdk-tinh"], [106.761, 21.853]);
}

#[test]
fn thresholds_are_configurable() {
    let mut h = harness_with(json!({
        "capacity_ratio": 0.8, "capacity_resolve_ratio": 0.7, "critical_ratio": 0.95,
        "hospital_locations": {},
    }));
    let out = h
        .handle(&[beds(450, 0), beds(540, 10), beds(420, 20), beds(380, 30)])
        .unwrap();
    assert_eq!(
        lines(&out),
        [
            "indicator bed-occupancy bvdk-tinh 0.804",
            "alert health/capacity/bvdk-tinh open high",
            "indicator bed-occupancy bvdk-tinh 0.964",
            "alert health/capacity/bvdk-tinh open critical",
            "indicator bed-occupancy bvdk-tinh 0.75",
            "alert health/capacity/bvdk-tinh open high",
            "indicator bed-occupancy bvdk-tinh 0.679",
            "alert health/capacity/bvdk-tinh resolved high",
        ]
    );
    let open: Value = out[1].json().unwrap();
    assert!(open.get("location").is_none());
}

#[test]
fn ratios_must_be_ordered() {
    assert_eq!(
        config_error(json!({"capacity_resolve_ratio": 0.9})),
        "`capacity_resolve_ratio` (0.9) must be below `capacity_ratio` (0.9): an alert resolves below the level that opened it"
    );
    assert_eq!(
        config_error(json!({"critical_ratio": 0.8})),
        "`critical_ratio` (0.8) must not be below `capacity_ratio` (0.9): critical is the fuller kind"
    );
    let err = config_error(json!({"capacity_ratio": 0}));
    assert!(
        err.starts_with("`config.capacity_ratio`: must be a ratio in (0, 2], got 0"),
        "{err}"
    );
}

#[test]
fn the_outbreak_settings_are_checked() {
    let err = config_error(json!({"outbreak_window": "1 week"}));
    assert!(
        err.starts_with("`config.outbreak_window`: `1 week` has no known unit"),
        "{err}"
    );
    assert_eq!(
        config_error(json!({"outbreak_window": "90d"})),
        "`outbreak_window` must be at most 60d: cases are kept in state that long"
    );
    let err = config_error(json!({"outbreak_cases": 0}));
    assert!(
        err.starts_with("`config.outbreak_cases`: invalid value"),
        "{err}"
    );
    let err = config_error(json!({"outbreak_cases_by_disease": {"Sởi": 0}}));
    assert!(
        err.starts_with("`config.outbreak_cases_by_disease"),
        "{err}"
    );
    assert_eq!(
        config_error(json!({"outbreak_cases_by_disease": {"": 3}})),
        "`outbreak_cases_by_disease` has an empty disease name: use the name case reports give, such as `Sốt xuất huyết`"
    );
}

#[test]
fn hospital_locations_are_longitude_then_latitude() {
    assert_eq!(
        config_error(json!({"hospital_locations": {"bvdk-tinh": [21.853, 106.761]}})),
        "`hospital_locations.bvdk-tinh` must be [longitude, latitude], got [21.853, 106.761]"
    );
    let err = config_error(json!({"hospital_locations": {"bvdk-tinh": [106.761]}}));
    assert!(err.starts_with("`config.hospital_locations"), "{err}");
}

#[test]
fn unknown_fields_are_refused() {
    let err = config_error(json!({"capacity_treshold": 0.9}));
    assert!(
        err.starts_with("`config.capacity_treshold`: unknown field"),
        "{err}"
    );
}
