//! The combined border alert: joins queue, cargo and citizens' reports in
//! any order, opens once, stays current without chattering, resolves, and
//! keeps its state bounded.

use cityhub_plugin_ioc::Ioc;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::{Value, json};

use crate::support::{
    alerts, harness, harness_with, pairs, queue, request, request_data, requests, statuses, tick,
    time, volume,
};

const ID: &str = "border/huu-nghi";

/// Only the border alerts among `out`.
fn border(out: &[OutputEvent]) -> Vec<(String, String)> {
    statuses(out)
        .into_iter()
        .filter(|(id, _)| id.starts_with("border/"))
        .collect()
}

/// A harness whose Hữu Nghị alert is open: 2,400 trucks growing 120/h,
/// 3,100 t perishable, 5 reports on QL1A (minutes 0 to 4); "now" = 10.
fn open() -> Harness<Ioc> {
    let mut h = harness();
    let mut events = requests("ls", "QL1A", 5, 0);
    events.push(volume("huu-nghi", 3100.0, 9));
    events.push(queue("huu-nghi", 2400, 120.0, 10));
    let out = h.handle(&events).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "open")]));
    h
}

#[test]
fn the_joined_alert_names_the_figures_and_the_agencies() {
    let mut h = harness();
    let mut events = requests("ls", "QL1A", 14, 0);
    events.push(volume("huu-nghi", 3100.0, 20));
    events.push(queue("huu-nghi", 2400, 120.0, 30));
    let out = h.handle(&events).unwrap();
    let open: Vec<&OutputEvent> = out.iter().filter(|o| o.ty == "city.ioc.alert").collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].subject.as_deref(), Some(ID));
    assert_eq!(open[0].time.as_deref(), Some(time(30).as_str()));
    let data: Value = open[0].json().unwrap();
    assert_eq!(
        data,
        json!({
            "alertId": "border/huu-nghi",
            "status": "open",
            "category": "border",
            "subCategory": "border-queue",
            "severity": "critical",
            "title": {
                "vi": "Ùn ứ tại Cửa khẩu Quốc tế Hữu Nghị: 2.400 xe, tăng 120 xe/giờ, 3.100 tấn nông sản dễ hỏng, 14 phản ánh trên QL1A",
                "en": "Border queue at Hữu Nghị International Border Gate: 2,400 trucks, growing 120/h, 3,100 t of perishable produce at risk, 14 citizen reports on QL1A",
            },
            "description": {
                "vi": "Đề nghị Sở Giao thông Vận tải tỉnh Lạng Sơn phân luồng, điều tiết xe tải trên QL1A; Sở Công Thương tỉnh Lạng Sơn phối hợp Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn ưu tiên thông quan 3.100 tấn nông sản dễ hỏng; Sở Y tế tỉnh Lạng Sơn hỗ trợ y tế cho lái xe chờ thông quan; Sở Thông tin và Truyền thông tỉnh Lạng Sơn chuyển 14 phản ánh của người dân đến đơn vị xử lý.",
                "en": "Direct the Lạng Sơn Department of Transport to divert and regulate trucks on QL1A; the Lạng Sơn Department of Industry and Trade, with the Đồng Đăng - Lạng Sơn Border Gate Economic Zone Authority, to prioritise clearance of the 3,100 t of perishable produce; the Lạng Sơn Department of Health to provide medical support to waiting drivers; the Lạng Sơn Department of Information and Communications to route the 14 citizen reports to the agencies that handle them.",
            },
            "location": {"type": "Point", "coordinates": [106.7, 21.98]},
            "figures": {
                "gate": "huu-nghi",
                "road": "QL1A",
                "queueLength": 2400,
                "growthPerHour": 120.0,
                "perishableTonnes": 3100.0,
                "reports": 14,
            },
            "observedAt": "2026-11-27T07:30:00+07:00",
            "sector": "ioc",
        })
    );
}

