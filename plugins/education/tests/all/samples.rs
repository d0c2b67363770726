//! The sample events and the manifest in the plugin's folder.

use cityhub_plugin_education::Config;
use cityhub_sdk::testing::{Manifest, TestEvent};
use serde_json::Value;

use crate::support::{harness, lines};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_cold_snap_lowers_attendance_and_a_poisoning_is_resolved() {
    let mut h = harness();
    let events = TestEvent::from_json_file(format!("{DIR}/events/education.json")).unwrap();
    assert_eq!(events.len(), 12);
    let out = h.handle(&events).unwrap();
    let (dd, hvt) = (
        "education/low-attendance/th-dong-dang",
        "education/low-attendance/thcs-hoang-van-thu",
    );
    let inc = "education/incident/SC-2026-0457";
    assert_eq!(
        lines(&out),
        [
            "indicator attendance thpt-chuyen-chu-van-an 0.982".to_owned(),
            "indicator attendance thcs-hoang-van-thu 0.934".to_owned(),
            "indicator attendance th-dong-dang 0.822".to_owned(),
            format!("alert {dd} open medium"),
            "indicator attendance thpt-huu-lung 0.951".to_owned(),
            "indicator attendance th-dong-dang 0.84".to_owned(),
            format!("alert {inc} open high"),
            "indicator attendance thcs-hoang-van-thu 0.8".to_owned(),
            format!("alert {hvt} open medium"),
            "indicator attendance th-dong-dang 0.684".to_owned(),
            format!("alert {dd} open high"),
            format!("alert {inc} resolved high"),
            "indicator attendance thcs-hoang-van-thu 0.955".to_owned(),
            format!("alert {hvt} resolved medium"),
            "indicator attendance th-dong-dang 0.955".to_owned(),
            format!("alert {dd} resolved high"),
        ]
    );
    let poisoning: Value = out[6].json().unwrap();
    assert_eq!(
        poisoning["description"]["vi"],
        "12 học sinh đau bụng, buồn nôn sau bữa ăn bán trú; đã đưa đến Bệnh viện Đa khoa tỉnh theo dõi."
    );
    assert_eq!(
        poisoning["title"]["vi"],
        "Ngộ độc thực phẩm tại Trường THCS Hoàng Văn Thụ"
    );
    // The whole file again (a redelivery) announces nothing.
    assert!(h.handle(&events).unwrap().is_empty());
}

#[test]
fn the_manifest_declares_what_the_plugin_does() {
    let manifest = Manifest::load(DIR);
    assert_eq!(manifest.str("name"), "education");
    assert_eq!(manifest.str("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.str("vendor"), "Sở Giáo dục và Đào tạo Lạng Sơn");
    use cityhub_plugin_education as p;
    assert_eq!(manifest.types("subscribes"), [p::ATTENDANCE, p::INCIDENT]);
    assert_eq!(manifest.types("publishes"), [p::INDICATOR, p::ALERT]);
}

#[test]
fn the_config_schema_defaults_are_the_plugins_defaults() {
    let defaults = Manifest::load(DIR).assert_defaults::<Config>();
    assert_eq!(defaults.len(), 4, "the schema names every field");
}
