//! Visitors and the crowding alert: thresholds, hysteresis, severity,
//! events named, redelivery.

use serde_json::json;

use crate::support::{
    alerts, event, harness, harness_with, ind, indicators, mau_son, pair, statuses, tick, time,
    visitors,
};

#[test]
fn visitors_are_reported_when_the_count_changes() {
    let mut h = harness();
    let out = h
        .handle(&[mau_son(3100, 0), mau_son(3100, 10), mau_son(3300, 20)])
        .unwrap();
    assert_eq!(
        indicators(&out),
        [
            ind("visitors", "mau-son", 3100.0),
            ind("visitors", "mau-son", 3300.0)
        ]
    );
    let first: serde_json::Value = out[0].json().unwrap();
    assert_eq!(
        first,
        json!({
            "indicator": "visitors", "scope": "mau-son", "scopeName": "Khu du lịch Mẫu Sơn",
            "name": {"vi": "Lượng khách tại điểm du lịch", "en": "Visitors at the site"},
            "value": 3100.0, "unit": "count", "observedAt": time(0),
        })
    );
    assert_eq!(out[0].subject.as_deref(), Some("mau-son"));
}

#[test]
fn crowding_opens_at_the_ratio_and_resolves_only_below_the_lower_one() {
    let mut h = harness();
    // Capacity 5,000: opens at 4,500, resolves below 4,000.
    let counts = [4499, 4500, 4100, 4000, 4600, 3999, 4499];
    let events: Vec<_> = counts
        .iter()
        .zip(0..)
        .map(|(&c, i)| mau_son(c, i * 10))
        .collect();
    let out = h.handle(&events).unwrap();
    assert_eq!(
        statuses(&out),
        [pair("open", "high"), pair("resolved", "high")]
    );
    let open = &alerts(&out)[0];
    assert_eq!(
        *open,
        json!({
            "alertId": "tourism/crowding/mau-son",
            "status": "open",
            "category": "tourism",
            "subCategory": "crowding",
            "severity": "high",
            "title": {
                "vi": "Quá đông du khách tại Khu du lịch Mẫu Sơn: 4.500 / 5.000 người",
                "en": "Crowding at Mẫu Sơn tourist area: 4,500 of 5,000 visitors",
            },
            "description": {
                "vi": "Không có sự kiện nào đang hoặc sắp diễn ra tại đây.",
                "en": "No event under way or coming here.",
            },
            "location": {"type": "Point", "coordinates": [106.96, 21.86]},
            "figures": {"present": 4500, "capacity": 5000, "ratio": 0.9, "events": []},
            "observedAt": time(10),
        })
    );
    let resolved = &alerts(&out)[1];
    assert_eq!(
        resolved["title"],
        json!({"vi": "Hết quá đông du khách tại Khu du lịch Mẫu Sơn", "en": "Crowding over at Mẫu Sơn tourist area"})
    );
    assert_eq!(resolved["observedAt"], time(50));
    let alert_output = out.iter().find(|o| o.ty == "city.tourism.alert").unwrap();
    assert_eq!(alert_output.subject.as_deref(), Some("mau-son"));
}

#[test]
fn at_capacity_the_alert_turns_critical_and_back() {
    let mut h = harness();
    let out = h
        .handle(&[
            mau_son(4600, 0),
            mau_son(5000, 10),
            mau_son(5200, 20),
            mau_son(4800, 30),
            mau_son(3000, 40),
        ])
        .unwrap();
    assert_eq!(
        statuses(&out),
        [
            pair("open", "high"),
            pair("open", "critical"),
            pair("open", "high"),
            pair("resolved", "high")
        ]
    );
    assert_eq!(
        alerts(&out)[1]["title"]["vi"],
        "Quá đông du khách tại Khu du lịch Mẫu Sơn: 5.000 / 5.000 người"
    );
}

