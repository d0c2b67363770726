//! Sector alerts on the centre's screen: relayed once each, with their
//! sector, ids kept unique, late copies ignored, resolutions forgotten in
//! time.

use serde_json::{Value, json};

use crate::support::{alert, alert_data, alerts, harness, harness_with, pairs, statuses, time};

#[test]
fn a_sector_alert_is_relayed_with_its_sector() {
    let mut h = harness();
    let out = h
        .handle(&[alert("health", "health/capacity/bvdk-tinh", "open", 30)])
        .unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].ty, "city.ioc.alert");
    assert_eq!(out[0].subject.as_deref(), Some("health/capacity/bvdk-tinh"));
    assert_eq!(out[0].time.as_deref(), Some(time(30).as_str()));
    let mut expected = alert_data("health/capacity/bvdk-tinh", "open", "health", 30);
    expected["sector"] = json!("health");
    assert_eq!(out[0].json::<Value>().unwrap(), expected);
    let raw = std::str::from_utf8(out[0].data.as_deref().unwrap()).unwrap();
    assert!(
        raw.contains("Bệnh viện Đa khoa tỉnh gần hết giường"),
        "{raw}"
    );
}

#[test]
fn ids_are_prefixed_with_the_sector_unless_they_start_with_it() {
    let mut h = harness();
    let out = h
        .handle(&[
            alert("traffic", "QL1A-km2", "open", 0),
            alert("traffic", "traffic/incident/ql4a-sat-lo", "open", 0),
            alert("education", "educationally-odd", "open", 0),
            alert("tourism", "crowding/mau-son", "open", 0),
        ])
        .unwrap();
    assert_eq!(
        statuses(&out),
        pairs(&[
            ("traffic/QL1A-km2", "open"),
            ("traffic/incident/ql4a-sat-lo", "open"),
            ("education/educationally-odd", "open"),
            ("tourism/crowding/mau-son", "open"),
        ])
    );
    let sectors: Vec<Value> = alerts(&out).iter().map(|a| a["sector"].clone()).collect();
    assert_eq!(
        sectors,
        [
            json!("traffic"),
            json!("traffic"),
            json!("education"),
            json!("tourism")
        ]
    );
}

#[test]
fn open_and_resolved_are_relayed_once_and_late_copies_ignored() {
    let mut h = harness();
    let id = "health/outbreak/cao-loc/sot-xuat-huyet";
    let open = alert("health", id, "open", 10);
    let resolved = alert("health", id, "resolved", 50);
    let out = h.handle(&[open.clone(), open.clone()]).unwrap();
    assert_eq!(statuses(&out), pairs(&[(id, "open")]));
    let out = h.handle(std::slice::from_ref(&resolved)).unwrap();
    assert_eq!(statuses(&out), pairs(&[(id, "resolved")]));
    // Redelivered, or an old open replayed: nothing.
    assert!(h.handle(&[resolved, open]).unwrap().is_empty());
    // A newer open is a new episode.
    let out = h.handle(&[alert("health", id, "open", 60)]).unwrap();
    assert_eq!(statuses(&out), pairs(&[(id, "open")]));
    // A sector may update an open alert (new figures): relayed too.
    let out = h.handle(&[alert("health", id, "open", 70)]).unwrap();
    assert_eq!(statuses(&out), pairs(&[(id, "open")]));
}

#[test]
fn resolutions_are_forgotten_after_the_retention_open_alerts_never() {
    let mut h = harness_with(json!({"alert_retention": "1h"}));
    h.handle(&[
        alert("health", "health/capacity/bvdk-tinh", "open", 0),
        alert("health", "health/capacity/bv-huu-lung", "open", 0),
        alert("health", "health/capacity/bv-huu-lung", "resolved", 10),
    ])
    .unwrap();
    let relayed = |h: &cityhub_sdk::testing::Harness<_>| -> Vec<String> {
        let map: serde_json::Map<String, Value> =
            h.state().get_json("relay/health").unwrap().unwrap();
        map.keys().cloned().collect()
    };
    assert_eq!(
        relayed(&h),
        ["health/capacity/bv-huu-lung", "health/capacity/bvdk-tinh"]
    );
    // Two hours later, another alert of the sector prunes the old resolution.
    h.handle(&[alert("health", "health/capacity/bv-loc-binh", "open", 130)])
        .unwrap();
    assert_eq!(
        relayed(&h),
        ["health/capacity/bv-loc-binh", "health/capacity/bvdk-tinh"]
    );
}

#[test]
fn the_centres_own_alerts_are_not_relayed() {
    let mut h = harness();
    let own = crate::support::alert("ioc", "QL1A-km2", "open", 0);
    let border = crate::support::alert("border", "huu-nghi", "open", 0);
    let out = h.handle(&[own, border]).unwrap();
    assert!(out.is_empty(), "{out:?}");
    assert!(h.state().is_empty());
    let log = &h.logs()[0];
    assert!(
        log.message
            .starts_with("event skipped: the operations centre's own sector")
    );
    assert_eq!(log.field("type"), Some("city.ioc.alert"));
    assert_eq!(h.logs()[1].field("sector"), Some("border"));
}

#[test]
fn other_types_are_skipped_with_a_warning() {
    let mut h = harness();
    let out = h
        .handle(&[
            cityhub_sdk::testing::TestEvent::new("city.traffic.reading").id("r-1"),
            cityhub_sdk::testing::TestEvent::new("city.health.alert.extra").id("r-2"),
        ])
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(h.logs().len(), 2);
    assert_eq!(
        h.logs()[0].message,
        "event skipped: not an input of the operations centre"
    );
    assert_eq!(h.logs()[1].field("event"), Some("r-2"));
}
