//! Configuration: defaults and the errors of each field.

use cityhub_plugin_ecommerce::{Config, Ecommerce, Tonnes};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::city::Span;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

fn config_error(config: Value) -> String {
    let err = Harness::<Ecommerce>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

#[test]
fn defaults_are_lang_sons_gates_and_thresholds() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.perishable_alert_tonnes, Tonnes(500.0));
    assert_eq!(config.critical_perishable_tonnes, Tonnes(2000.0));
    assert_eq!(
        config.gates.keys().collect::<Vec<_>>(),
        ["chi-ma", "coc-nam", "dong-dang", "huu-nghi", "tan-thanh"]
    );
    assert_eq!(config.gates["huu-nghi"].vi, "Cửa khẩu Quốc tế Hữu Nghị");
    assert_eq!(config.declaration_retention, Span::hours(48));
    assert_eq!(config.stale_waiting_after, Span::hours(14 * 24));
    assert_eq!(config.orders_report_every, Span::parse("15m").unwrap());
    config.check().unwrap();
}

#[test]
fn configured_gates_replace_the_defaults() {
    let config: Config = serde_json::from_value(
        json!({"gates": {"huu-nghi": {"vi": "Hữu Nghị", "en": "Huu Nghi"}}}),
    )
    .unwrap();
    assert_eq!(config.gates.len(), 1);
    assert_eq!(config.gate_name("tan-thanh", None).vi, "tan-thanh");
}

#[test]
fn thresholds_must_be_positive_and_in_order() {
    let err = config_error(json!({"perishable_alert_tonnes": 0}));
    assert!(
        err.starts_with("`config.perishable_alert_tonnes`: must be a mass above 0 tonnes, got 0"),
        "{err}"
    );
    assert_eq!(
        config_error(json!({"perishable_alert_tonnes": 800, "critical_perishable_tonnes": 600})),
        "`critical_perishable_tonnes` (600) must be at least `perishable_alert_tonnes` (800): critical is the graver kind"
    );
}

#[test]
fn spans_must_be_durations_and_in_order() {
    let err = config_error(json!({"declaration_retention": "2 days"}));
    assert!(err.starts_with("`config.declaration_retention`: "), "{err}");
    assert!(err.contains("`2 days` has no known unit"), "{err}");
    let err = config_error(json!({"orders_report_every": "0m"}));
    assert!(err.contains("zero"), "{err}");
    assert_eq!(
        config_error(json!({"declaration_retention": "30d"})),
        "`stale_waiting_after` (14d) must be at least `declaration_retention` (30d): raise it or shorten the retention"
    );
}

#[test]
fn gates_need_ids_and_both_names() {
    let err = config_error(json!({"gates": {"huu-nghi": {"vi": "Hữu Nghị"}}}));
    assert!(err.starts_with("`config.gates"), "{err}");
    assert!(err.contains("missing field `en`"), "{err}");
    assert_eq!(
        config_error(json!({"gates": {"huu-nghi": {"vi": "Hữu Nghị", "en": " "}}})),
        "`gates.huu-nghi` needs both names: `vi` and `en` must not be empty"
    );
    assert_eq!(
        config_error(json!({"gates": {"": {"vi": "?", "en": "?"}}})),
        "`gates` has an id of 0 bytes (``): ids are 1 to 64 bytes, such as `huu-nghi`"
    );
}

#[test]
fn unknown_fields_are_refused() {
    let err = config_error(json!({"perishable_alert_tons": 500}));
    assert!(
        err.starts_with("`config.perishable_alert_tons`: unknown field"),
        "{err}"
    );
}