#[test]
fn the_alert_names_events_under_way_or_coming_within_the_horizon() {
    let mut h = harness();
    h.handle(&[
        // Under way, starting in 20 hours, starting in 30 hours, over, elsewhere.
        event(
            "ngay-hoi",
            "Ngày hội văn hóa các dân tộc Mẫu Sơn",
            "mau-son",
            0,
            600,
        ),
        event(
            "le-hoi",
            "Lễ hội Mùa đông Mẫu Sơn",
            "mau-son",
            60 + 20 * 60,
            60 + 30 * 60,
        ),
        event(
            "giai-chay",
            "Giải chạy Mẫu Sơn",
            "mau-son",
            60 + 30 * 60,
            60 + 34 * 60,
        ),
        event("cho-dem", "Chợ đêm Kỳ Lừa", "ky-lua", 0, 600),
    ])
    .unwrap();
    let out = h.handle(&[mau_son(4700, 60)]).unwrap();
    let alert = &alerts(&out)[0];
    assert_eq!(
        alert["figures"]["events"],
        json!([
            "Ngày hội văn hóa các dân tộc Mẫu Sơn",
            "Lễ hội Mùa đông Mẫu Sơn"
        ])
    );
    assert_eq!(
        alert["description"]["vi"],
        "Sự kiện đang hoặc sắp diễn ra: Ngày hội văn hóa các dân tộc Mẫu Sơn; Lễ hội Mùa đông Mẫu Sơn."
    );
    // A longer horizon names the race too.
    let mut h = harness_with(json!({"event_horizon": "2d"}));
    h.handle(&[event(
        "giai-chay",
        "Giải chạy Mẫu Sơn",
        "mau-son",
        60 + 30 * 60,
        60 + 34 * 60,
    )])
    .unwrap();
    let out = h.handle(&[mau_son(4700, 60)]).unwrap();
    assert_eq!(
        alerts(&out)[0]["figures"]["events"],
        json!(["Giải chạy Mẫu Sơn"])
    );
}

#[test]
fn events_are_updated_by_id_and_pruned_once_over() {
    let mut h = harness();
    let first = event("le-hoi", "Lễ hội Mùa đông", "mau-son", 0, 600);
    h.handle(std::slice::from_ref(&first)).unwrap();
    let before: Vec<String> = h.state().keys().map(str::to_owned).collect();
    h.handle(&[first]).unwrap();
    assert_eq!(
        h.state().keys().map(str::to_owned).collect::<Vec<_>>(),
        before
    );
    // Moved to Bắc Sơn: Mẫu Sơn no longer lists it.
    h.handle(&[event("le-hoi", "Lễ hội Mùa đông", "bac-son", 0, 600)])
        .unwrap();
    assert!(h.state().get("site-events/mau-son").is_none());
    assert!(h.state().get("site-events/bac-son").is_some());
    // The clock passes its end: it is forgotten.
    h.handle(&[tick(599)]).unwrap();
    assert!(h.state().get("event/le-hoi").is_some());
    h.handle(&[tick(600)]).unwrap();
    assert_eq!(h.state().keys().collect::<Vec<_>>(), ["clock/now"]);
    // An event already over is not kept.
    h.handle(&[event("cu", "Sự kiện cũ", "mau-son", 0, 300)])
        .unwrap();
    assert!(h.state().get("event/cu").is_none());
}

#[test]
fn an_older_or_repeated_count_is_skipped() {
    let mut h = harness();
    h.handle(&[mau_son(4600, 10)]).unwrap();
    let out = h.handle(&[mau_son(3000, 5), mau_son(3000, 10)]).unwrap();
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message.starts_with("visitors skipped"))
            .count(),
        2
    );
    // The open alert survives a restart and resolves later.
    h.restart().unwrap();
    let out = h.handle(&[mau_son(3000, 20)]).unwrap();
    assert_eq!(statuses(&out), [pair("resolved", "high")]);
}

#[test]
fn sites_not_configured_are_counted_not_alerted() {
    let mut h = harness();
    let out = h
        .handle(&[visitors("pac-bo", "Hang Pắc Bó", 90_000, 0)])
        .unwrap();
    assert_eq!(indicators(&out), [ind("visitors", "pac-bo", 90000.0)]);
    assert!(alerts(&out).is_empty());
}

#[test]
fn thresholds_and_sites_are_configurable() {
    let config = json!({
        "crowding_ratio": 0.5, "resolve_ratio": 0.25,
        "sites": {"pac-bo": {"vi": "Hang Pắc Bó", "en": "Pắc Bó Cave", "capacity": 100, "location": [106.1, 22.9]}},
    });
    let mut h = harness_with(config);
    let out = h
        .handle(&[
            visitors("pac-bo", "Hang Pắc Bó", 50, 0),
            visitors("pac-bo", "Hang Pắc Bó", 25, 10),
            visitors("pac-bo", "Hang Pắc Bó", 24, 20),
            mau_son(4900, 0),
        ])
        .unwrap();
    assert_eq!(
        statuses(&out),
        [pair("open", "high"), pair("resolved", "high")]
    );
    assert_eq!(
        alerts(&out)[0]["title"]["en"],
        "Crowding at Pắc Bó Cave: 50 of 100 visitors"
    );
}
