//! Configuration: defaults, and errors that name the field and the fix.

use cityhub_plugin_public_admin::{Config, PublicAdmin};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::Harness;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{at, harness_with, simple};

fn config_error(config: Value) -> String {
    let err = Harness::<PublicAdmin>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

#[test]
fn defaults_are_five_dossiers_seven_days_and_lang_son_agencies() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.overdue_alert_count.get(), 5);
    assert_eq!(config.retention.as_duration().as_secs(), 7 * 86_400);
    let ids: Vec<&str> = config.agencies.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "so-tu-phap",
            "so-tai-chinh",
            "so-xay-dung",
            "so-tai-nguyen-moi-truong",
            "so-cong-thuong",
            "ubnd-tp-lang-son"
        ]
    );
    assert_eq!(config.agency("so-tu-phap").unwrap().name.vi, "Sở Tư pháp");
    config.check().unwrap();
}

#[test]
fn configured_agencies_replace_the_default_ones() {
    let config = json!({"agencies": [{"id": "so-tu-phap", "name": {"vi": "Sở Tư pháp tỉnh Lạng Sơn", "en": "Lạng Sơn Department of Justice"}}]});
    let mut h = harness_with(config);
    let out = h
        .handle(&[simple("LS-0042", "received", &at(20, 8))])
        .unwrap();
    let indicator: Value = out[0].json().unwrap();
    assert_eq!(indicator["scopeName"], "Sở Tư pháp tỉnh Lạng Sơn");
}

#[test]
fn retention_is_configurable() {
    let mut h = harness_with(json!({"retention": "36h"}));
    h.handle(&[
        simple("LS-0042", "received", &at(20, 8)),
        simple("LS-0042", "completed", &at(21, 8)),
        TestEvent::tick(&at(22, 21)),
    ])
    .unwrap();
    assert_eq!(h.state().get("dossier/LS-0042"), None);
}

#[test]
fn bad_values_name_the_field() {
    assert!(
        config_error(json!({"overdue_alert_count": 0}))
            .starts_with("`config.overdue_alert_count`: invalid value: integer `0`")
    );
    assert!(
        config_error(json!({"retention": "2 days"}))
            .starts_with("`config.retention`: `2 days` has no known unit: use s, m, h or d"),
    );
    assert!(config_error(json!({"retention": "0d"})).contains("is zero"));
    assert!(
        config_error(json!({"agencies": [{"id": "so-y-te"}]}))
            .starts_with("`config.agencies[0]`: missing field `name`")
    );
    assert!(
        config_error(json!({"agencies": [{"id": "so-y-te", "name": {"vi": "Sở Y tế", "en": "Health"}, "phone": "1"}]}))
            .starts_with("`config.agencies[0].phone`: unknown field")
    );
}

#[test]
fn agencies_are_checked() {
    assert_eq!(
        config_error(
            json!({"agencies": [{"id": "", "name": {"vi": "Sở Y tế", "en": "Department of Health"}}]})
        ),
        "`agencies[0].id` must be 1 to 249 bytes, got 0: use the id dossiers carry, such as `so-tu-phap`"
    );
    assert_eq!(
        config_error(
            json!({"agencies": [{"id": "so-y-te", "name": {"vi": "Sở Y tế", "en": " "}}]})
        ),
        "`agencies[0].name` needs both `vi` and `en`: name `so-y-te` in Vietnamese and English"
    );
    let twice = json!({"id": "so-y-te", "name": {"vi": "Sở Y tế", "en": "Department of Health"}});
    assert_eq!(
        config_error(json!({"agencies": [twice.clone(), twice]})),
        "`agencies` lists `so-y-te` twice: remove one"
    );
}

#[test]
fn unknown_fields_are_refused() {
    assert!(
        config_error(json!({"overdue_alert_cout": 3}))
            .starts_with("`config.overdue_alert_cout`: unknown field")
    );
}