#[test]
fn queue_cargo_and_reports_join_in_any_order() {
    let parts: [Vec<TestEvent>; 3] = [
        vec![queue("huu-nghi", 2400, 120.0, 3)],
        vec![volume("huu-nghi", 3100.0, 4)],
        requests("ls", "QL1A", 5, 0),
    ];
    for order in [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ] {
        // All in one batch, and each part in a batch of its own.
        let all: Vec<TestEvent> = order.iter().flat_map(|&i| parts[i].clone()).collect();
        let out = harness().handle(&all).unwrap();
        assert_eq!(border(&out), pairs(&[(ID, "open")]), "{order:?}");
        let mut h = harness();
        let mut got = Vec::new();
        for &i in &order {
            got.extend(border(&h.handle(&parts[i]).unwrap()));
        }
        assert_eq!(got, pairs(&[(ID, "open")]), "{order:?}");
        let figures = &alerts(&out)[0]["figures"];
        assert_eq!(figures["reports"], 5, "{order:?}");
        assert_eq!(figures["queueLength"], 2400, "{order:?}");
        assert_eq!(figures["perishableTonnes"], 3100.0, "{order:?}");
    }
}

#[test]
fn every_condition_is_needed_and_its_threshold_is_enough() {
    // (queue, growth, perishable, reports): at the thresholds, it opens...
    let case = |q: u32, g: f64, t: f64, r: usize| {
        let mut events = requests("ls", "QL1A", r, 0);
        events.push(volume("huu-nghi", t, 10));
        events.push(queue("huu-nghi", q, g, 10));
        border(&harness().handle(&events).unwrap())
    };
    assert_eq!(case(1000, 50.0, 500.0, 5), pairs(&[(ID, "open")]));
    // ...and one short of any of them, it does not.
    assert!(case(999, 120.0, 3100.0, 14).is_empty());
    assert!(case(2400, 49.9, 3100.0, 14).is_empty());
    assert!(case(2400, 120.0, 499.0, 14).is_empty());
    assert!(case(2400, 120.0, 3100.0, 4).is_empty());
    // Without any gate volume there is no perishable cargo to speak of.
    let mut events = requests("ls", "QL1A", 14, 0);
    events.push(queue("huu-nghi", 2400, 120.0, 20));
    assert!(border(&harness().handle(&events).unwrap()).is_empty());
}

#[test]
fn the_thresholds_are_configurable() {
    let mut h = harness_with(json!({
        "min_queue": 300, "min_growth_per_hour": 20, "min_perishable_tonnes": 100, "min_reports": 1,
    }));
    let out = h
        .handle(&[
            request("ls-1", Some("QL4A"), 0),
            volume("tan-thanh", 150.0, 1),
            queue("tan-thanh", 320, 25.0, 2),
        ])
        .unwrap();
    assert_eq!(border(&out), pairs(&[("border/tan-thanh", "open")]));
    let a = &alerts(&out)[0];
    assert_eq!(
        a["title"]["en"],
        "Border queue at Tân Thanh Border Gate: 320 trucks, growing 25/h, 150 t of perishable produce at risk, 1 citizen report on QL4A"
    );
    assert_eq!(
        a["title"]["vi"],
        "Ùn ứ tại Cửa khẩu Tân Thanh: 320 xe, tăng 25 xe/giờ, 150 tấn nông sản dễ hỏng, 1 phản ánh trên QL4A"
    );
}

#[test]
fn an_open_alert_is_sent_again_only_when_its_figures_move_materially() {
    let mut h = open();
    let steps: [(TestEvent, bool); 9] = [
        (queue("huu-nghi", 2500, 125.0, 20), false), // +4%, +4%
        (queue("huu-nghi", 2640, 125.0, 30), true),  // +10% of 2,400
        (queue("huu-nghi", 2700, 125.0, 40), false), // +2% of 2,640
        (queue("huu-nghi", 2700, 140.0, 50), true),  // growth +12%
        (volume("huu-nghi", 3300.0, 55), false),     // +6%
        (volume("huu-nghi", 3500.0, 56), true),      // +13% of 3,100
        (request("ls-5", Some("QL1A"), 57), true),   // reports 5 -> 6
        (request("ls-5", Some("QL1A"), 58), false),  // the same request again
        (request("khac", Some("QL4A"), 59), false),  // another road
    ];
    for (i, (event, sent)) in steps.into_iter().enumerate() {
        let out = h.handle(&[event]).unwrap();
        let expected = if sent { pairs(&[(ID, "open")]) } else { vec![] };
        assert_eq!(border(&out), expected, "step {i}");
    }
    let last: Value = h.state().get_json("gate/huu-nghi").unwrap().unwrap();
    assert_eq!(
        last["alert"],
        json!({"queueLength": 2700.0, "growthPerHour": 140.0, "perishableTonnes": 3500.0, "reports": 6})
    );
}

