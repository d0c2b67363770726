//! KPIs from the sectors' indicators: standings both ways, emission on
//! change only, indicators without thresholds, the sector KPI, redelivery.

use serde_json::{Value, json};

use crate::support::{harness, harness_with, indicator, kpis, standings, time, triples};

#[test]
fn an_indicator_becomes_a_fiware_kpi() {
    let mut h = harness();
    let mut event = indicator("health", "bed-occupancy", "bvdk-tinh", 0.80, "ratio", 0);
    let mut data = crate::support::indicator_data("bed-occupancy", "bvdk-tinh", 0.80, "ratio", 0);
    data["scopeName"] = json!("Bệnh viện Đa khoa tỉnh Lạng Sơn");
    data["name"] = json!({"vi": "Tỷ lệ sử dụng giường bệnh", "en": "Bed occupancy"});
    event = event.json(&data);
    h.handle(&[event]).unwrap();
    let mut next = indicator("health", "bed-occupancy", "bvdk-tinh", 0.87, "ratio", 60);
    data["value"] = json!(0.87);
    data["observedAt"] = json!(time(60));
    next = next.json(&data);
    let out = h.handle(&[next]).unwrap();
    assert_eq!(out.len(), 2, "the KPI and its sector's");
    assert_eq!(out[0].ty, "city.ioc.kpi");
    assert_eq!(
        out[0].subject.as_deref(),
        Some("kpi/health/bed-occupancy/bvdk-tinh")
    );
    assert_eq!(out[0].time.as_deref(), Some("2026-11-27T08:00:00+07:00"));
    let kpi: Value = out[0].json().unwrap();
    assert_eq!(
        kpi,
        json!({
            "id": "kpi/health/bed-occupancy/bvdk-tinh",
            "name": {"vi": "Tỷ lệ sử dụng giường bệnh", "en": "Bed occupancy"},
            "category": "health",
            "kpiValue": 0.87,
            "unit": "ratio",
            "currentStanding": "warning",
            "organization": {"vi": "Sở Y tế tỉnh Lạng Sơn", "en": "Lạng Sơn Department of Health"},
            "scope": "bvdk-tinh",
            "scopeName": "Bệnh viện Đa khoa tỉnh Lạng Sơn",
            "calculationPeriod": {"from": "2026-11-27T07:00:00+07:00", "to": "2026-11-27T08:00:00+07:00"},
            "dateModified": "2026-11-27T08:00:00+07:00",
        })
    );
    let sector: Value = out[1].json().unwrap();
    assert_eq!(
        sector,
        json!({
            "id": "kpi/health",
            "name": {"vi": "Y tế: tình trạng chung", "en": "Health: overall standing"},
            "description": {
                "vi": "Số chỉ số của lĩnh vực ở mức cảnh báo hoặc xấu",
                "en": "How many of the sector's KPIs stand at warning or bad",
            },
            "category": "health",
            "kpiValue": 1.0,
            "unit": "count",
            "currentStanding": "warning",
            "organization": {"vi": "Sở Y tế tỉnh Lạng Sơn", "en": "Lạng Sơn Department of Health"},
            "sectorName": {"vi": "Y tế", "en": "Health"},
            "scope": "health",
            "calculationPeriod": {"from": "2026-11-27T07:00:00+07:00", "to": "2026-11-27T08:00:00+07:00"},
            "dateModified": "2026-11-27T08:00:00+07:00",
        })
    );
}

#[test]
fn higher_is_worse_when_bad_is_above_warning() {
    let mut h = harness();
    let values = [0.80, 0.85, 0.94, 0.95, 0.99, 0.70];
    let events: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            indicator(
                "health",
                "bed-occupancy",
                "bvdk-tinh",
                *v,
                "ratio",
                i as i64 * 10,
            )
        })
        .collect();
    let out = h.handle(&events).unwrap();
    let id = "kpi/health/bed-occupancy/bvdk-tinh";
    assert_eq!(
        standings(&out),
        triples(&[
            (id, 0.80, "good"),
            ("kpi/health", 0.0, "good"),
            (id, 0.85, "warning"),
            ("kpi/health", 1.0, "warning"),
            (id, 0.94, "warning"),
            (id, 0.95, "bad"),
            ("kpi/health", 1.0, "bad"),
            (id, 0.99, "bad"),
            (id, 0.70, "good"),
            ("kpi/health", 0.0, "good"),
        ])
    );
}

