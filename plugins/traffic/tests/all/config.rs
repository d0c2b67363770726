//! Configuration defaults and validation.

use cityhub_plugin_traffic::{Config, Traffic};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

use crate::support::{levels, readings};

fn config_error(config: Value) -> String {
    let err = Harness::<Traffic>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

#[test]
fn defaults_are_20_10_0_3_and_3() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.speed_threshold_kmh.0, 20.0);
    assert_eq!(config.severe_speed_kmh.0, 10.0);
    assert_eq!(config.alpha.0, 0.3);
    assert_eq!(config.min_samples.get(), 3);
}

#[test]
fn configured_thresholds_change_what_counts_as_congested() {
    let speeds = [30.0, 30.0];
    let mut default = Harness::<Traffic>::new(json!({})).unwrap();
    assert!(
        default
            .handle(&readings("QL1A-km2", &speeds, 5))
            .unwrap()
            .is_empty()
    );

    let config =
        json!({"speed_threshold_kmh": 40, "severe_speed_kmh": 31, "alpha": 1.0, "min_samples": 2});
    let mut strict = Harness::<Traffic>::new(config).unwrap();
    let out = strict.handle(&readings("QL1A-km2", &speeds, 5)).unwrap();
    assert_eq!(levels(&out), [("QL1A-km2".to_owned(), "severe".to_owned())]);
}

#[test]
fn out_of_range_values_name_the_field() {
    assert_eq!(
        config_error(json!({"alpha": 0})),
        "`config.alpha`: must be in (0, 1], got 0 at line 1 column 11"
    );
    assert_eq!(
        config_error(json!({"alpha": 1.5})),
        "`config.alpha`: must be in (0, 1], got 1.5 at line 1 column 13"
    );
    assert!(
        config_error(json!({"min_samples": 0}))
            .starts_with("`config.min_samples`: invalid value: integer `0`")
    );
    assert!(
        config_error(json!({"speed_threshold_kmh": -5}))
            .starts_with("`config.speed_threshold_kmh`: must be a speed above 0 km/h")
    );
    assert!(
        config_error(json!({"severe_speed_kmh": "slow"}))
            .starts_with("`config.severe_speed_kmh`: invalid type: string")
    );
}

#[test]
fn unknown_fields_and_inverted_thresholds_are_refused() {
    assert!(
        config_error(json!({"speed_treshold_kmh": 25}))
            .starts_with("`config.speed_treshold_kmh`: unknown field")
    );
    assert_eq!(
        config_error(json!({"speed_threshold_kmh": 15, "severe_speed_kmh": 15})),
        "`severe_speed_kmh` (15) must be below `speed_threshold_kmh` (15): severe congestion is the slower kind"
    );
}