#[test]
fn the_alert_resolves_when_the_queue_falls_stops_growing_or_the_cargo_clears() {
    // Below min_queue.
    let mut h = open();
    let out = h.handle(&[queue("huu-nghi", 950, 60.0, 30)]).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "resolved")]));
    let resolved = &alerts(&out)[0];
    assert_eq!(resolved["severity"], "critical");
    assert_eq!(
        resolved["title"],
        json!({
            "vi": "Ùn ứ tại Cửa khẩu Quốc tế Hữu Nghị đã giảm: 950 xe, tăng 60 xe/giờ, 3.100 tấn nông sản dễ hỏng",
            "en": "Border queue at Hữu Nghị International Border Gate easing: 950 trucks, growing 60/h, 3,100 t of perishable produce waiting",
        })
    );
    assert_eq!(
        resolved["description"],
        json!({
            "vi": "Hết điều kiện cảnh báo: hàng đợi dưới ngưỡng 1.000 xe. Tiếp tục theo dõi.",
            "en": "The alert's conditions no longer hold: the queue is below 1,000 trucks. Keep monitoring.",
        })
    );
    assert_eq!(resolved["figures"]["queueLength"], 950);

    // Shrinking and below min_queue at once: both reasons.
    let mut h = open();
    let out = h.handle(&[queue("huu-nghi", 900, -40.0, 30)]).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "resolved")]));
    let resolved = &alerts(&out)[0];
    assert_eq!(
        resolved["title"]["vi"],
        "Ùn ứ tại Cửa khẩu Quốc tế Hữu Nghị đã giảm: 900 xe, giảm 40 xe/giờ, 3.100 tấn nông sản dễ hỏng"
    );
    assert_eq!(
        resolved["description"]["en"],
        "The alert's conditions no longer hold: the queue is below 1,000 trucks; the queue is no longer growing. Keep monitoring."
    );

    // The perishable cargo cleared.
    let mut h = open();
    let out = h.handle(&[volume("huu-nghi", 120.0, 30)]).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "resolved")]));
    assert_eq!(
        alerts(&out)[0]["description"]["vi"],
        "Hết điều kiện cảnh báo: nông sản dễ hỏng chờ thông quan dưới 500 tấn. Tiếp tục theo dõi."
    );

    // A steady queue resolves too; then growing again reopens.
    let mut h = open();
    let out = h.handle(&[queue("huu-nghi", 2400, 0.0, 30)]).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "resolved")]));
    let title = alerts(&out)[0]["title"]["en"].as_str().unwrap().to_owned();
    assert!(title.contains("2,400 trucks, not growing"), "{title}");
    let out = h.handle(&[queue("huu-nghi", 2500, 100.0, 40)]).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "open")]));
}

#[test]
fn slower_growth_and_fewer_recent_reports_keep_it_open() {
    let mut h = open();
    // Still growing, if below min_growth_per_hour: open, sent again (growth moved).
    let out = h.handle(&[queue("huu-nghi", 2420, 30.0, 20)]).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "open")]));
    // A day later the five reports have aged out: still open, with 3 then 0.
    let day = 24 * 60;
    let out = h.handle(&[tick(day + 2)]).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "open")]));
    assert_eq!(alerts(&out)[0]["figures"]["reports"], 3);
    assert_eq!(alerts(&out)[0]["observedAt"], time(day + 2));
    let out = h.handle(&[tick(day + 10)]).unwrap();
    assert_eq!(alerts(&out)[0]["figures"]["reports"], 0);
    assert!(h.state().get("reports/QL1A").is_none(), "pruned away");
    // A tick that changes nothing sends nothing.
    assert!(h.handle(&[tick(day + 11)]).unwrap().is_empty());
}

#[test]
fn reports_count_within_the_window_distinct_whatever_their_status() {
    let mut h = harness_with(json!({"report_window": "2h"}));
    let mut closed = request_data("ls-closed", Some("QL1A"), 150, 190);
    closed["status"] = json!("closed");
    let events = vec![
        // Requested too long before "now" (set by the queue at minute 200).
        queue("huu-nghi", 2400, 120.0, 200),
        volume("huu-nghi", 3100.0, 200),
        request("old", Some("QL1A"), 70),
        // Within the window: four distinct, one of them twice, one closed.
        request("ls-1", Some("QL1A"), 90),
        request("ls-2", Some("QL1A"), 100),
        request("ls-2", Some("QL1A"), 100),
        request("ls-3", Some("QL1A"), 110),
        TestEvent::new("city.fieldreport.request")
            .id("closed-late")
            .json(&closed),
        // No road, or another road: not counted.
        request("ls-noroad", None, 150),
        request("ls-ql4a", Some("QL4A"), 150),
    ];
    let out = h.handle(&events).unwrap();
    assert!(border(&out).is_empty(), "four reports in the window");
    let listed: Value = h.state().get_json("reports/QL1A").unwrap().unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 4);
    let out = h.handle(&[request("ls-5", Some("QL1A"), 201)]).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "open")]));
    assert_eq!(alerts(&out)[0]["figures"]["reports"], 5);
}

