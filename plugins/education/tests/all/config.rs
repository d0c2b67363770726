//! Configuration: defaults and the errors of each field.

use cityhub_plugin_education::{Config, Education};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::city::Span;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

use crate::support::{attendance, harness_with, lines};

fn config_error(config: Value) -> String {
    let err = Harness::<Education>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

#[test]
fn defaults_are_lang_sons() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.low_attendance_ratio.0, 0.85);
    assert_eq!(config.severe_attendance_ratio.0, 0.7);
    assert_eq!(config.incident_retention, Span::hours(720));
    assert_eq!(
        config.school_locations["thpt-chuyen-chu-van-an"],
        [106.7545, 21.8468]
    );
}

#[test]
fn thresholds_are_configurable() {
    let mut h = harness_with(json!({"low_attendance_ratio": 0.95, "severe_attendance_ratio": 0.9}));
    let out = h
        .handle(&[attendance(600, 0), attendance(570, 1440)])
        .unwrap();
    assert_eq!(
        lines(&out),
        [
            "indicator attendance thcs-hoang-van-thu 0.938",
            "alert education/low-attendance/thcs-hoang-van-thu open medium",
            "indicator attendance thcs-hoang-van-thu 0.891",
            "alert education/low-attendance/thcs-hoang-van-thu open high",
        ]
    );
}

#[test]
fn bad_values_name_the_field() {
    assert_eq!(
        config_error(json!({"severe_attendance_ratio": 0.9})),
        "`severe_attendance_ratio` (0.9) must be below `low_attendance_ratio` (0.85): severe is the lower attendance"
    );
    let err = config_error(json!({"low_attendance_ratio": 1.2}));
    assert!(
        err.starts_with("`config.low_attendance_ratio`: must be a ratio in (0, 1], got 1.2"),
        "{err}"
    );
    let err = config_error(json!({"incident_retention": "0d"}));
    assert!(
        err.starts_with("`config.incident_retention`: `0d` is zero"),
        "{err}"
    );
    assert_eq!(
        config_error(json!({"school_locations": {"th-dong-dang": [21.94, 106.70]}})),
        "`school_locations.th-dong-dang` must be [longitude, latitude], got [21.94, 106.7]"
    );
    let err = config_error(json!({"low_attendance": 0.8}));
    assert!(
        err.starts_with("`config.low_attendance`: unknown field"),
        "{err}"
    );
}
