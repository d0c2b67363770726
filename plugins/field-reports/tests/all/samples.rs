//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_field_reports::{
    ALERT, Config, INDICATOR, OVERDUE, PROGRESS, REQUEST, SUBMITTED,
};
use cityhub_sdk::city::TICK;
use cityhub_sdk::testing::{Manifest, TestEvent};
use serde_json::Value;

use crate::support::{CITY, GTVT, harness, indicators, outputs_of, requests};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_reports_are_routed_updated_and_turn_overdue() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/reports.json")).unwrap();
    assert_eq!(events.len(), 15);
    let out = h.handle(&events).unwrap();

    let routed: Vec<(String, String, Value)> = requests(&out)
        .iter()
        .filter(|r| r["requested_datetime"] == r["updated_datetime"] && r["overdue"] == false)
        .map(|r| {
            (
                r["service_request_id"].as_str().unwrap().to_owned(),
                r["service_code"].as_str().unwrap().to_owned(),
                r["road"].clone(),
            )
        })
        .collect();
    let expected = [
        ("LS-2026-000101", "pothole", Value::from("QL4A")),
        ("LS-2026-000102", "traffic-obstruction", Value::from("QL1A")),
        ("LS-2026-000103", "litter", Value::Null),
        ("LS-2026-000104", "flooding", Value::Null),
        ("LS-2026-000105", "streetlight", Value::from("QL1A")),
        ("LS-2026-000106", "illegal-parking", Value::Null),
        ("LS-2026-000107", "other", Value::Null),
    ];
    let expected: Vec<(String, String, Value)> = expected
        .into_iter()
        .map(|(id, code, road)| (id.to_owned(), code.to_owned(), road))
        .collect();
    assert_eq!(
        routed, expected,
        "seven reports, the retry of 101 not again"
    );

    let overdue: Vec<String> = outputs_of(&out, OVERDUE)
        .iter()
        .map(|o| o["service_request_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        overdue,
        [
            "LS-2026-000106",
            "LS-2026-000104",
            "LS-2026-000103",
            "LS-2026-000101",
            "LS-2026-000105"
        ]
    );
    // 106 was handed to the city before its deadline: its overdue is the city's.
    let o106 = &outputs_of(&out, OVERDUE)[0];
    assert_eq!(o106["agency_responsible"], "UBND thành phố Lạng Sơn");
    // One batch: indicators once per agency, with the final counts.
    let final_counts = indicators(&out);
    assert!(final_counts.contains(&("open-reports".to_owned(), CITY.to_owned(), 3.0)));
    assert!(final_counts.contains(&("overdue-reports".to_owned(), CITY.to_owned(), 3.0)));
    assert!(final_counts.contains(&("overdue-reports".to_owned(), GTVT.to_owned(), 1.0)));
    assert!(
        outputs_of(&out, ALERT).is_empty(),
        "3 overdue is below the default threshold of 5"
    );

    // The same file again (a redelivered batch) changes nothing.
    let again = h.handle(&events).unwrap();
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn the_sample_reports_in_small_batches_reach_the_same_state() {
    let events = TestEvent::from_json_file(format!("{DIR}/events/reports.json")).unwrap();
    let mut whole = harness();
    whole.handle(&events).unwrap();
    let mut one_by_one = harness();
    for e in &events {
        one_by_one.handle(std::slice::from_ref(e)).unwrap();
    }
    let dump = |h: &cityhub_sdk::testing::Harness<_>| -> Vec<(String, Vec<u8>)> {
        let host: &cityhub_sdk::testing::MemoryHost = h.state();
        host.keys()
            .map(|k| (k.to_owned(), host.get(k).unwrap().to_vec()))
            .collect()
    };
    assert_eq!(dump(&whole), dump(&one_by_one));
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "field-reports");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.types("subscribes"), [SUBMITTED, PROGRESS, TICK]);
    assert_eq!(
        manifest.types("publishes"),
        [REQUEST, OVERDUE, INDICATOR, ALERT]
    );
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let manifest = Manifest::load(DIR);
    let defaults = manifest.assert_defaults::<Config>();
    assert_eq!(defaults.len(), 5, "the schema names every field");
    // The schema of one service names every field a service has.
    let services = manifest.property("services");
    let item = services["items"]["properties"].as_object().unwrap();
    let names: Vec<&str> = item.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "agency",
            "description",
            "group",
            "keywords",
            "service_code",
            "service_name",
            "sla"
        ]
    );
}
