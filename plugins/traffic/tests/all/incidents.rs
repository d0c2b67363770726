//! Incidents open and clear once each, count per road, alert when severe,
//! and are remembered for a while after they clear.

use cityhub_plugin_traffic::Traffic;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

use crate::support::{harness, incident_data, kinds, outputs_of, pairs, report, time};

const INCIDENT: &str = "city.traffic.incident";
const INDICATOR: &str = "city.traffic.indicator";
const ALERT: &str = "city.traffic.alert";

#[test]
fn an_accident_on_ql1a_opens_an_incident_an_indicator_and_an_alert() {
    let mut h = harness();
    let out = h
        .handle(&[report("csgt-014", "accident", "QL1A", "active", 40)])
        .unwrap();
    assert_eq!(
        kinds(&out),
        pairs(&[
            (INCIDENT, "csgt-014"),
            (INDICATOR, "QL1A"),
            (ALERT, "traffic/incident/csgt-014")
        ])
    );
    assert!(
        out.iter()
            .all(|o| o.time.as_deref() == Some(time(40).as_str()))
    );
    let incident: Value = out[0].json().unwrap();
    assert_eq!(
        incident,
        incident_data("csgt-014", "accident", "QL1A", "active", 40)
    );
    // Vietnamese comes back byte for byte, not escaped.
    let raw = std::str::from_utf8(out[0].data.as_deref().unwrap()).unwrap();
    assert!(
        raw.contains("Va chạm giữa hai xe đầu kéo chở thanh long"),
        "{raw}"
    );

    let indicator: Value = out[1].json().unwrap();
    assert_eq!(
        indicator,
        json!({
            "indicator": "active-incidents", "scope": "QL1A", "scopeName": "Quốc lộ 1A",
            "name": {"vi": "Sự cố giao thông đang diễn ra", "en": "Active traffic incidents"},
            "value": 1.0, "unit": "count", "observedAt": "2026-11-27T07:40:00+07:00",
        })
    );
    let alert: Value = out[2].json().unwrap();
    assert_eq!(
        alert,
        json!({
            "alertId": "traffic/incident/csgt-014", "status": "open",
            "category": "traffic", "subCategory": "incident", "severity": "high",
            "title": {"vi": "Tai nạn giao thông trên QL1A", "en": "Traffic accident on QL1A"},
            "location": {"type": "Point", "coordinates": [106.712, 21.962]},
            "figures": {"activeIncidents": 1, "category": "accident", "incidentId": "csgt-014", "road": "QL1A"},
            "observedAt": "2026-11-27T07:40:00+07:00",
        })
    );
    assert_eq!(
        h.state().get_json::<Value>("incident/csgt-014").unwrap(),
        Some(json!({"status": "active", "road": "QL1A", "observedAt": time(40), "alerted": true}))
    );
    assert_eq!(h.state().get_json::<u32>("road/QL1A").unwrap(), Some(1));
}

#[test]
fn clearing_resolves_everything_once() {
    let mut h = harness();
    h.handle(&[report("csgt-014", "accident", "QL1A", "active", 40)])
        .unwrap();
    let out = h
        .handle(&[report("csgt-014", "accident", "QL1A", "cleared", 95)])
        .unwrap();
    assert_eq!(
        kinds(&out),
        pairs(&[
            (INCIDENT, "csgt-014"),
            (INDICATOR, "QL1A"),
            (ALERT, "traffic/incident/csgt-014")
        ])
    );
    assert_eq!(outputs_of(&out, INCIDENT)[0]["status"], "cleared");
    assert_eq!(outputs_of(&out, INDICATOR)[0]["value"], 0.0);
    let alert = &outputs_of(&out, ALERT)[0];
    assert_eq!(alert["status"], "resolved");
    assert_eq!(
        alert["title"],
        json!({"vi": "Đã giải tỏa tai nạn giao thông trên QL1A", "en": "Cleared: traffic accident on QL1A"})
    );
    assert_eq!(alert["figures"]["activeIncidents"], 0);
    assert_eq!(
        h.state().get("road/QL1A"),
        None,
        "a road without incidents is forgotten"
    );
    assert_eq!(
        h.state().get_json::<Value>("incidents/cleared").unwrap(),
        Some(json!([["csgt-014", 1_795_743_300]]))
    );
    // Cleared again later: nothing more to say.
    let again = h
        .handle(&[report("csgt-014", "accident", "QL1A", "cleared", 100)])
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn updates_redeliveries_and_late_reports_emit_nothing() {
    let mut h = harness();
    let opened = [report("sl-03", "landslide", "QL4A", "active", 10)];
    assert_eq!(h.handle(&opened).unwrap().len(), 3);
    // Redelivered, and a newer report of the same active incident.
    assert!(h.handle(&opened).unwrap().is_empty());
    assert!(
        h.handle(&[report("sl-03", "landslide", "QL4A", "active", 20)])
            .unwrap()
            .is_empty()
    );
    let cleared = [report("sl-03", "landslide", "QL4A", "cleared", 30)];
    let out = h.handle(&cleared).unwrap();
    assert_eq!(
        outputs_of(&out, ALERT)[0]["title"]["vi"],
        "Đã giải tỏa sạt lở đất trên QL4A"
    );
    // The clearance redelivered, then the old active reports replayed.
    assert!(h.handle(&cleared).unwrap().is_empty());
    assert!(h.handle(&opened).unwrap().is_empty());
    assert!(
        h.handle(&[report("sl-03", "landslide", "QL4A", "active", 25)])
            .unwrap()
            .is_empty()
    );
    assert_eq!(h.state().get("road/QL4A"), None);
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message.starts_with("incident report skipped"))
            .count(),
        4
    );
}