#[test]
fn lower_is_worse_when_bad_is_below_warning() {
    let mut h = harness();
    let school = "thpt-chuyen-chu-van-an";
    let events: Vec<_> = [0.97, 0.9, 0.85, 0.8, 0.95]
        .iter()
        .enumerate()
        .map(|(i, v)| indicator("education", "attendance", school, *v, "ratio", i as i64))
        .collect();
    let out = h.handle(&events).unwrap();
    let got: Vec<String> = kpis(&out)
        .iter()
        .filter(|k| k["id"] != "kpi/education")
        .map(|k| k["currentStanding"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, ["good", "warning", "warning", "bad", "good"]);
}

#[test]
fn a_kpi_is_sent_only_when_its_value_or_standing_changes() {
    let mut h = harness();
    let events = [
        indicator("traffic", "border-queue", "huu-nghi", 1200.0, "count", 0),
        indicator("traffic", "border-queue", "huu-nghi", 1200.0, "count", 5),
        indicator("traffic", "border-queue", "huu-nghi", 1250.0, "count", 10),
        indicator("traffic", "border-queue", "huu-nghi", 1250.0, "count", 15),
    ];
    let out = h.handle(&events).unwrap();
    let id = "kpi/traffic/border-queue/huu-nghi";
    assert_eq!(
        standings(&out),
        triples(&[
            (id, 1200.0, "warning"),
            ("kpi/traffic", 1.0, "warning"),
            (id, 1250.0, "warning"),
        ])
    );
    // The period runs from the previous observation, unchanged ones included.
    let second = &kpis(&out)[2];
    assert_eq!(second["calculationPeriod"]["from"], time(5));
    assert_eq!(second["calculationPeriod"]["to"], time(10));
}

#[test]
fn indicators_without_thresholds_have_no_standing_and_no_sector_kpi() {
    let mut h = harness();
    let out = h
        .handle(&[
            indicator("tourism", "visitors", "mau-son", 4200.0, "count", 0),
            indicator("tourism", "pho-di-bo-visitors", "ky-lua", 900.0, "count", 0),
            indicator("tourism", "visitors", "mau-son", 4300.0, "count", 10),
        ])
        .unwrap();
    assert_eq!(
        standings(&out),
        triples(&[
            ("kpi/tourism/visitors/mau-son", 4200.0, "-"),
            ("kpi/tourism/pho-di-bo-visitors/ky-lua", 900.0, "-"),
            ("kpi/tourism/visitors/mau-son", 4300.0, "-"),
        ])
    );
    assert!(h.state().get("sector/tourism").is_none());
    // One with a standing starts the sector KPI.
    let out = h
        .handle(&[indicator(
            "tourism",
            "occupancy",
            "tp-lang-son",
            0.96,
            "ratio",
            20,
        )])
        .unwrap();
    assert_eq!(
        standings(&out),
        triples(&[
            ("kpi/tourism/occupancy/tp-lang-son", 0.96, "bad"),
            ("kpi/tourism", 1.0, "bad"),
        ])
    );
}

#[test]
fn the_sector_kpi_is_the_worst_of_its_kpis_and_counts_the_concerns() {
    let mut h = harness();
    let events = [
        indicator("admin", "overdue-dossiers", "so-xay-dung", 2.0, "count", 0),
        indicator("admin", "on-time", "so-xay-dung", 0.8, "ratio", 0),
        indicator(
            "admin",
            "overdue-dossiers",
            "so-tai-chinh",
            16.0,
            "count",
            1,
        ),
        indicator("admin", "overdue-dossiers", "so-xay-dung", 6.0, "count", 2),
        indicator("admin", "overdue-dossiers", "so-tai-chinh", 3.0, "count", 3),
        indicator("admin", "on-time", "so-xay-dung", 0.95, "ratio", 4),
        indicator("admin", "overdue-dossiers", "so-xay-dung", 1.0, "count", 5),
    ];
    let out = h.handle(&events).unwrap();
    let sector: Vec<(f64, String)> = standings(&out)
        .into_iter()
        .filter(|(id, _, _)| id == "kpi/admin")
        .map(|(_, v, s)| (v, s))
        .collect();
    let s = |v: f64, st: &str| (v, st.to_owned());
    assert_eq!(
        sector,
        [
            s(0.0, "good"),
            s(1.0, "warning"),
            s(2.0, "bad"),
            s(3.0, "bad"),
            s(2.0, "warning"),
            s(1.0, "warning"),
            s(0.0, "good"),
        ]
    );
    let organization = &kpis(&out)[0]["organization"];
    assert_eq!(
        organization["vi"],
        "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn"
    );
    assert_eq!(
        h.state()
            .get_json::<Value>("sector/admin")
            .unwrap()
            .unwrap()["concerns"],
        json!({})
    );
}

#[test]
fn sectors_and_scopes_are_kept_apart() {
    let mut h = harness();
    let out = h
        .handle(&[
            indicator("health", "emergency-calls", "cao-loc", 9.0, "per-hour", 0),
            indicator("health", "emergency-calls", "loc-binh", 1.0, "per-hour", 0),
            indicator(
                "fieldreport",
                "overdue-reports",
                "so-giao-thong-van-tai",
                5.0,
                "count",
                0,
            ),
        ])
        .unwrap();
    assert_eq!(
        standings(&out),
        triples(&[
            ("kpi/health/emergency-calls/cao-loc", 9.0, "bad"),
            ("kpi/health", 1.0, "bad"),
            ("kpi/health/emergency-calls/loc-binh", 1.0, "good"),
            (
                "kpi/fieldreport/overdue-reports/so-giao-thong-van-tai",
                5.0,
                "warning"
            ),
            ("kpi/fieldreport", 1.0, "warning"),
        ])
    );
    assert_eq!(
        kpis(&out)[3]["organization"]["en"],
        "Lạng Sơn Department of Information and Communications"
    );
}

#[test]
fn an_unconfigured_sector_has_no_organization() {
    let mut h =
        harness_with(json!({"thresholds": {"water-pressure": {"warning": 2.0, "bad": 1.0}}}));
    let out = h
        .handle(&[indicator(
            "water",
            "water-pressure",
            "tram-bom-ky-lua",
            1.5,
            "count",
            0,
        )])
        .unwrap();
    let k = kpis(&out);
    assert_eq!(k[0]["currentStanding"], "warning");
    assert!(k[0].get("organization").is_none(), "{}", k[0]);
    assert_eq!(
        k[1]["name"],
        json!({"vi": "Lĩnh vực water: tình trạng chung", "en": "water: overall standing"})
    );
}

#[test]
fn vietnamese_names_pass_through_byte_for_byte() {
    let mut h = harness();
    let mut data = crate::support::indicator_data("occupancy", "huu-lung", 0.5, "ratio", 0);
    let name = json!({"vi": "Công suất buồng lưu trú — huyện Hữu Lũng", "en": "Room occupancy"});
    data["name"] = name.clone();
    data["scopeName"] = json!("Huyện Hữu Lũng");
    let out = h
        .handle(&[indicator("tourism", "occupancy", "huu-lung", 0.5, "ratio", 0).json(&data)])
        .unwrap();
    let raw = std::str::from_utf8(out[0].data.as_deref().unwrap()).unwrap();
    assert!(
        raw.contains("Công suất buồng lưu trú — huyện Hữu Lũng"),
        "{raw}"
    );
    assert!(raw.contains("\"scopeName\":\"Huyện Hữu Lũng\""), "{raw}");
    assert_eq!(kpis(&out)[0]["name"], name);
}

#[test]
fn redelivered_and_late_indicators_change_nothing() {
    let mut h = harness();
    let events = [
        indicator("health", "bed-occupancy", "bvdk-tinh", 0.90, "ratio", 10),
        indicator("health", "bed-occupancy", "bvdk-tinh", 0.96, "ratio", 20),
    ];
    assert_eq!(h.handle(&events).unwrap().len(), 4);
    let before: Vec<(String, Vec<u8>)> = h
        .state()
        .keys()
        .map(|k| (k.to_owned(), h.state().get(k).unwrap().to_vec()))
        .collect();
    assert!(h.handle(&events).unwrap().is_empty(), "redelivered");
    let late = indicator("health", "bed-occupancy", "bvdk-tinh", 0.5, "ratio", 15);
    assert!(
        h.handle(&[late]).unwrap().is_empty(),
        "older than the KPI's"
    );
    let after: Vec<(String, Vec<u8>)> = h
        .state()
        .keys()
        .map(|k| (k.to_owned(), h.state().get(k).unwrap().to_vec()))
        .collect();
    assert_eq!(before, after);
    let skipped = h
        .logs()
        .iter()
        .filter(|l| l.message == "indicator skipped: not newer than the KPI's")
        .count();
    assert_eq!(skipped, 3);
    // And after a restart, a newer one is news again.
    h.restart().unwrap();
    let out = h
        .handle(&[indicator(
            "health",
            "bed-occupancy",
            "bvdk-tinh",
            0.5,
            "ratio",
            30,
        )])
        .unwrap();
    assert_eq!(
        standings(&out),
        triples(&[
            ("kpi/health/bed-occupancy/bvdk-tinh", 0.5, "good"),
            ("kpi/health", 0.0, "good"),
        ])
    );
}

#[test]
fn unreadable_kpi_state_is_logged_and_started_afresh() {
    let mut h = harness();
    h.state_mut().insert(
        "kpi/health/bed-occupancy/bvdk-tinh",
        b"{\"value\":\"lots\"}".to_vec(),
    );
    let out = h
        .handle(&[indicator(
            "health",
            "bed-occupancy",
            "bvdk-tinh",
            0.5,
            "ratio",
            0,
        )])
        .unwrap();
    assert_eq!(kpis(&out).len(), 2);
    let log = &h.logs()[0];
    assert_eq!(log.message, "state unreadable, starting afresh");
    assert_eq!(log.field("key"), Some("kpi/health/bed-occupancy/bvdk-tinh"));
}
