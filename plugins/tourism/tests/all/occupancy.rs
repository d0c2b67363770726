//! Accommodation occupancy per district.

use serde_json::json;

use crate::support::{harness, ind, indicators, occupancy, time};

#[test]
fn districts_sum_the_newest_report_of_each_accommodation() {
    let mut h = harness();
    let out = h
        .handle(&[
            occupancy("ks-muong-thanh", "Thành phố Lạng Sơn", 120, 84, 0),
            occupancy("ks-van-xuan", "Thành phố Lạng Sơn", 60, 45, 0),
            occupancy("homestay-quynh-son", "Bắc Sơn", 12, 10, 0),
            // A newer report replaces the hotel's old one.
            occupancy("ks-muong-thanh", "Thành phố Lạng Sơn", 120, 96, 60),
        ])
        .unwrap();
    assert_eq!(
        indicators(&out),
        [
            ind("occupancy", "Thành phố Lạng Sơn", 0.7),
            ind("occupancy", "Thành phố Lạng Sơn", 0.7167),
            ind("occupancy", "Bắc Sơn", 0.8333),
            ind("occupancy", "Thành phố Lạng Sơn", 0.7833),
        ]
    );
    let first: serde_json::Value = out[0].json().unwrap();
    assert_eq!(
        first,
        json!({
            "indicator": "occupancy", "scope": "Thành phố Lạng Sơn", "scopeName": "Thành phố Lạng Sơn",
            "name": {"vi": "Công suất sử dụng buồng lưu trú", "en": "Accommodation occupancy"},
            "value": 0.7, "unit": "ratio", "observedAt": time(0),
        })
    );
    assert_eq!(
        h.state()
            .get_json::<serde_json::Value>("district/Thành phố Lạng Sơn")
            .unwrap(),
        Some(json!({"roomsTotal": 180, "roomsOccupied": 141}))
    );
}

#[test]
fn an_unchanged_ratio_or_an_old_report_emits_nothing() {
    let mut h = harness();
    h.handle(&[occupancy("ks-a", "Cao Lộc", 50, 25, 10)])
        .unwrap();
    assert!(
        h.handle(&[occupancy("ks-a", "Cao Lộc", 50, 25, 20)])
            .unwrap()
            .is_empty()
    );
    assert!(
        h.handle(&[occupancy("ks-a", "Cao Lộc", 50, 40, 5)])
            .unwrap()
            .is_empty()
    );
    assert!(
        h.handle(&[occupancy("ks-a", "Cao Lộc", 50, 40, 20)])
            .unwrap()
            .is_empty()
    );
    assert!(
        h.logs()
            .iter()
            .any(|l| l.message.starts_with("occupancy skipped"))
    );
}

#[test]
fn an_accommodation_that_changes_district_moves_its_rooms() {
    let mut h = harness();
    h.handle(&[
        occupancy("ks-a", "Cao Lộc", 50, 25, 0),
        occupancy("ks-b", "Lộc Bình", 10, 10, 0),
    ])
    .unwrap();
    let out = h
        .handle(&[occupancy("ks-a", "Lộc Bình", 50, 20, 10)])
        .unwrap();
    // Cao Lộc has no rooms left: no ratio to report.
    assert_eq!(indicators(&out), [ind("occupancy", "Lộc Bình", 0.5)]);
    assert!(h.state().get("district/Cao Lộc").is_none());
}
