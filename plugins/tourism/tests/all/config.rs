//! Configuration: defaults and the errors of each field.

use cityhub_plugin_tourism::{Config, Tourism};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::city::Span;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

fn config_error(config: Value) -> String {
    let err = Harness::<Tourism>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

fn site(capacity: u32, location: [f64; 2]) -> Value {
    json!({"vi": "Hang Pắc Bó", "en": "Pắc Bó Cave", "capacity": capacity, "location": location})
}

#[test]
fn defaults_are_lang_sons_sites() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(
        config.sites.keys().collect::<Vec<_>>(),
        [
            "bac-son",
            "chi-lang",
            "ky-lua",
            "mau-son",
            "nhi-thanh",
            "tam-thanh"
        ]
    );
    assert_eq!(config.sites["mau-son"].vi, "Khu du lịch Mẫu Sơn");
    assert_eq!(config.sites["mau-son"].capacity, 5000);
    assert_eq!((config.crowding_ratio, config.resolve_ratio), (0.9, 0.8));
    assert_eq!(config.event_horizon, Span::hours(24));
    config.check().unwrap();
}

#[test]
fn ratios_must_be_in_order() {
    assert_eq!(
        config_error(json!({"crowding_ratio": 0})),
        "`crowding_ratio` must be above 0 and at most 2 (a share of capacity), got 0"
    );
    assert_eq!(
        config_error(json!({"crowding_ratio": 0.8, "resolve_ratio": 0.85})),
        "`resolve_ratio` (0.85) must be above 0 and below `crowding_ratio` (0.8), so an alert does not flap"
    );
    let err = config_error(json!({"event_horizon": "1 ngày"}));
    assert!(err.starts_with("`config.event_horizon`: "), "{err}");
}

#[test]
fn sites_are_checked() {
    assert_eq!(
        config_error(json!({"sites": {"pac-bo": site(0, [106.1, 22.9])}})),
        "`sites.pac-bo.capacity` must be at least 1 visitor"
    );
    assert_eq!(
        config_error(json!({"sites": {"pac-bo": site(100, [22.9, 106.1])}})),
        "`sites.pac-bo.location` must be [longitude, latitude], got [22.9, 106.1]"
    );
    assert_eq!(
        config_error(
            json!({"sites": {"pac-bo": {"vi": "", "en": "x", "capacity": 1, "location": [106.1, 22.9]}}})
        ),
        "`sites.pac-bo` needs both names: `vi` and `en` must not be empty"
    );
    let err = config_error(json!({"sites": {"pac-bo": {"vi": "x", "en": "x", "capacity": 1}}}));
    assert!(err.starts_with("`config.sites"), "{err}");
    assert!(err.contains("missing field `location`"), "{err}");
    let err = config_error(
        json!({"sites": {"pac-bo": {"vi": "x", "en": "x", "capacity": 1, "location": [1.0, 2.0], "zoom": 3}}}),
    );
    assert!(err.contains("unknown field `zoom`"), "{err}");
}

#[test]
fn unknown_fields_are_refused() {
    let err = config_error(json!({"crowding": 0.9}));
    assert!(err.starts_with("`config.crowding`: unknown field"), "{err}");
}
