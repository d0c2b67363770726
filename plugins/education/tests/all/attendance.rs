//! Attendance: the `attendance` indicator, the `low-attendance` alert with
//! its two severities, corrections and redeliveries.

use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{DAY, HVT, attendance, attendance_data, harness, lines, only, time};

#[test]
fn a_days_attendance_is_announced_with_the_schools_name() {
    let mut h = harness();
    let out = h.handle(&[attendance(598, 0)]).unwrap();
    assert_eq!(out[0].ty, "city.education.indicator");
    assert_eq!(out[0].subject.as_deref(), Some("thcs-hoang-van-thu"));
    assert_eq!(
        only(&out),
        json!({
            "indicator": "attendance",
            "scope": "thcs-hoang-van-thu",
            "scopeName": "Trường THCS Hoàng Văn Thụ",
            "name": {"vi": "Tỷ lệ học sinh đi học", "en": "Attendance"},
            "value": 0.934,
            "unit": "ratio",
            "observedAt": "2026-11-27T08:00:00+07:00",
        })
    );
}

#[test]
fn low_attendance_opens_escalates_and_resolves() {
    let mut h = harness();
    // 0.8 (medium), 0.83 (still), 0.684 (high), 0.75 (medium), 0.85 (resolved)
    let days = [512, 531, 438, 480, 544];
    let events: Vec<TestEvent> = days
        .iter()
        .zip((0..).step_by(DAY as usize))
        .map(|(&p, m)| attendance(p, m))
        .collect();
    let out = h.handle(&events).unwrap();
    let id = "education/low-attendance/thcs-hoang-van-thu";
    assert_eq!(
        lines(&out),
        [
            "indicator attendance thcs-hoang-van-thu 0.8".to_owned(),
            format!("alert {id} open medium"),
            "indicator attendance thcs-hoang-van-thu 0.83".to_owned(),
            "indicator attendance thcs-hoang-van-thu 0.684".to_owned(),
            format!("alert {id} open high"),
            "indicator attendance thcs-hoang-van-thu 0.75".to_owned(),
            format!("alert {id} open medium"),
            "indicator attendance thcs-hoang-van-thu 0.85".to_owned(),
            format!("alert {id} resolved medium"),
        ]
    );
    let open: Value = out[1].json().unwrap();
    assert_eq!(
        open,
        json!({
            "alertId": id,
            "status": "open",
            "category": "education",
            "subCategory": "low-attendance",
            "severity": "medium",
            "title": {
                "vi": "Tỷ lệ đi học thấp tại Trường THCS Hoàng Văn Thụ: 512/640 học sinh (80%) ngày 27/11/2026",
                "en": "Low attendance at Trường THCS Hoàng Văn Thụ: 512/640 pupils (80%) on 2026-11-27",
            },
            "location": {"type": "Point", "coordinates": [106.7621, 21.8502]},
            "figures": {"present": 512, "enrolled": 640, "ratio": 0.8, "date": "2026-11-27"},
            "observedAt": time(0),
        })
    );
    let resolved: Value = out[8].json().unwrap();
    assert_eq!(
        resolved["title"]["vi"],
        "Tỷ lệ đi học trở lại bình thường tại Trường THCS Hoàng Văn Thụ: 544/640 học sinh (85%) ngày 01/12/2026"
    );
}

#[test]
fn a_redelivered_day_emits_nothing_and_a_correction_updates() {
    let mut h = harness();
    let first = attendance(512, 0);
    assert_eq!(h.handle(std::slice::from_ref(&first)).unwrap().len(), 2);
    // The same figures again, under the same or a new event id, even
    // observed later: nothing.
    assert!(h.handle(std::slice::from_ref(&first)).unwrap().is_empty());
    assert!(
        h.handle(&[attendance(512, 30).id("resent")])
            .unwrap()
            .is_empty()
    );
    // A correction for the same day: announced, and here it resolves.
    let out = h.handle(&[attendance(560, 120)]).unwrap();
    assert_eq!(
        lines(&out),
        [
            "indicator attendance thcs-hoang-van-thu 0.875",
            "alert education/low-attendance/thcs-hoang-van-thu resolved medium",
        ]
    );
    // The original, redelivered after the correction, is stale.
    assert!(h.handle(&[first]).unwrap().is_empty());
    let school: Value = h
        .state()
        .get_json("school/thcs-hoang-van-thu")
        .unwrap()
        .unwrap();
    assert_eq!(school["present"], 560);
    // An earlier day arriving late is not news either.
    let mut old = attendance_data(640, 300, 120);
    old["date"] = json!("2026-11-26");
    assert!(
        h.handle(&[TestEvent::new("city.education.attendance").json(&old)])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message == "attendance skipped: not news for the school")
            .count(),
        4
    );
}

#[test]
fn an_unchanged_ratio_on_a_new_day_announces_nothing() {
    let mut h = harness();
    h.handle(&[attendance(598, 0)]).unwrap();
    assert!(h.handle(&[attendance(598, DAY)]).unwrap().is_empty());
    let school: Value = h
        .state()
        .get_json("school/thcs-hoang-van-thu")
        .unwrap()
        .unwrap();
    assert_eq!(school["date"], "2026-11-28");
}

#[test]
fn schools_are_independent_and_unlisted_ones_have_no_location() {
    let mut h = harness();
    let mut other = attendance_data(210, 120, 0);
    other["school"] = json!("th-xuat-le");
    other["schoolName"] = json!("Trường PTDTBT TH Xuất Lễ");
    other["district"] = json!("Cao Lộc");
    let out = h
        .handle(&[
            attendance(600, 0),
            TestEvent::new("city.education.attendance").json(&other),
        ])
        .unwrap();
    assert_eq!(
        lines(&out),
        [
            "indicator attendance thcs-hoang-van-thu 0.938",
            "indicator attendance th-xuat-le 0.571",
            "alert education/low-attendance/th-xuat-le open high",
        ]
    );
    let alert: Value = out[2].json().unwrap();
    assert!(alert.get("location").is_none());
    assert_eq!(
        alert["title"]["vi"],
        "Tỷ lệ đi học thấp tại Trường PTDTBT TH Xuất Lễ: 120/210 học sinh (57%) ngày 27/11/2026"
    );
    let _ = HVT;
}
