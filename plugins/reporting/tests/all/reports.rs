//! Sector reports: the latest value of each indicator, once per sector and
//! period, aligned to local midnight, bounded per sector.

use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{at, harness, harness_with, indicator, outputs_of};

fn reports_of(out: &[cityhub_sdk::testing::OutputEvent]) -> Vec<Value> {
    outputs_of(out, "city.reporting.sector-report")
}

#[test]
fn one_report_per_sector_and_period_with_the_latest_values() {
    let mut h = harness();
    let out = h
        .handle(&[
            indicator("traffic", "border-queue", "huu-nghi", 1850.0, &at(25, 14)),
            indicator("traffic", "border-queue", "huu-nghi", 2400.0, &at(25, 20)),
            indicator("traffic", "border-queue", "tan-thanh", 900.0, &at(25, 21)),
            indicator("health", "bed-occupancy", "bvdk-tinh", 0.82, &at(25, 15)),
            TestEvent::tick(&at(25, 23)),
        ])
        .unwrap();
    assert!(out.is_empty(), "the period is not over: {out:?}");
    let out = h.handle(&[TestEvent::tick(&at(26, 0))]).unwrap();
    let reports = reports_of(&out);
    assert_eq!(reports.len(), 2);
    assert_eq!(out[0].subject.as_deref(), Some("health"));
    assert_eq!(out[0].time.as_deref(), Some(at(26, 0).as_str()));
    assert_eq!(reports[0]["sector"], "health");
    let traffic = &reports[1];
    assert_eq!(
        traffic,
        &json!({
            "sector": "traffic",
            "period": {"from": "2026-11-25T00:00:00+07:00", "to": "2026-11-26T00:00:00+07:00"},
            "indicators": [
                {"indicator": "border-queue", "scope": "huu-nghi", "scopeName": "Cửa khẩu Hữu Nghị",
                 "name": {"vi": "Hàng đợi xe tại cửa khẩu", "en": "Border queue"},
                 "value": 2400.0, "unit": "count", "observedAt": "2026-11-25T20:00:00+07:00"},
                {"indicator": "border-queue", "scope": "tan-thanh", "scopeName": "Cửa khẩu Hữu Nghị",
                 "name": {"vi": "Hàng đợi xe tại cửa khẩu", "en": "Border queue"},
                 "value": 900.0, "unit": "count", "observedAt": "2026-11-25T21:00:00+07:00"},
            ],
            "generatedAt": "2026-11-26T00:00:00+07:00",
        })
    );
    // The next period: only the sector that sent something is reported,
    // with all its latest values.
    h.handle(&[indicator(
        "traffic",
        "border-queue",
        "huu-nghi",
        2650.0,
        &at(26, 10),
    )])
    .unwrap();
    let out = h.handle(&[TestEvent::tick(&at(27, 3))]).unwrap();
    let reports = reports_of(&out);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["period"]["from"], at(26, 0));
    assert_eq!(reports[0]["indicators"][0]["value"], 2650.0);
    assert_eq!(reports[0]["indicators"].as_array().unwrap().len(), 2);
    assert_eq!(reports[0]["generatedAt"], at(27, 3));
}

#[test]
fn a_jump_of_several_periods_reports_once_and_an_idle_period_not_at_all() {
    let mut h = harness();
    h.handle(&[indicator(
        "health",
        "bed-occupancy",
        "bvdk-tinh",
        0.82,
        &at(25, 15),
    )])
    .unwrap();
    let out = h.handle(&[TestEvent::tick(&at(29, 6))]).unwrap();
    assert_eq!(reports_of(&out).len(), 1);
    let out = h.handle(&[TestEvent::tick(&at(30, 6))]).unwrap();
    assert!(out.is_empty(), "nothing sent on the 29th");
}

#[test]
fn an_indicator_from_the_next_period_ends_the_current_one_first() {
    let mut h = harness();
    h.handle(&[indicator(
        "health",
        "bed-occupancy",
        "bvdk-tinh",
        0.82,
        &at(25, 15),
    )])
    .unwrap();
    let out = h
        .handle(&[indicator(
            "health",
            "bed-occupancy",
            "bvdk-tinh",
            0.91,
            &at(26, 7),
        )])
        .unwrap();
    let reports = reports_of(&out);
    assert_eq!(reports[0]["indicators"][0]["value"], 0.82);
}

