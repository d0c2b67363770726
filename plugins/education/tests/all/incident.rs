//! Incidents: opened once, re-announced when their severity changes,
//! resolved once, forgotten after the retention.

use serde_json::{Value, json};

use crate::support::{DAY, harness, incident, lines, only, time};

const ID: &str = "education/incident/SC-0457";

#[test]
fn an_incident_opens_with_its_mapped_severity_and_resolves() {
    let mut h = harness();
    let out = h
        .handle(&[incident("SC-0457", "serious", None, 0)])
        .unwrap();
    assert_eq!(out[0].ty, "city.education.alert");
    assert_eq!(out[0].subject.as_deref(), Some(ID));
    assert_eq!(
        only(&out),
        json!({
            "alertId": ID,
            "status": "open",
            "category": "education",
            "subCategory": "incident",
            "severity": "high",
            "title": {
                "vi": "Ngộ độc thực phẩm tại Trường TH Đồng Đăng",
                "en": "Food poisoning at Trường TH Đồng Đăng",
            },
            "description": {
                "vi": "12 học sinh đau bụng sau bữa ăn bán trú",
                "en": "12 học sinh đau bụng sau bữa ăn bán trú",
            },
            "location": {"type": "Point", "coordinates": [106.7041, 21.9436]},
            "figures": {"category": "food-poisoning", "incidentSeverity": "serious", "school": "th-dong-dang"},
            "observedAt": time(0),
        })
    );
    let out = h
        .handle(&[incident("SC-0457", "serious", Some("resolved"), 300)])
        .unwrap();
    let resolved = only(&out);
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(
        resolved["title"]["vi"],
        "Đã xử lý xong: ngộ độc thực phẩm tại Trường TH Đồng Đăng"
    );
}

#[test]
fn every_severity_maps_and_changes_are_announced() {
    let mut h = harness();
    let events = [
        incident("SC-1", "minor", Some("open"), 0),
        incident("SC-1", "moderate", None, 10),
        incident("SC-1", "moderate", None, 20),
        incident("SC-1", "critical", None, 30),
        incident("SC-1", "critical", Some("resolved"), 40),
        incident("SC-1", "critical", Some("resolved"), 50),
        incident("SC-1", "serious", None, 60),
    ];
    let out = h.handle(&events).unwrap();
    assert_eq!(
        lines(&out),
        [
            "alert education/incident/SC-1 open low",
            "alert education/incident/SC-1 open medium",
            "alert education/incident/SC-1 open critical",
            "alert education/incident/SC-1 resolved critical",
            "alert education/incident/SC-1 open high",
        ]
    );
}

#[test]
fn redelivered_and_older_events_change_nothing() {
    let mut h = harness();
    let events = [
        incident("SC-0457", "serious", None, 0),
        incident("SC-0457", "serious", Some("resolved"), 60),
    ];
    assert_eq!(h.handle(&events).unwrap().len(), 2);
    let known: Value = h.state().get_json("incidents").unwrap().unwrap();
    assert!(h.handle(&events).unwrap().is_empty());
    assert!(
        h.handle(&[events[0].clone().id("resent")])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.state().get_json::<Value>("incidents").unwrap(),
        Some(known)
    );
}

#[test]
fn first_heard_of_resolved_announces_nothing() {
    let mut h = harness();
    assert!(
        h.handle(&[incident("SC-9", "minor", Some("resolved"), 0)])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.state().get_json::<Value>("incidents").unwrap().unwrap()["SC-9"]["status"],
        "resolved"
    );
}

#[test]
fn resolved_incidents_are_forgotten_after_the_retention() {
    let mut h = harness();
    h.handle(&[
        incident("SC-1", "minor", None, 0),
        incident("SC-1", "minor", Some("resolved"), 60),
        incident("SC-2", "moderate", None, 60),
    ])
    .unwrap();
    // 30 days later, SC-1 is forgotten; SC-2 is still open and kept.
    h.handle(&[incident("SC-3", "minor", None, 30 * DAY + 60)])
        .unwrap();
    let known: Value = h.state().get_json("incidents").unwrap().unwrap();
    let ids: Vec<&String> = known.as_object().unwrap().keys().collect();
    assert_eq!(ids, ["SC-2", "SC-3"]);
    // A redelivery of SC-1's opening is older than the retention: ignored.
    assert!(
        h.handle(&[incident("SC-1", "minor", None, 0)])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.logs().last().unwrap().message,
        "incident skipped: not newer than what the plugin knows"
    );
}
