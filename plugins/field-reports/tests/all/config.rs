//! Configuration: defaults, custom services and roads, and the errors.

use cityhub_plugin_field_reports::{Config, FieldReports, agencies};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::Harness;
use serde_json::{Value, json};

use crate::support::{harness_with, report, report_data, requests, submitted, time};

fn config_error(config: Value) -> String {
    let err = Harness::<FieldReports>::new(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    err.message().to_owned()
}

fn service(code: &str) -> Value {
    json!({"service_code": code, "service_name": "Cây xanh", "agency": "UBND thành phố Lạng Sơn", "sla": "48h"})
}

#[test]
fn defaults_are_the_simulators_services_and_lang_sons_roads() {
    let config: Config = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, Config::default());
    config.check().unwrap();
    let codes: Vec<&str> = config
        .services
        .iter()
        .map(|s| s.service_code.as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "pothole",
            "flooding",
            "litter",
            "streetlight",
            "traffic-obstruction",
            "illegal-parking",
            "other"
        ]
    );
    assert_eq!(config.fallback, "other");
    assert_eq!(
        config.service("other").unwrap().agency,
        agencies::PROVINCE_OFFICE
    );
    assert_eq!(
        config.roads,
        ["QL1A", "QL1B", "QL4A", "QL4B", "QL31", "QL3B", "QL279"]
    );
    assert_eq!(config.retention.as_duration().as_secs(), 30 * 86_400);
    assert_eq!(config.overdue_alert_threshold.get(), 5);
}

#[test]
fn configured_services_replace_the_defaults() {
    let mut tree = service("fallen-tree");
    tree["keywords"] = json!(["Cây Đổ"]);
    tree["group"] = "Cây xanh đô thị".into();
    let mut h = harness_with(json!({
        "services": [tree, service("misc")],
        "fallback": "misc",
        "roads": ["ql1a", "ĐT 226"],
    }));
    let out = h
        .handle(&[submitted(report_data(
            "LS-1",
            None,
            "CÂY ĐỔ chắn ĐT226 đoạn qua Cao Lộc",
            &time(0),
        ))])
        .unwrap();
    let request = &requests(&out)[0];
    assert_eq!(
        request["service_code"], "fallen-tree",
        "keywords compare lowercase"
    );
    assert_eq!(request["service_name"], "Cây xanh");
    assert_eq!(request["road"], "ĐT226");
    assert_eq!(request["expected_datetime"], time(48 * 60));
    let out = h.handle(&[report("LS-2", "pothole", &time(1))]).unwrap();
    assert_eq!(
        requests(&out)[0]["service_code"],
        "misc",
        "pothole is not configured here"
    );
}

#[test]
fn service_fields_are_checked_while_reading() {
    assert!(
        config_error(
            json!({"services": [{"service_code": "x", "service_name": "X", "agency": "A"}]})
        )
        .starts_with("`config.services[0]`: missing field `sla`"),
    );
    let mut bad_sla = service("x");
    bad_sla["sla"] = "2 ngày".into();
    let msg = config_error(json!({"services": [bad_sla], "fallback": "x"}));
    assert!(
        msg.starts_with("`config.services[0].sla`: `2 ngày` has no known unit"),
        "{msg}"
    );
    let mut extra = service("x");
    extra["priority"] = "high".into();
    let msg = config_error(json!({"services": [extra], "fallback": "x"}));
    assert!(
        msg.starts_with("`config.services[0].priority`: unknown field"),
        "{msg}"
    );
    assert!(
        config_error(json!({"retention": "0d"})).starts_with("`config.retention`: `0d` is zero")
    );
    assert!(
        config_error(json!({"overdue_alert_threshold": 0}))
            .starts_with("`config.overdue_alert_threshold`: invalid value: integer `0`")
    );
    assert!(
        config_error(json!({"fallbak": "other"})).starts_with("`config.fallbak`: unknown field")
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut blank = service("ổ-gà");
    blank["service_name"] = " ".into();
    blank["agency"] = "".into();
    blank["keywords"] = json!(["ổ gà", " "]);
    let msg = config_error(json!({
        "services": [service("tree"), service("tree"), blank],
        "fallback": "misc",
        "roads": ["QL1A", "Quốc lộ 1A", "X12"],
    }));
    assert_eq!(
        msg.lines().collect::<Vec<_>>(),
        [
            "`services[1].service_code` `tree` is listed twice: codes must be unique",
            "`services[2].service_code` (`ổ-gà`) must be 1 to 64 ASCII letters, digits, `-`, `_` or `.`, e.g. `pothole`",
            "`services[2].service_name` is empty: name the service for citizens, e.g. `Hư hỏng mặt đường, ổ gà`",
            "`services[2].agency` is empty: name the agency that handles `ổ-gà` reports, e.g. `Sở Giao thông Vận tải`",
            "`services[2].keywords[1]` is empty: remove it (an empty keyword would match every report)",
            "`fallback` names `misc`, which is not in `services`: name one of the configured service codes",
            "`roads[1]` `Quốc lộ 1A` is listed twice: remove one",
            "`roads[2]` (`X12`) is not a road code: write `QL` (quốc lộ), `CT` (cao tốc) or `ĐT` (đường tỉnh) and the road's number, e.g. `QL4A`",
        ]
    );
    assert!(config_error(json!({"services": []})).starts_with("`services` is empty"));
}
