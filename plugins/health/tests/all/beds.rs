//! Bed occupancy: the `bed-occupancy` indicator and the `capacity` alert,
//! its severities, hysteresis and redelivery.

use serde_json::{Value, json};

use crate::support::{BV_TINH, beds, beds_data, harness, lines, only, time};
use cityhub_sdk::testing::TestEvent;

#[test]
fn a_count_announces_occupancy_with_the_hospitals_name() {
    let mut h = harness();
    let out = h.handle(&[beds(476, 0)]).unwrap();
    assert_eq!(out[0].ty, "city.health.indicator");
    assert_eq!(
        only(&out),
        json!({
            "indicator": "bed-occupancy",
            "scope": "bvdk-tinh",
            "scopeName": "Bệnh viện Đa khoa tỉnh Lạng Sơn",
            "name": {"vi": "Tỷ lệ sử dụng giường bệnh", "en": "Bed occupancy"},
            "value": 0.85,
            "unit": "ratio",
            "observedAt": "2026-11-27T07:00:00+07:00",
        })
    );
    assert_eq!(
        h.state().get_json::<Value>("hospital/bvdk-tinh").unwrap(),
        Some(json!({"observedAt": 1_795_737_600, "ratio": 0.85, "alert": null}))
    );
}

#[test]
fn capacity_opens_escalates_and_resolves_with_hysteresis() {
    let mut h = harness();
    // 0.85, 0.932 (open, high), 0.88 (still open), 1.011 (critical),
    // 0.95 (back to high), 0.852 (still open), 0.839 (resolved).
    let counts = [476, 522, 493, 566, 532, 477, 470];
    let events: Vec<TestEvent> = counts
        .iter()
        .zip((0..).step_by(60))
        .map(|(&n, m)| beds(n, m))
        .collect();
    let out = h.handle(&events).unwrap();
    assert_eq!(
        lines(&out),
        [
            "indicator bed-occupancy bvdk-tinh 0.85",
            "indicator bed-occupancy bvdk-tinh 0.932",
            "alert health/capacity/bvdk-tinh open high",
            "indicator bed-occupancy bvdk-tinh 0.88",
            "indicator bed-occupancy bvdk-tinh 1.011",
            "alert health/capacity/bvdk-tinh open critical",
            "indicator bed-occupancy bvdk-tinh 0.95",
            "alert health/capacity/bvdk-tinh open high",
            "indicator bed-occupancy bvdk-tinh 0.852",
            "indicator bed-occupancy bvdk-tinh 0.839",
            "alert health/capacity/bvdk-tinh resolved high",
        ]
    );
    let open: Value = out[2].json().unwrap();
    assert_eq!(
        open,
        json!({
            "alertId": "health/capacity/bvdk-tinh",
            "status": "open",
            "category": "health",
            "subCategory": "capacity",
            "severity": "high",
            "title": {
                "vi": "Bệnh viện Đa khoa tỉnh Lạng Sơn gần hết giường: 522/560 giường (93%)",
                "en": "Bệnh viện Đa khoa tỉnh Lạng Sơn nearly full: 522/560 beds (93%)",
            },
            "location": {"type": "Point", "coordinates": [106.761, 21.853]},
            "figures": {"bedsOccupied": 522, "bedsTotal": 560, "ratio": 0.932},
            "observedAt": time(60),
        })
    );
    let critical: Value = out[5].json().unwrap();
    assert_eq!(
        critical["title"]["vi"],
        "Bệnh viện Đa khoa tỉnh Lạng Sơn quá tải giường bệnh: 566/560 giường (101%)"
    );
    let resolved: Value = out[10].json().unwrap();
    assert_eq!(
        resolved["title"]["en"],
        "Bệnh viện Đa khoa tỉnh Lạng Sơn no longer near capacity: 470/560 beds (84%)"
    );
    assert_eq!(resolved["figures"]["bedsOccupied"], 470);
}

#[test]
fn a_resolution_keeps_the_severity_the_alert_had() {
    let mut h = harness();
    let out = h.handle(&[beds(580, 0), beds(400, 60)]).unwrap();
    assert_eq!(
        lines(&out)[1..],
        [
            "alert health/capacity/bvdk-tinh open critical",
            "indicator bed-occupancy bvdk-tinh 0.714",
            "alert health/capacity/bvdk-tinh resolved critical",
        ]
    );
}

#[test]
fn an_unchanged_ratio_announces_nothing() {
    let mut h = harness();
    h.handle(&[beds(510, 0)]).unwrap();
    assert!(h.handle(&[beds(510, 30)]).unwrap().is_empty());
}

#[test]
fn redelivered_and_older_counts_change_nothing() {
    let mut h = harness();
    let first = [beds(476, 0), beds(522, 60)];
    assert_eq!(h.handle(&first).unwrap().len(), 3);
    let before: Value = h.state().get_json("hospital/bvdk-tinh").unwrap().unwrap();
    assert!(h.handle(&first).unwrap().is_empty());
    // A late count (taken before the newest) with other figures: old news.
    assert!(h.handle(&[beds(300, 30)]).unwrap().is_empty());
    assert_eq!(
        h.state().get_json::<Value>("hospital/bvdk-tinh").unwrap(),
        Some(before)
    );
    let skipped = h
        .logs()
        .iter()
        .filter(|l| l.message == "bed count skipped: not newer than the hospital's last")
        .count();
    assert_eq!(skipped, 3);
    // Restarted, the plugin still knows the alert is open.
    h.restart().unwrap();
    assert_eq!(
        lines(&h.handle(&[beds(400, 120)]).unwrap())[1],
        "alert health/capacity/bvdk-tinh resolved high"
    );
}

#[test]
fn hospitals_are_independent_and_unlisted_ones_have_no_location() {
    let mut h = harness();
    let other = TestEvent::new("city.health.beds").json(&beds_data(
        "ttyt-dinh-lap",
        "Trung tâm Y tế huyện Đình Lập",
        80,
        76,
        0,
    ));
    let out = h.handle(&[beds(400, 0), other]).unwrap();
    assert_eq!(
        lines(&out),
        [
            "indicator bed-occupancy bvdk-tinh 0.714",
            "indicator bed-occupancy ttyt-dinh-lap 0.95",
            "alert health/capacity/ttyt-dinh-lap open high",
        ]
    );
    let alert: Value = out[2].json().unwrap();
    assert!(alert.get("location").is_none(), "{alert}");
    assert_eq!(
        alert["title"]["vi"],
        "Trung tâm Y tế huyện Đình Lập gần hết giường: 76/80 giường (95%)"
    );
    let _ = BV_TINH;
}

#[test]
fn times_come_out_at_plus_seven() {
    let mut h = harness();
    let mut data = beds_data("bvdk-tinh", BV_TINH, 560, 476, 0);
    data["observedAt"] = json!("2026-11-27T00:00:00Z");
    let out = h
        .handle(&[TestEvent::new("city.health.beds").json(&data)])
        .unwrap();
    assert_eq!(only(&out)["observedAt"], "2026-11-27T07:00:00+07:00");
    assert_eq!(out[0].time.as_deref(), Some("2026-11-27T07:00:00+07:00"));
}