#[test]
fn the_period_is_configurable() {
    let mut h = harness_with(json!({"report_period": "6h"}));
    h.handle(&[indicator(
        "health",
        "bed-occupancy",
        "bvdk-tinh",
        0.82,
        &at(25, 7),
    )])
    .unwrap();
    let out = h.handle(&[TestEvent::tick(&at(25, 12))]).unwrap();
    let reports = reports_of(&out);
    assert_eq!(
        reports[0]["period"],
        json!({"from": at(25, 6), "to": at(25, 12)})
    );
}

#[test]
fn redelivered_or_older_indicators_are_not_kept() {
    let mut h = harness();
    let newer = indicator("traffic", "border-queue", "huu-nghi", 2400.0, &at(25, 20));
    h.handle(std::slice::from_ref(&newer)).unwrap();
    h.handle(&[
        newer,
        indicator("traffic", "border-queue", "huu-nghi", 1850.0, &at(25, 14)),
    ])
    .unwrap();
    let kept: Value = h
        .state()
        .get_json("latest/traffic/border-queue/huu-nghi")
        .unwrap()
        .unwrap();
    assert_eq!(kept["value"], 2400.0);
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message.starts_with("indicator skipped: not newer"))
            .count(),
        2
    );
}

#[test]
fn sectors_and_indicators_per_sector_are_bounded() {
    let mut h = harness_with(json!({"max_sectors": 1, "max_indicators_per_sector": 2}));
    h.handle(&[
        indicator("traffic", "border-queue", "huu-nghi", 2400.0, &at(25, 20)),
        indicator("traffic", "border-queue", "tan-thanh", 900.0, &at(25, 14)),
        indicator("traffic", "border-queue", "coc-nam", 120.0, &at(25, 21)),
        indicator("health", "bed-occupancy", "bvdk-tinh", 0.82, &at(25, 21)),
    ])
    .unwrap();
    let keys: Vec<&str> = h
        .state()
        .keys()
        .filter(|k| k.starts_with("latest/"))
        .collect();
    assert_eq!(
        keys,
        [
            "latest/traffic/border-queue/coc-nam",
            "latest/traffic/border-queue/huu-nghi"
        ]
    );
    let messages: Vec<&str> = h.logs().iter().map(|l| l.message.as_str()).collect();
    assert!(messages.contains(
        &"indicator dropped: `max_indicators_per_sector` reached, the oldest makes room"
    ));
    assert!(messages.contains(&"indicator skipped: `max_sectors` sectors are kept already"));
}

#[test]
fn malformed_indicators_name_the_field() {
    let mut h = harness();
    let bad = |data: Value| {
        TestEvent::new("city.health.indicator")
            .id("bad-1")
            .json(&data)
    };
    let good = json!({"indicator": "bed-occupancy", "scope": "bvdk-tinh",
        "name": {"vi": "Tỷ lệ sử dụng giường bệnh", "en": "Bed occupancy"},
        "value": 0.82, "unit": "ratio", "observedAt": at(25, 7)});
    let mut d = good.clone();
    d["unit"] = json!("percent");
    let err = h.handle(&[bad(d)]).unwrap_err();
    assert_eq!(err.event_id(), Some("bad-1"));
    assert!(
        err.message()
            .starts_with("`data.unit`: unknown variant `percent`"),
        "{err}"
    );
    let mut d = good.clone();
    d["observedAt"] = json!("sáng nay");
    let err = h.handle(&[bad(d)]).unwrap_err();
    assert!(
        err.message()
            .starts_with("`data.observedAt` must be an RFC 3339"),
        "{err}"
    );
    let mut d = good.clone();
    d["indicator"] = json!("beds/occupied");
    let err = h.handle(&[bad(d)]).unwrap_err();
    assert_eq!(
        err.message(),
        "`data.indicator` must be a kebab-case name such as `bed-occupancy`"
    );
    let mut d = good;
    d["scope"] = json!("");
    let err = h.handle(&[bad(d)]).unwrap_err();
    assert!(err.message().starts_with("`data.scope` must name"), "{err}");
    assert!(h.state().is_empty());
}
