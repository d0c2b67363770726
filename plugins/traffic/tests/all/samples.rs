//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_traffic::{Config, Level, Segment};
use cityhub_sdk::testing::{Manifest, TestEvent};
use serde_json::Value;

use crate::support::{harness, kinds, levels, outputs_of, pairs};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_readings_congest_the_border_roads_only() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/readings.json")).unwrap();
    assert_eq!(events.len(), 19);
    let out = h.handle(&events).unwrap();
    let expected = [
        ("QL1A-km2", "heavy"),
        ("QL4A-km8", "heavy"),
        ("QL1A-km2", "severe"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(s, l)| ((*s).to_owned(), (*l).to_owned()))
        .collect();
    assert_eq!(levels(&out), expected);
    // Kỳ Lừa's one slow reading is smoothed away.
    let ky_lua = Segment::from_bytes(h.state().get("segment/LS-KyLua").unwrap()).unwrap();
    assert_eq!((ky_lua.level, ky_lua.samples), (Level::Free, 3));
    assert_eq!(h.state().len(), 5);
}

#[test]
fn the_sample_incidents_open_and_clear_on_the_border_roads() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/incidents.json")).unwrap();
    assert_eq!(events.len(), 7);
    let out = h.handle(&events).unwrap();
    let (incident, indicator, alert) = (
        "city.traffic.incident",
        "city.traffic.indicator",
        "city.traffic.alert",
    );
    assert_eq!(
        kinds(&out),
        pairs(&[
            (incident, "bt-ql4a-2026-031"),
            (indicator, "QL4A"),
            (alert, "traffic/incident/bt-ql4a-2026-031"),
            (incident, "csgt-20261127-014"),
            (indicator, "QL1A"),
            (alert, "traffic/incident/csgt-20261127-014"),
            (incident, "csgt-20261127-017"),
            (indicator, "QL1B"),
            (incident, "bt-ql31-2026-007"),
            (indicator, "QL31"),
            // (the accident's 08:05 update announces nothing)
            (incident, "csgt-20261127-014"),
            (indicator, "QL1A"),
            (alert, "traffic/incident/csgt-20261127-014"),
            (incident, "csgt-20261127-017"),
            (indicator, "QL1B"),
        ])
    );
    let alerts = outputs_of(&out, alert);
    assert_eq!(alerts[0]["title"]["vi"], "Sạt lở đất trên QL4A");
    assert_eq!(alerts[2]["status"], "resolved");
    // The landslide is still active at the end of the morning; so are the
    // road works on QL31.
    let values: Vec<f64> = outputs_of(&out, indicator)
        .iter()
        .map(|i| i["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]);
    assert_eq!(
        h.state()
            .keys()
            .filter(|k| k.starts_with("road/"))
            .collect::<Vec<_>>(),
        ["road/QL31", "road/QL4A"]
    );
    // Every description comes back byte for byte.
    for (input, output) in events
        .iter()
        .filter(|e| e.id != "csgt-20261127-014-2")
        .zip(outputs_of(&out, incident))
    {
        let data: Value = serde_json::from_slice(input.data.as_deref().unwrap()).unwrap();
        assert_eq!(output["description"], data["description"]);
    }
}

#[test]
fn the_sample_gate_counts_show_the_fruit_season_queue_at_huu_nghi() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/gate-counts.json")).unwrap();
    assert_eq!(events.len(), 10);
    let out = h.handle(&events).unwrap();
    assert_eq!(out.len(), 20, "every count changes its queue");
    let at_eight: Vec<(String, f64, f64, String)> = outputs_of(&out, "city.traffic.border-queue")
        .iter()
        .filter(|q| q["observedAt"] == "2026-11-27T08:00:00+07:00")
        .map(|q| {
            (
                q["gate"].as_str().unwrap().to_owned(),
                q["growthPerHour"].as_f64().unwrap(),
                q["clearancePerHour"].as_f64().unwrap(),
                q["trend"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let row = |g: &str, growth, clearance, trend: &str| {
        (g.to_owned(), growth, clearance, trend.to_owned())
    };
    assert_eq!(
        at_eight,
        [
            row("huu-nghi", 120.0, 85.0, "growing"),
            row("tan-thanh", 28.0, 115.0, "growing"),
            row("chi-ma", -4.0, 40.0, "steady"),
        ]
    );
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "traffic");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    use cityhub_plugin_traffic as t;
    assert_eq!(
        manifest.types("subscribes"),
        [t::READING, t::INCIDENT_REPORT, t::GATE_COUNT]
    );
    assert_eq!(
        manifest.types("publishes"),
        [
            t::CONGESTION,
            t::INCIDENT,
            t::BORDER_QUEUE,
            t::INDICATOR,
            t::ALERT
        ]
    );
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let manifest = Manifest::load(DIR);
    let defaults = manifest.assert_defaults::<Config>();
    assert_eq!(defaults.len(), 9, "the schema names every field");
    // The categories the schema allows are the ones the plugin accepts.
    let schema = manifest.property("incident_alert_categories");
    let categories = &schema["items"]["enum"];
    let config = serde_json::json!({"incident_alert_categories": categories});
    assert!(serde_json::from_value::<Config>(config).is_ok());
    assert_eq!(categories.as_array().unwrap().len(), 5);
}
