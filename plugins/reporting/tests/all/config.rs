//! Configuration: defaults, and errors that name the field and the fix.

use cityhub_plugin_reporting::{Config, Reporting};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

fn config_error(config: Value) -> String {
    let err = Harness::<Reporting>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

#[test]
fn defaults_are_daily_reports_bounded_state_and_lang_son_agencies() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.period_secs(), 86_400);
    assert_eq!(config.retention_secs(), 30 * 86_400);
    assert_eq!(
        (
            config.max_sectors.get(),
            config.max_indicators_per_sector.get()
        ),
        (16, 200)
    );
    assert_eq!(config.agencies.len(), 7);
    assert_eq!(
        config.agency("ban-quan-ly-kkt-cua-khau").unwrap().name.vi,
        "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"
    );
    config.check().unwrap();
}

#[test]
fn bad_values_name_the_field() {
    assert!(
        config_error(json!({"report_period": "1 day"}))
            .starts_with("`config.report_period`: `1 day` has no known unit")
    );
    assert!(
        config_error(json!({"retention": "0h"})).starts_with("`config.retention`: `0h` is zero")
    );
    assert!(
        config_error(json!({"max_sectors": 0}))
            .starts_with("`config.max_sectors`: invalid value: integer `0`")
    );
    assert!(
        config_error(json!({"max_indicators_per_sector": -1}))
            .starts_with("`config.max_indicators_per_sector`: invalid value")
    );
    assert!(
        config_error(json!({"report_periode": "1d"}))
            .starts_with("`config.report_periode`: unknown field")
    );
}

#[test]
fn agencies_are_checked() {
    let twice = json!({"id": "so-y-te", "name": {"vi": "Sở Y tế", "en": "Department of Health"}});
    assert_eq!(
        config_error(json!({"agencies": [twice.clone(), twice]})),
        "`agencies` lists `so-y-te` twice: remove one"
    );
    assert_eq!(
        config_error(json!({"agencies": [{"id": "so-y-te", "name": {"vi": "", "en": "Health"}}]})),
        "`agencies[0].name` needs both `vi` and `en`: name `so-y-te` in Vietnamese and English"
    );
    assert!(
        config_error(json!({"agencies": [{"id": "", "name": {"vi": "Sở Y tế", "en": "Health"}}]}))
            .starts_with("`agencies[0].id` must be 1 to 249 bytes, got 0")
    );
}