#[test]
fn an_incident_reported_active_again_after_clearing_reopens() {
    let mut h = harness();
    h.handle(&[
        report("sl-03", "landslide", "QL4A", "active", 10),
        report("sl-03", "landslide", "QL4A", "cleared", 30),
    ])
    .unwrap();
    let out = h
        .handle(&[report("sl-03", "landslide", "QL4A", "active", 50)])
        .unwrap();
    assert_eq!(kinds(&out).len(), 3);
    assert_eq!(outputs_of(&out, ALERT)[0]["status"], "open");
    assert_eq!(outputs_of(&out, INDICATOR)[0]["value"], 1.0);
    assert_eq!(
        h.state().get("incidents/cleared"),
        None,
        "no longer cleared"
    );
}

#[test]
fn a_road_counts_its_active_incidents() {
    let mut h = harness();
    let out = h
        .handle(&[
            report("a", "breakdown", "QL1A", "active", 10),
            report("b", "roadworks", "QL1A", "active", 15),
            report("c", "flooding", "QL4B", "active", 20),
            report("a", "breakdown", "QL1A", "cleared", 25),
        ])
        .unwrap();
    let counts: Vec<(String, f64)> = outputs_of(&out, INDICATOR)
        .iter()
        .map(|i| {
            (
                i["scope"].as_str().unwrap().to_owned(),
                i["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("QL1A".to_owned(), 1.0),
            ("QL1A".to_owned(), 2.0),
            ("QL4B".to_owned(), 1.0),
            ("QL1A".to_owned(), 1.0)
        ]
    );
    assert!(
        outputs_of(&out, ALERT).is_empty(),
        "none of them is alerting by default"
    );
    assert_eq!(h.state().get_json::<u32>("road/QL1A").unwrap(), Some(1));
}

#[test]
fn only_configured_categories_on_national_roads_alert() {
    let alerts = |h: &mut Harness<Traffic>, category: &str, road: &str| {
        let id = format!("{category}-{road}");
        outputs_of(
            &h.handle(&[report(&id, category, road, "active", 10)])
                .unwrap(),
            ALERT,
        )
        .len()
    };
    let mut h = harness();
    assert_eq!(alerts(&mut h, "accident", "QL1A"), 1);
    assert_eq!(alerts(&mut h, "landslide", "CT01"), 1, "an expressway");
    assert_eq!(alerts(&mut h, "accident", "ĐT226"), 0, "a provincial road");
    assert_eq!(alerts(&mut h, "flooding", "QL4A"), 0);

    let mut h =
        Harness::<Traffic>::new(json!({"incident_alert_categories": ["flooding"]})).unwrap();
    assert_eq!(alerts(&mut h, "flooding", "QL4A"), 1);
    assert_eq!(alerts(&mut h, "accident", "QL1A"), 0);
    let flooding = h
        .handle(&[report("flooding-QL4A", "flooding", "QL4A", "cleared", 20)])
        .unwrap();
    assert_eq!(
        outputs_of(&flooding, ALERT)[0]["title"]["en"],
        "Cleared: flooding on QL4A"
    );

    let mut h = Harness::<Traffic>::new(json!({"incident_alert_categories": []})).unwrap();
    assert_eq!(alerts(&mut h, "accident", "QL1A"), 0);
}

#[test]
fn an_alert_opened_under_one_config_is_resolved_under_another() {
    let mut h = harness();
    h.handle(&[report("x", "accident", "QL1A", "active", 10)])
        .unwrap();
    let mut h2 = Harness::<Traffic>::new(json!({"incident_alert_categories": []})).unwrap();
    for key in h.state().keys() {
        h2.state_mut()
            .insert(key, h.state().get(key).unwrap().to_vec());
    }
    let out = h2
        .handle(&[report("x", "accident", "QL1A", "cleared", 20)])
        .unwrap();
    assert_eq!(outputs_of(&out, ALERT)[0]["status"], "resolved");
}

#[test]
fn a_clearance_of_an_unknown_incident_is_remembered_not_announced() {
    let mut h = harness();
    let out = h
        .handle(&[report("late", "accident", "QL1A", "cleared", 30)])
        .unwrap();
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(
        h.logs()[0].message,
        "incident cleared before it was reported active: remembered, not announced"
    );
    // Its opening arrives late: old news.
    let out = h
        .handle(&[report("late", "accident", "QL1A", "active", 20)])
        .unwrap();
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn the_optional_segment_passes_through_and_times_move_to_plus_seven() {
    let mut h = harness();
    let mut data = incident_data("r-1", "roadworks", "QL1B", "active", 0);
    data["refRoadSegment"] = json!("QL1B-km4");
    data["observedAt"] = json!("2026-11-27T01:05:30Z");
    let event = cityhub_sdk::testing::TestEvent::new("city.traffic.incident-report")
        .id("r-1")
        .json(&data);
    let out = h.handle(&[event]).unwrap();
    let incident = &outputs_of(&out, INCIDENT)[0];
    assert_eq!(incident["refRoadSegment"], "QL1B-km4");
    assert_eq!(incident["observedAt"], "2026-11-27T08:05:30+07:00");
    assert_eq!(out[0].time.as_deref(), Some("2026-11-27T08:05:30+07:00"));
    assert!(outputs_of(&out, INDICATOR)[0]["observedAt"] == "2026-11-27T08:05:30+07:00");
    assert_eq!(
        h.state().get("clock/now"),
        Some(&b"2026-11-27T01:05:30Z"[..])
    );
}

/// A report of `id` at `at` (RFC 3339).
fn report_at(id: &str, status: &str, at: &str) -> cityhub_sdk::testing::TestEvent {
    let mut data = incident_data(id, "breakdown", "QL1A", status, 0);
    data["observedAt"] = json!(at);
    cityhub_sdk::testing::TestEvent::new("city.traffic.incident-report")
        .id(format!("{id}-{status}-{at}"))
        .json(&data)
}

#[test]
fn cleared_incidents_are_forgotten_after_the_retention_in_event_time() {
    let mut h = harness();
    h.handle(&[
        report_at("old", "active", "2026-11-20T07:00:00+07:00"),
        report_at("old", "cleared", "2026-11-20T09:00:00+07:00"),
        report_at("new", "active", "2026-11-26T07:00:00+07:00"),
        report_at("new", "cleared", "2026-11-26T09:00:00+07:00"),
    ])
    .unwrap();
    assert!(h.state().get("incident/old").is_some());
    // Seven days and a minute after `old` cleared, by another report's time.
    h.handle(&[report_at("other", "active", "2026-11-27T09:01:00+07:00")])
        .unwrap();
    assert_eq!(h.state().get("incident/old"), None);
    assert!(h.state().get("incident/new").is_some());
    assert_eq!(
        h.state().get_json::<Value>("incidents/cleared").unwrap(),
        Some(json!([["new", 1_795_658_400]]))
    );
    // A short retention forgets sooner.
    let mut h = Harness::<Traffic>::new(json!({"incident_retention": "1h"})).unwrap();
    h.handle(&[
        report_at("a", "active", "2026-11-27T07:00:00+07:00"),
        report_at("a", "cleared", "2026-11-27T07:10:00+07:00"),
        report_at("b", "active", "2026-11-27T08:11:00+07:00"),
    ])
    .unwrap();
    assert_eq!(h.state().get("incident/a"), None);
    assert_eq!(h.state().get("incidents/cleared"), None);
}

#[test]
fn unreadable_incident_state_is_logged_and_started_afresh() {
    let mut h = harness();
    h.state_mut()
        .insert("incident/x", b"{\"status\":\"gone\"}".to_vec());
    let out = h
        .handle(&[report("x", "breakdown", "QL1B", "active", 10)])
        .unwrap();
    assert_eq!(outputs_of(&out, INCIDENT).len(), 1);
    let log = &h.logs()[0];
    assert_eq!(log.message, "incident state unreadable, starting afresh");
    assert_eq!(log.field("key"), Some("incident/x"));
}
