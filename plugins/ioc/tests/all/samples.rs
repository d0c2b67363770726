//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_ioc::Config;
use cityhub_sdk::testing::{Manifest, TestEvent};
use serde_json::Value;

use crate::support::harness;

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_morning_at_huu_nghi_opens_updates_and_resolves_one_border_alert() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/border-morning.json")).unwrap();
    assert_eq!(events.len(), 23);
    let out = h.handle(&events).unwrap();
    let got: Vec<(String, String, String)> = out
        .iter()
        .map(|o| {
            let data: Value = o.json().unwrap();
            let (id, what) = if o.ty == "city.ioc.kpi" {
                ("id", "currentStanding")
            } else {
                ("alertId", "status")
            };
            (
                o.ty.clone(),
                data[id].as_str().unwrap().to_owned(),
                data[what].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    let row = |ty: &str, id: &str, what: &str| (ty.to_owned(), id.to_owned(), what.to_owned());
    let (kpi, alert) = ("city.ioc.kpi", "city.ioc.alert");
    let border = "border/huu-nghi";
    assert_eq!(
        got,
        [
            row(kpi, "kpi/traffic/border-queue/huu-nghi", "bad"),
            row(kpi, "kpi/traffic", "bad"),
            row(kpi, "kpi/health/bed-occupancy/bvdk-tinh", "warning"),
            row(kpi, "kpi/health", "warning"),
            row(alert, border, "open"), // the fifth report on QL1A
            row(kpi, "kpi/ecommerce/perishable-waiting/huu-nghi", "bad"),
            row(kpi, "kpi/ecommerce", "bad"),
            row(alert, "health/capacity/bvdk-tinh", "open"),
            row(alert, border, "open"), // 2,400 trucks
            row(kpi, "kpi/traffic/border-queue/huu-nghi", "bad"),
            row(alert, border, "open"), // 3,100 t
            row(kpi, "kpi/tourism/visitors/mau-son", "-"),
            row(alert, border, "open"), // a sixth report
            row(alert, border, "resolved"),
            row(kpi, "kpi/traffic/border-queue/huu-nghi", "bad"),
        ]
    );
    let titles: Vec<String> = out
        .iter()
        .filter(|o| o.subject.as_deref() == Some(border))
        .map(|o| {
            o.json::<Value>().unwrap()["title"]["vi"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        titles,
        [
            "Ùn ứ tại Cửa khẩu Quốc tế Hữu Nghị: 1.650 xe, tăng 80 xe/giờ, 2.400 tấn nông sản dễ hỏng, 5 phản ánh trên QL1A",
            "Ùn ứ tại Cửa khẩu Quốc tế Hữu Nghị: 2.400 xe, tăng 120 xe/giờ, 2.400 tấn nông sản dễ hỏng, 5 phản ánh trên QL1A",
            "Ùn ứ tại Cửa khẩu Quốc tế Hữu Nghị: 2.400 xe, tăng 120 xe/giờ, 3.100 tấn nông sản dễ hỏng, 5 phản ánh trên QL1A",
            "Ùn ứ tại Cửa khẩu Quốc tế Hữu Nghị: 2.400 xe, tăng 120 xe/giờ, 3.100 tấn nông sản dễ hỏng, 6 phản ánh trên QL1A",
            "Ùn ứ tại Cửa khẩu Quốc tế Hữu Nghị đã giảm: 2.250 xe, giảm 60 xe/giờ, 3.100 tấn nông sản dễ hỏng",
        ]
    );
    // The relayed alert keeps its Vietnamese byte for byte.
    let relayed = out
        .iter()
        .find(|o| o.subject.as_deref() == Some("health/capacity/bvdk-tinh"))
        .unwrap();
    let raw = std::str::from_utf8(relayed.data.as_deref().unwrap()).unwrap();
    assert!(
        raw.contains("\"description\":{\"vi\":\"Đã sử dụng 522/560 giường (93%)\""),
        "{raw}"
    );
    // The redelivered 07:00 count at the end was skipped.
    assert_eq!(
        h.logs().last().unwrap().message,
        "border queue skipped: not newer than the gate's"
    );
    let keys: Vec<&str> = h.state().keys().collect();
    assert_eq!(
        keys,
        [
            "clock/now",
            "gate/huu-nghi",
            "gates",
            "kpi/ecommerce/perishable-waiting/huu-nghi",
            "kpi/health/bed-occupancy/bvdk-tinh",
            "kpi/tourism/visitors/mau-son",
            "kpi/traffic/border-queue/huu-nghi",
            "relay/health",
            "reports/QL1A",
            "reports/QL4A",
            "sector/ecommerce",
            "sector/health",
            "sector/traffic",
        ]
    );
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "ioc");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        manifest.str("vendor"),
        "Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Lạng Sơn (IOC)"
    );
    assert_eq!(
        manifest.types("subscribes"),
        [
            "city.*.indicator",
            "city.*.alert",
            cityhub_plugin_ioc::BORDER_QUEUE,
            cityhub_plugin_ioc::GATE_VOLUME,
            cityhub_plugin_ioc::REQUEST,
            cityhub_sdk::city::TICK,
        ]
    );
    assert_eq!(
        manifest.types("publishes"),
        [cityhub_plugin_ioc::KPI, cityhub_plugin_ioc::ALERT]
    );
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let defaults = Manifest::load(DIR).assert_defaults::<Config>();
    assert_eq!(defaults.len(), 9, "the schema names every field");
    // The default maps are complete, not only merged onto the defaults.
    let thresholds = defaults["thresholds"].as_object().unwrap();
    assert_eq!(thresholds.len(), Config::default().thresholds.0.len());
    for (name, t) in &Config::default().thresholds.0 {
        assert_eq!(
            thresholds[name]["warning"].as_f64(),
            Some(t.warning),
            "{name}"
        );
        assert_eq!(thresholds[name]["bad"].as_f64(), Some(t.bad), "{name}");
    }
    let sectors = defaults["sectors"].as_object().unwrap();
    for (name, s) in &Config::default().sectors.0 {
        assert_eq!(
            sectors[name]["organization"]["vi"],
            s.organization.vi.as_str(),
            "{name}"
        );
        assert_eq!(sectors[name]["name"]["en"], s.name.en.as_str(), "{name}");
    }
    assert_eq!(sectors.len(), Config::default().sectors.0.len());
}