#[test]
fn gates_are_judged_apart_by_their_roads() {
    let mut h = harness();
    let mut events = requests("ql1a", "QL1A", 5, 0);
    events.extend([
        volume("huu-nghi", 3100.0, 10),
        queue("huu-nghi", 2400, 120.0, 10),
        volume("tan-thanh", 2200.0, 10),
        queue("tan-thanh", 1800, 90.0, 10),
    ]);
    let out = h.handle(&events).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "open")]));
    let out = h.handle(&requests("ql4a", "QL4A", 5, 20)).unwrap();
    assert_eq!(border(&out), pairs(&[("border/tan-thanh", "open")]));
    let index: Value = h.state().get_json("gates").unwrap().unwrap();
    assert_eq!(
        index,
        json!({
            "huu-nghi": {"road": "QL1A", "open": true},
            "tan-thanh": {"road": "QL4A", "open": true},
        })
    );
}

#[test]
fn redelivered_or_late_gate_events_change_nothing() {
    let mut h = open();
    let keys = |h: &Harness<Ioc>| -> Vec<(String, Vec<u8>)> {
        h.state()
            .keys()
            .map(|k| (k.to_owned(), h.state().get(k).unwrap().to_vec()))
            .collect()
    };
    let before = keys(&h);
    let replay = [
        queue("huu-nghi", 2400, 120.0, 10),
        volume("huu-nghi", 3100.0, 9),
        queue("huu-nghi", 400, -300.0, 5), // older than the gate's queue
        volume("huu-nghi", 0.0, 2),
        request("ls-0", Some("QL1A"), 0),
        request("ls-1", Some("QL1A"), 1),
    ];
    let out = h.handle(&replay).unwrap();
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(keys(&h), before);
    let skipped: Vec<&str> = h.logs().iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        skipped,
        [
            "border queue skipped: not newer than the gate's",
            "gate volume skipped: not newer than the gate's",
            "border queue skipped: not newer than the gate's",
            "gate volume skipped: not newer than the gate's",
            "report skipped: already counted",
            "report skipped: already counted",
        ]
    );
}

#[test]
fn an_open_alert_survives_restarts() {
    let mut h = open();
    h.restart().unwrap();
    assert!(
        h.handle(&[queue("huu-nghi", 2450, 118.0, 20)])
            .unwrap()
            .is_empty()
    );
    h.restart().unwrap();
    let out = h.handle(&[queue("huu-nghi", 700, -200.0, 30)]).unwrap();
    assert_eq!(border(&out), pairs(&[(ID, "resolved")]));
    let index: Value = h.state().get_json("gates").unwrap().unwrap();
    assert_eq!(index["huu-nghi"]["open"], false);
}

#[test]
fn report_lists_stay_bounded() {
    let mut h = harness_with(json!({"report_window": "1h"}));
    // A day of reports, one every ten minutes: at most seven stay listed.
    let events: Vec<TestEvent> = (0..144)
        .map(|i| request(&format!("ls-{i}"), Some("QL1A"), i * 10))
        .collect();
    h.handle(&events).unwrap();
    let listed: Value = h.state().get_json("reports/QL1A").unwrap().unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 7);
    assert_eq!(listed[0][0], "ls-137");
}

#[test]
fn a_flood_of_reports_is_capped_within_the_state_quota() {
    // 600 reports on one road within the window: the newest 500 are kept,
    // in well under the manifest's 4 MiB.
    let mut h = harness().state_quota(4 << 20);
    let events: Vec<TestEvent> = (0..600)
        .map(|i| request(&format!("LS-2026-1127-{i:04}"), Some("QL1A"), i))
        .collect();
    h.handle(&events).unwrap();
    let listed: Value = h.state().get_json("reports/QL1A").unwrap().unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 500);
    assert_eq!(listed[0][0], "LS-2026-1127-0100");
    let bytes = h.state().get("reports/QL1A").unwrap().len();
    assert!(bytes < 32 << 10, "{bytes} bytes");
}
