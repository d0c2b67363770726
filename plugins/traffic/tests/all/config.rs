//! Configuration defaults and validation.

use cityhub_plugin_traffic::{Category, Config, Traffic};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::city::Span;
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

#[test]
fn border_and_incident_defaults_are_lang_sons() {
    let config = Config::default();
    assert_eq!(config.rate_window, Span::hours(1));
    assert_eq!(config.steady_band_per_hour.0, 10.0);
    assert_eq!(config.incident_retention, Span::hours(7 * 24));
    assert_eq!(
        config.incident_alert_categories,
        [Category::Accident, Category::Landslide]
    );
    let gates: Vec<(&str, &str, &str, &str, [f64; 2])> = config
        .gates
        .iter()
        .map(|g| {
            (
                &*g.id,
                &*g.name.vi,
                &*g.name.en,
                &*g.road,
                g.location.coordinates,
            )
        })
        .collect();
    assert_eq!(
        gates,
        [
            (
                "huu-nghi",
                "Cửa khẩu Quốc tế Hữu Nghị",
                "Hữu Nghị International Border Gate",
                "QL1A",
                [106.70, 21.98]
            ),
            (
                "tan-thanh",
                "Cửa khẩu Tân Thanh",
                "Tân Thanh Border Gate",
                "QL4A",
                [106.60, 22.00]
            ),
            (
                "coc-nam",
                "Cửa khẩu Cốc Nam",
                "Cốc Nam Border Gate",
                "QL4A",
                [106.57, 22.03]
            ),
            (
                "chi-ma",
                "Cửa khẩu Chi Ma",
                "Chi Ma Border Gate",
                "QL4B",
                [107.03, 21.83]
            ),
            (
                "dong-dang",
                "Ga Đồng Đăng",
                "Đồng Đăng Railway Station",
                "QL1A",
                [106.70, 21.94]
            ),
        ]
    );
    assert!(config.gates.iter().all(|g| g.location.kind == "Point"));
}

fn gate(id: &str) -> Value {
    json!({
        "id": id, "name": {"vi": "Cửa khẩu Na Hình", "en": "Na Hình Border Gate"},
        "road": "QL4A", "location": {"type": "Point", "coordinates": [106.62, 22.02]},
    })
}

#[test]
fn bad_gates_are_refused_with_the_field_and_the_fix() {
    assert_eq!(
        config_error(json!({"gates": []})),
        "`gates` is empty: configure at least one border gate, such as `huu-nghi`"
    );
    assert_eq!(
        config_error(json!({"gates": [gate("na-hinh"), gate("na-hinh")]})),
        "`gates` lists `na-hinh` twice: remove one"
    );
    assert_eq!(
        config_error(json!({"gates": [gate("na hinh")]})),
        "`gates[0].id` must be 1 to 64 bytes without spaces, such as `huu-nghi`, got \"na hinh\""
    );
    let mut g = gate("na-hinh");
    g["name"]["en"] = json!("");
    assert!(
        config_error(json!({"gates": [g]})).starts_with("`gates[0].name` needs both `vi` and `en`")
    );
    let mut g = gate("na-hinh");
    g["road"] = json!("");
    assert!(
        config_error(json!({"gates": [gate("a"), g]}))
            .starts_with("`gates[1].road` must be 1 to 64 bytes")
    );
    let mut g = gate("na-hinh");
    g["location"]["coordinates"] = json!([22.02, 106.62]);
    assert_eq!(
        config_error(json!({"gates": [g]})),
        "`gates[0].location.coordinates` must be [longitude, latitude], got [22.02, 106.62]"
    );
    let mut g = gate("na-hinh");
    g["location"]["type"] = json!("Polygon");
    assert!(
        config_error(json!({"gates": [g]}))
            .starts_with("`gates[0].location.type` must be \"Point\"")
    );
    let mut g = gate("na-hinh");
    g["lat"] = json!(22.02);
    let err = config_error(json!({"gates": [g]}));
    assert!(
        err.starts_with("`config.gates[0].lat`: unknown field `lat`, expected one of `id`, `name`, `road`, `location`"),
        "{err}"
    );
}

#[test]
fn bad_windows_bands_and_categories_are_refused() {
    let err = config_error(json!({"rate_window": "1 hour"}));
    assert!(
        err.starts_with("`config.rate_window`: `1 hour` has no known unit"),
        "{err}"
    );
    let err = config_error(json!({"incident_retention": "0d"}));
    assert!(
        err.starts_with("`config.incident_retention`: `0d` is zero"),
        "{err}"
    );
    let err = config_error(json!({"steady_band_per_hour": -1}));
    assert!(
        err.starts_with(
            "`config.steady_band_per_hour`: must be a number of trucks per hour, 0 or more, got -1"
        ),
        "{err}"
    );
    let err = config_error(json!({"incident_alert_categories": ["fire"]}));
    assert!(
        err.starts_with("`config.incident_alert_categories[0]`: unknown variant `fire`"),
        "{err}"
    );
    assert_eq!(
        config_error(json!({"incident_alert_categories": ["accident", "accident"]})),
        "`incident_alert_categories` lists `accident` twice: remove one"
    );
}
