//! The cargo-at-risk alert: perishable tonnes at a gate whose queue grows.

use serde_json::json;

use crate::support::{alerts, decl, fruit, harness, harness_with, queue, statuses, time};

fn pair(status: &str, severity: &str) -> (String, String) {
    (status.to_owned(), severity.to_owned())
}

#[test]
fn opens_when_perishable_tonnes_reach_the_threshold_while_the_queue_grows() {
    let mut h = harness();
    let out = h
        .handle(&[
            queue("huu-nghi", 2400, 120.0, "growing", 0),
            fruit("TK1", 300.0, 5),
        ])
        .unwrap();
    assert!(alerts(&out).is_empty());
    let out = h.handle(&[fruit("TK2", 200.0, 10)]).unwrap();
    assert_eq!(statuses(&out), [pair("open", "high")]);
    let alert = &alerts(&out)[0];
    assert_eq!(
        *alert,
        json!({
            "alertId": "ecommerce/cargo-at-risk/huu-nghi",
            "status": "open",
            "category": "ecommerce",
            "subCategory": "cargo-at-risk",
            "severity": "high",
            "title": {
                "vi": "Nông sản dễ hỏng có nguy cơ hư hỏng tại Cửa khẩu Quốc tế Hữu Nghị: 500 tấn",
                "en": "Perishable produce at risk at Hữu Nghị International Border Gate: 500 t",
            },
            "description": {
                "vi": "500 tấn nông sản dễ hỏng đang chờ thông quan; hàng đợi 2.400 xe, tăng 120 xe/giờ.",
                "en": "500 t of perishable produce waiting for clearance; queue of 2,400 trucks, growing 120 trucks/h.",
            },
            "location": {"type": "Point", "coordinates": [106.70, 21.98]},
            "figures": {"perishableWaitingTonnes": 500.0, "queueLength": 2400, "growthPerHour": 120.0},
            "observedAt": time(10),
        })
    );
    let output = out.iter().find(|o| o.ty == "city.ecommerce.alert").unwrap();
    assert_eq!(output.subject.as_deref(), Some("huu-nghi"));
    // More tonnes, same severity: no new alert.
    assert!(alerts(&h.handle(&[fruit("TK3", 30.0, 15)]).unwrap()).is_empty());
}

#[test]
fn needs_a_growing_queue() {
    let mut h = harness();
    let out = h
        .handle(&[
            fruit("TK1", 800.0, 5),
            queue("huu-nghi", 2400, 2.0, "steady", 6),
        ])
        .unwrap();
    assert!(alerts(&out).is_empty(), "no queue, then a steady one");
    let out = h
        .handle(&[queue("huu-nghi", 2450, 50.0, "growing", 20)])
        .unwrap();
    assert_eq!(statuses(&out), [pair("open", "high")]);
    // The queue stops growing: resolved, with the figures of the moment.
    let out = h
        .handle(&[queue("huu-nghi", 2440, -10.0, "shrinking", 30)])
        .unwrap();
    assert_eq!(statuses(&out), [pair("resolved", "high")]);
    let alert = &alerts(&out)[0];
    assert_eq!(
        alert["title"],
        json!({"vi": "Hết nguy cơ hư hỏng nông sản tại Cửa khẩu Quốc tế Hữu Nghị",
               "en": "Perishable produce no longer at risk at Hữu Nghị International Border Gate"})
    );
    assert_eq!(alert["figures"]["queueLength"], 2440);
    assert_eq!(alert["observedAt"], time(30));
    assert!(h.state().get("risk/huu-nghi").is_none());
}

#[test]
fn escalates_to_critical_and_resolves_when_tonnes_clear() {
    let mut h = harness();
    let mut events = vec![queue("huu-nghi", 2400, 120.0, "growing", 0)];
    // 3,100 t of fruit in 100 trucks of 31 t.
    events.extend((0..100).map(|i| fruit(&format!("TK{i}"), 31.0, 1 + i)));
    let out = h.handle(&events).unwrap();
    assert_eq!(
        statuses(&out),
        [pair("open", "high"), pair("open", "critical")]
    );
    let critical = &alerts(&out)[1];
    // Critical from the 65th truck (2,015 t) on.
    assert_eq!(
        critical["title"]["vi"],
        "Nông sản dễ hỏng có nguy cơ hư hỏng tại Cửa khẩu Quốc tế Hữu Nghị: 2.015 tấn"
    );
    assert_eq!(
        critical["title"]["en"],
        "Perishable produce at risk at Hữu Nghị International Border Gate: 2,015 t"
    );
    let last = crate::support::volumes(&out).pop().unwrap();
    assert_eq!(last["perishableWaitingTonnes"], 3100.0);
    // Clearances: below 2,000 t back to high, below 500 t resolved.
    let clear: Vec<_> = (0..90)
        .map(|i| {
            decl(
                &format!("TK{i}"),
                "huu-nghi",
                31.0,
                true,
                "cleared",
                200 + i,
            )
        })
        .collect();
    let out = h.handle(&clear).unwrap();
    assert_eq!(
        statuses(&out),
        [pair("open", "high"), pair("resolved", "high")]
    );
    // Resolved as the 85th clearance leaves 496 t.
    assert_eq!(alerts(&out)[1]["figures"]["perishableWaitingTonnes"], 496.0);
}

