//! Outbreak signals: cases of one disease in one district within the
//! window, per-disease thresholds, redelivery, and the window sliding.

use serde_json::{Value, json};

use crate::support::{DAY, case, dengue, harness, harness_with, lines, only, tick, time};

#[test]
fn the_fifth_dengue_case_in_a_week_opens_an_outbreak_alert() {
    let mut h = harness();
    let mut events = dengue("SXH-CL", "Cao Lộc", 5, 0);
    events.push(case("SXH-CL-9", "Sốt xuất huyết", "Cao Lộc", 4 * DAY + 60));
    let out = h.handle(&events).unwrap();
    assert_eq!(out[0].ty, "city.health.alert");
    assert_eq!(
        only(&out),
        json!({
            "alertId": "health/outbreak/Sốt xuất huyết/Cao Lộc",
            "status": "open",
            "category": "health",
            "subCategory": "outbreak",
            "severity": "high",
            "title": {
                "vi": "Tín hiệu dịch sốt xuất huyết tại huyện Cao Lộc: 5 ca trong 7 ngày",
                "en": "Outbreak signal (Sốt xuất huyết) in Cao Lộc district: 5 cases in 7 days",
            },
            "figures": {"cases": 5, "window": "7d", "disease": "Sốt xuất huyết", "district": "Cao Lộc"},
            "observedAt": time(4 * DAY),
        })
    );
    assert_eq!(
        out[0].subject.as_deref(),
        Some("health/outbreak/Sốt xuất huyết/Cao Lộc")
    );

    // The first case drops out a week after it was reported: 5 remain.
    assert!(h.handle(&[tick(7 * DAY)]).unwrap().is_empty());
    // The second one too: 4 < 5, resolved.
    let out = h.handle(&[tick(8 * DAY)]).unwrap();
    let resolved = only(&out);
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(
        resolved["title"]["vi"],
        "Hết tín hiệu dịch sốt xuất huyết tại huyện Cao Lộc: 4 ca trong 7 ngày"
    );
    assert_eq!(resolved["figures"]["cases"], 4);
    assert_eq!(resolved["observedAt"], time(8 * DAY));
    // The rest expire without a word, and state forgets them.
    assert!(h.handle(&[tick(12 * DAY)]).unwrap().is_empty());
    assert_eq!(h.state().get("cases"), None);
}

#[test]
fn diseases_and_districts_are_counted_apart() {
    let mut h = harness();
    let mut events = dengue("SXH-CL", "Cao Lộc", 4, 0);
    events.extend(dengue("SXH-VL", "Văn Lãng", 1, 10));
    events.push(case("TCM-CL-1", "Tay chân miệng", "Cao Lộc", 20));
    assert!(h.handle(&events).unwrap().is_empty());
    let cases: Value = h.state().get_json("cases").unwrap().unwrap();
    assert_eq!(
        cases["diseases"]["Sốt xuất huyết"]["Cao Lộc"]["cases"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        cases["diseases"]["Tay chân miệng"]["Cao Lộc"]["open"],
        false
    );
}

#[test]
fn some_diseases_signal_with_fewer_cases() {
    let mut h = harness();
    let out = h
        .handle(&[
            case("BH-DL-1", "Bạch hầu", "Đình Lập", 0),
            case("SOI-BS-1", "Sởi", "Bắc Sơn", 10),
            case("SOI-BS-2", "Sởi", "Bắc Sơn", 20),
        ])
        .unwrap();
    assert_eq!(
        lines(&out),
        [
            "alert health/outbreak/Bạch hầu/Đình Lập open high",
            "alert health/outbreak/Sởi/Bắc Sơn open high",
        ]
    );
    let first: Value = out[0].json().unwrap();
    assert_eq!(
        first["title"],
        json!({
            "vi": "Tín hiệu dịch bạch hầu tại huyện Đình Lập: 1 ca trong 7 ngày",
            "en": "Outbreak signal (Bạch hầu) in Đình Lập district: 1 case in 7 days",
        })
    );

    // Configured, the thresholds and window are the operator's.
    let mut h = harness_with(json!({
        "outbreak_window": "36h",
        "outbreak_cases": 3,
        "outbreak_cases_by_disease": {"Tay chân miệng": 2},
    }));
    let out = h
        .handle(&[
            case("BH-DL-1", "Bạch hầu", "Đình Lập", 0),
            case("TCM-TP-1", "Tay chân miệng", "TP Lạng Sơn", 0),
            case("TCM-TP-2", "Tay chân miệng", "TP Lạng Sơn", 600),
        ])
        .unwrap();
    let alert = only(&out);
    assert_eq!(
        alert["title"]["vi"],
        "Tín hiệu dịch tay chân miệng tại thành phố Lạng Sơn: 2 ca trong 36 giờ"
    );
    assert_eq!(alert["figures"]["window"], "36h");
}

#[test]
fn a_case_counts_once_and_only_within_the_window() {
    let mut h = harness();
    let events = dengue("SXH-CL", "Cao Lộc", 4, 0);
    assert!(h.handle(&events).unwrap().is_empty());
    // Redelivered, and resent under new event ids: still four cases.
    assert!(h.handle(&events).unwrap().is_empty());
    let resent: Vec<_> = events.iter().cloned().map(|e| e.id("")).collect();
    assert!(h.handle(&resent).unwrap().is_empty());
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message == "case report skipped: already counted")
            .count(),
        8
    );
    // A week later the first two have expired; a case reported over a week
    // before "now" does not count, a late one within the week does.
    h.handle(&[tick(8 * DAY)]).unwrap();
    let old = case("SXH-CL-old", "Sốt xuất huyết", "Cao Lộc", 10);
    let late = case("SXH-CL-late", "Sốt xuất huyết", "Cao Lộc", 2 * DAY + 5);
    assert!(h.handle(&[old, late]).unwrap().is_empty());
    assert_eq!(
        h.logs().last().unwrap().message,
        "case report skipped: older than its window"
    );
    let cases: Value = h.state().get_json("cases").unwrap().unwrap();
    let ids: Vec<&str> = cases["diseases"]["Sốt xuất huyết"]["Cao Lộc"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["SXH-CL-2", "SXH-CL-3", "SXH-CL-late"]);
}
