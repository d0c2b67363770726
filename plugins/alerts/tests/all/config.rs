//! Configuration: defaults, `min_level`, `border_segments` and their errors.

use cityhub_plugin_alerts::{Alerts, Config, MinLevel};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

use crate::support::{alerts, congestion, congestions, expect, harness, harness_with};

fn config_error(config: Value) -> String {
    let err = Harness::<Alerts>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

#[test]
fn defaults_are_severe_and_the_two_border_approaches() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.min_level, MinLevel::Severe);
    assert_eq!(config.border_segments, ["QL1A-km2", "QL4A-km8"]);
}

#[test]
fn by_default_heavy_congestion_is_no_alert() {
    let mut h = harness();
    let out = h
        .handle(&congestions("QL1B-km4", &["heavy", "cleared", "heavy"], 5))
        .unwrap();
    assert!(out.is_empty(), "{out:?}");
    assert!(h.state().is_empty(), "nothing to remember");
}

#[test]
fn min_level_heavy_alerts_on_heavy_and_resolves_only_when_cleared() {
    let mut h = harness_with(json!({"min_level": "heavy"}));
    let levels = ["heavy", "severe", "heavy", "cleared"];
    let out = h.handle(&congestions("QL1B-km4", &levels, 5)).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[
            ("QL1B-km4", "open", "heavy", "normal"),
            ("QL1B-km4", "resolved", "cleared", "normal"),
        ])
    );
    let open: Value = out[0].json().unwrap();
    assert_eq!(
        open["title"],
        json!({"vi": "Ùn tắc giao thông tại QL1B-km4", "en": "Heavy congestion at QL1B-km4"})
    );
}

#[test]
fn min_level_severe_resolves_when_congestion_eases_to_heavy() {
    let mut h = harness_with(json!({"min_level": "severe"}));
    let levels = ["heavy", "severe", "heavy", "cleared"];
    let out = h.handle(&congestions("QL1B-km4", &levels, 5)).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[
            ("QL1B-km4", "open", "severe", "normal"),
            ("QL1B-km4", "resolved", "heavy", "normal"),
        ])
    );
}

#[test]
fn border_segments_get_high_priority() {
    let events = [
        congestion("QL1A-km2", "severe", 5),
        congestion("QL4A-km8", "severe", 5),
        congestion("LS-KyLua", "severe", 5),
    ];
    let out = harness().handle(&events).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[
            ("QL1A-km2", "open", "severe", "high"),
            ("QL4A-km8", "open", "severe", "high"),
            ("LS-KyLua", "open", "severe", "normal"),
        ])
    );
    let severity =
        |o: &cityhub_sdk::testing::OutputEvent| o.json::<Value>().unwrap()["severity"].clone();
    assert_eq!(severity(&out[0]), "high", "a border approach");
    assert_eq!(severity(&out[2]), "medium", "a city street");

    // Configured, the list replaces the default one.
    let mut h = harness_with(json!({"border_segments": ["LS-KyLua"]}));
    let out = h.handle(&events).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[
            ("QL1A-km2", "open", "severe", "normal"),
            ("QL4A-km8", "open", "severe", "normal"),
            ("LS-KyLua", "open", "severe", "high"),
        ])
    );
    let out = harness_with(json!({"border_segments": []}))
        .handle(&events[..1])
        .unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[("QL1A-km2", "open", "severe", "normal")])
    );
}

#[test]
fn a_resolution_keeps_the_priority_its_alert_opened_with() {
    // Opened as a border segment, resolved after the configuration dropped it.
    let mut h = harness_with(json!({"border_segments": ["QL1B-km4"]}));
    h.state_mut()
        .insert_json(
            "open/QL1A-km2",
            &json!({"priority": "high", "observedAt": "2026-11-27T07:30:00+07:00"}),
        )
        .unwrap();
    let out = h.handle(&[congestion("QL1A-km2", "cleared", 60)]).unwrap();
    assert_eq!(
        alerts(&out),
        expect(&[("QL1A-km2", "resolved", "cleared", "high")])
    );
}

#[test]
fn a_bad_min_level_names_the_field() {
    let err = config_error(json!({"min_level": "cleared"}));
    assert!(
        err.starts_with(
            "`config.min_level`: unknown variant `cleared`, expected `heavy` or `severe`"
        ),
        "{err}"
    );
    let err = config_error(json!({"min_level": 2}));
    assert!(err.starts_with("`config.min_level`: "), "{err}");
}

#[test]
fn bad_border_segments_are_refused() {
    let err = config_error(json!({"border_segments": "QL1A-km2"}));
    assert!(
        err.starts_with("`config.border_segments`: invalid type: string"),
        "{err}"
    );
    assert_eq!(
        config_error(json!({"border_segments": ["QL1A-km2", ""]})),
        "`border_segments[1]` is empty: name a road segment such as `QL1A-km2`"
    );
    assert_eq!(
        config_error(json!({"border_segments": ["QL1A-km2", "QL4A-km8", "QL1A-km2"]})),
        "`border_segments` lists `QL1A-km2` twice: remove one"
    );
}

#[test]
fn unknown_fields_are_refused() {
    let err = config_error(json!({"min_levle": "heavy"}));
    assert!(
        err.starts_with("`config.min_levle`: unknown field"),
        "{err}"
    );
}