#[test]
fn thresholds_are_configurable() {
    let mut h =
        harness_with(json!({"perishable_alert_tonnes": 50, "critical_perishable_tonnes": 60}));
    let out = h
        .handle(&[
            queue("huu-nghi", 300, 20.0, "growing", 0),
            fruit("TK1", 55.0, 1),
            fruit("TK2", 5.0, 2),
        ])
        .unwrap();
    assert_eq!(
        statuses(&out),
        [pair("open", "high"), pair("open", "critical")]
    );
    // Non-perishable goods never count.
    let mut h =
        harness_with(json!({"perishable_alert_tonnes": 50, "critical_perishable_tonnes": 60}));
    let out = h
        .handle(&[
            queue("huu-nghi", 300, 20.0, "growing", 0),
            decl("TK1", "huu-nghi", 90.0, false, "waiting", 1),
        ])
        .unwrap();
    assert!(alerts(&out).is_empty());
}

#[test]
fn gates_are_named_from_config_then_the_queue_then_their_id() {
    let config = json!({
        "perishable_alert_tonnes": 10,
        "gates": {"huu-nghi": {"vi": "CK Hữu Nghị", "en": "Huu Nghi gate"}},
    });
    let mut h = harness_with(config);
    let mut named_by_queue = queue("na-hinh", 10, 5.0, "growing", 0);
    named_by_queue = named_by_queue.json(&json!({
        "gate": "na-hinh", "gateName": {"vi": "Lối mở Na Hình", "en": "Na Hình crossing"},
        "queueLength": 10, "growthPerHour": 5.0, "trend": "growing", "observedAt": time(0),
    }));
    let mut unnamed = queue("po-nhung", 10, 5.0, "growing", 0);
    unnamed = unnamed.json(&json!({
        "gate": "po-nhung", "queueLength": 10, "growthPerHour": 5.0, "trend": "growing", "observedAt": time(0),
    }));
    let out = h
        .handle(&[
            queue("huu-nghi", 10, 5.0, "growing", 0),
            named_by_queue,
            unnamed,
            fruit("TK1", 12.0, 1),
            decl("TK2", "na-hinh", 12.0, true, "waiting", 2),
            decl("TK3", "po-nhung", 12.0, true, "waiting", 3),
        ])
        .unwrap();
    let titles: Vec<String> = alerts(&out)
        .iter()
        .map(|a| a["title"]["vi"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        titles,
        [
            "Nông sản dễ hỏng có nguy cơ hư hỏng tại CK Hữu Nghị: 12 tấn",
            "Nông sản dễ hỏng có nguy cơ hư hỏng tại Lối mở Na Hình: 12 tấn",
            "Nông sản dễ hỏng có nguy cơ hư hỏng tại po-nhung: 12 tấn",
        ]
    );
    // Without a location in the queue, the alert has none.
    assert!(alerts(&out)[1].get("location").is_none());
}

#[test]
fn an_older_or_repeated_queue_is_skipped() {
    let mut h = harness();
    h.handle(&[
        fruit("TK1", 600.0, 5),
        queue("huu-nghi", 2400, 120.0, "growing", 10),
    ])
    .unwrap();
    // A late "shrinking" count from before does not resolve it.
    let out = h
        .handle(&[queue("huu-nghi", 2000, -50.0, "shrinking", 8)])
        .unwrap();
    assert!(out.is_empty());
    let out = h
        .handle(&[queue("huu-nghi", 2400, 120.0, "growing", 10)])
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message.starts_with("border queue skipped"))
            .count(),
        2
    );
    assert!(h.state().get("risk/huu-nghi").is_some());
}

#[test]
fn an_open_alert_survives_restarts() {
    let mut h = harness();
    h.handle(&[
        queue("huu-nghi", 2400, 120.0, "growing", 0),
        fruit("TK1", 600.0, 5),
    ])
    .unwrap();
    h.restart().unwrap();
    let out = h
        .handle(&[queue("huu-nghi", 2380, 0.0, "steady", 60)])
        .unwrap();
    assert_eq!(statuses(&out), [pair("resolved", "high")]);
}
