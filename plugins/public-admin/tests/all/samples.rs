//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_public_admin::Config;
use cityhub_sdk::testing::{Manifest, TestEvent};
use serde_json::Value;

use crate::support::{alerts, expect, harness, indicators, outputs_of, overdue_ids};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_week_at_the_one_stop_shop() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/dossiers.json")).unwrap();
    assert_eq!(events.len(), 18);
    let out = h.handle(&events).unwrap();
    // The land registration and the building permit pass their due dates.
    assert_eq!(overdue_ids(&out), ["TNMT-261123-0001", "SXD-261123-0001"]);
    let overdue = outputs_of(&out, "city.admin.dossier-overdue");
    assert_eq!(
        overdue[1]["procedureName"],
        "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II"
    );
    assert_eq!(overdue[1]["overdueBy"], "PT7H");
    assert_eq!(overdue[1]["observedAt"], "2026-11-27T00:00:00+07:00");
    let mut last = std::collections::BTreeMap::new();
    for (indicator, scope, value) in indicators(&out) {
        last.insert((indicator, scope), value);
    }
    let get = |i: &str, s: &str| last[&(i.to_owned(), s.to_owned())];
    assert_eq!(get("overdue-dossiers", "so-xay-dung"), 1.0);
    assert_eq!(get("overdue-dossiers", "so-tai-nguyen-moi-truong"), 0.0);
    assert_eq!(get("on-time", "so-tai-nguyen-moi-truong"), 0.0);
    assert_eq!(get("on-time", "so-tu-phap"), 1.0);
    assert_eq!(get("processing-days", "ubnd-tp-lang-son"), 1.04);
    assert_eq!(get("processing-days", "so-tu-phap"), 4.33);
    assert!(
        !last.contains_key(&("on-time".to_owned(), "so-cong-thuong".to_owned())),
        "returned, not completed"
    );
    assert!(
        alerts(&out).is_empty(),
        "no agency reaches five overdue dossiers"
    );
    assert_eq!(
        indicators(&out)[0],
        expect(&[("overdue-dossiers", "so-tu-phap", 0.0)])[0]
    );
    // What stays in state: the two open dossiers, the closed ones until
    // their retention ends, the indexes, the agencies and the clock.
    let dossiers: Vec<&str> = h
        .state()
        .keys()
        .filter(|k| k.starts_with("dossier/"))
        .collect();
    assert_eq!(dossiers.len(), 7);
    let open: Vec<Value> = dossiers
        .iter()
        .map(|k| h.state().get_json::<Value>(k).unwrap().unwrap())
        .filter(|r| r.get("open").is_some())
        .collect();
    assert_eq!(open.len(), 2);
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "public-admin");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        manifest.str("vendor"),
        "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn"
    );
    use cityhub_plugin_public_admin::{ALERT, CLOCK_TICK, DOSSIER, INDICATOR, OVERDUE};
    assert_eq!(manifest.types("subscribes"), [DOSSIER, CLOCK_TICK]);
    assert_eq!(manifest.types("publishes"), [OVERDUE, INDICATOR, ALERT]);
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let defaults = Manifest::load(DIR).assert_defaults::<Config>();
    assert_eq!(defaults.len(), 3, "the schema names every field");
}
