//! Per-agency indicators change only when their values do; the overdue
//! alert opens at `overdue_alert_count` and resolves below it.

use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{
    alerts, at, data, dossier, expect, harness, harness_with, indicators, outputs_of, simple,
};

#[test]
fn processing_days_and_on_time_are_running_figures_of_completed_dossiers() {
    let mut h = harness();
    let mut events = vec![
        simple("LS-0001", "received", &at(20, 8)),
        simple("LS-0002", "received", &at(20, 8)),
        simple("LS-0003", "received", &at(20, 8)),
    ];
    h.handle(&events).unwrap();
    events = vec![
        simple("LS-0001", "completed", &at(23, 8)), // 3 days, on time
        simple("LS-0002", "completed", &at(27, 17)), // 7.375 days, on time (at dueAt)
        simple("LS-0003", "completed", &at(28, 8)), // 8 days, late
    ];
    let out = h.handle(&events).unwrap();
    assert_eq!(
        indicators(&out),
        expect(&[
            ("processing-days", "so-tu-phap", 3.0),
            ("on-time", "so-tu-phap", 1.0),
            ("processing-days", "so-tu-phap", 5.19),
            ("processing-days", "so-tu-phap", 6.13),
            ("on-time", "so-tu-phap", 0.667),
        ])
    );
    let days = &outputs_of(&out, "city.admin.indicator")[0];
    assert_eq!(
        days["name"],
        json!({"vi": "Thời gian giải quyết hồ sơ trung bình", "en": "Mean dossier processing time"})
    );
    assert_eq!(days["unit"], "days");
    assert_eq!(days["observedAt"], at(23, 8));
    assert_eq!(outputs_of(&out, "city.admin.indicator")[1]["unit"], "ratio");
}

#[test]
fn an_unchanged_value_is_not_emitted_again() {
    let mut h = harness();
    h.handle(&[simple("LS-0001", "received", &at(20, 8))])
        .unwrap();
    // A status change that moves no figure.
    let out = h
        .handle(&[simple("LS-0001", "processing", &at(21, 8))])
        .unwrap();
    assert!(out.is_empty(), "{out:?}");
}

/// Six dossiers of the Department of Construction, due on the 25th.
fn construction_permits() -> Vec<cityhub_sdk::testing::TestEvent> {
    (1..=6)
        .map(|n| {
            let mut d = data(&format!("XD-{n:04}"), "processing", &at(21, 8));
            d["agency"] = json!("so-xay-dung");
            d["procedure"] = json!("1.009994");
            d["procedureName"] =
                json!("Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II");
            d["dueAt"] = json!(at(25, 17));
            dossier(d)
        })
        .collect()
}

#[test]
fn the_overdue_alert_opens_at_the_threshold_and_resolves_below_it() {
    let mut h = harness();
    h.handle(&construction_permits()).unwrap();
    let out = h.handle(&[TestEvent::tick(&at(26, 8))]).unwrap();
    assert_eq!(outputs_of(&out, "city.admin.dossier-overdue").len(), 6);
    assert_eq!(
        alerts(&out),
        [("admin/overdue/so-xay-dung".to_owned(), "open".to_owned())]
    );
    let alert = outputs_of(&out, "city.admin.alert").remove(0);
    assert_eq!(
        alert,
        json!({
            "alertId": "admin/overdue/so-xay-dung", "status": "open",
            "category": "admin", "subCategory": "overdue", "severity": "medium",
            "title": {"vi": "Sở Xây dựng: 6 hồ sơ quá hạn", "en": "Department of Construction: 6 overdue dossiers"},
            "description": {
                "vi": "Số hồ sơ một cửa quá hạn đã đến ngưỡng cảnh báo (5 hồ sơ).",
                "en": "Overdue one-stop-shop dossiers reached the alert threshold (5).",
            },
            "figures": {"overdueDossiers": 6, "threshold": 5},
            "observedAt": "2026-11-26T08:00:00+07:00",
        })
    );
    let alert_event = out.iter().find(|o| o.ty == "city.admin.alert").unwrap();
    assert_eq!(alert_event.subject.as_deref(), Some("so-xay-dung"));

    // One completed: five still overdue, the alert stays open.
    let mut done = data("XD-0001", "completed", &at(26, 9));
    done["agency"] = json!("so-xay-dung");
    done["dueAt"] = json!(at(25, 17));
    let out = h.handle(&[dossier(done)]).unwrap();
    assert!(alerts(&out).is_empty());
    // A second: four, below the threshold.
    let mut done = data("XD-0002", "returned", &at(26, 10));
    done["agency"] = json!("so-xay-dung");
    done["dueAt"] = json!(at(25, 17));
    let out = h.handle(&[dossier(done)]).unwrap();
    assert_eq!(
        alerts(&out),
        [(
            "admin/overdue/so-xay-dung".to_owned(),
            "resolved".to_owned()
        )]
    );
    let resolved = outputs_of(&out, "city.admin.alert").remove(0);
    assert_eq!(
        resolved["title"]["vi"],
        "Sở Xây dựng: hồ sơ quá hạn giảm còn 4"
    );
    assert_eq!(resolved["figures"]["overdueDossiers"], 4);
}

#[test]
fn the_threshold_is_configurable() {
    let mut h = harness_with(json!({"overdue_alert_count": 7}));
    h.handle(&construction_permits()).unwrap();
    let out = h.handle(&[TestEvent::tick(&at(26, 8))]).unwrap();
    assert!(alerts(&out).is_empty());
    let mut h = harness_with(json!({"overdue_alert_count": 1}));
    h.handle(&construction_permits()[..1]).unwrap();
    let out = h.handle(&[TestEvent::tick(&at(26, 8))]).unwrap();
    assert_eq!(alerts(&out).len(), 1);
}

#[test]
fn an_agency_not_configured_is_named_by_its_id() {
    let mut h = harness_with(json!({"overdue_alert_count": 1}));
    let mut d = data("CL-0001", "processing", &at(21, 8));
    d["agency"] = json!("ubnd-huyen-cao-loc");
    h.handle(&[dossier(d)]).unwrap();
    let out = h.handle(&[TestEvent::tick(&at(28, 8))]).unwrap();
    let indicator = outputs_of(&out, "city.admin.indicator").remove(0);
    assert_eq!(indicator["scope"], "ubnd-huyen-cao-loc");
    assert_eq!(indicator.get("scopeName"), None);
    let alert = outputs_of(&out, "city.admin.alert").remove(0);
    assert_eq!(alert["title"]["vi"], "ubnd-huyen-cao-loc: 1 hồ sơ quá hạn");
}

#[test]
fn vietnamese_names_pass_through_byte_for_byte() {
    let mut h = harness();
    let name =
        "Đăng ký khai sinh, kết hôn có yếu tố nước ngoài — thủ tục liên thông (Lộc Bình, Đình Lập)";
    let mut d = data("LS-0099", "processing", &at(21, 8));
    d["procedureName"] = json!(name);
    h.handle(&[dossier(d)]).unwrap();
    let out = h.handle(&[TestEvent::tick(&at(28, 8))]).unwrap();
    let event = out
        .iter()
        .find(|o| o.ty == "city.admin.dossier-overdue")
        .unwrap();
    let raw = String::from_utf8(event.data.clone().unwrap()).unwrap();
    assert!(raw.contains(name), "{raw}");
    let data: Value = event.json().unwrap();
    assert_eq!(data["procedureName"], name);
}
