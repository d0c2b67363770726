//! A complete, valid manifest and what it parses to.

use std::path::Path;

use cityhub_manifest::{Capability, Limits, Manifest};
use serde_json::json;

const FULL: &str = r#"
name = "traffic"
version = "0.2.1"
vendor = "Sở Giao thông Vận tải Lạng Sơn"
description = "Ùn tắc giao thông từ các cảm biến"
world = "0.1.0"
subscribes = ["city.traffic.reading", "city.traffic.gate.*"]
publishes = ["city.traffic.congestion", "city.traffic.>"]
capabilities = ["clock", "log", "state"]
data-classes = ["personal", "health"]

[limits]
memory = "32 MiB"
time-per-batch = "250ms"
outputs-per-batch = 500
output-bytes = 1048576
state-quota = "256 KiB"

[config-schema]
type = "object"
additionalProperties = false
[config-schema.properties.speed_threshold_kmh]
type = "number"
minimum = 1
"#;

#[test]
fn parses_every_field() {
    let m = Manifest::parse(Path::new("plugin.toml"), FULL).unwrap();
    assert_eq!(m.name.as_str(), "traffic");
    assert_eq!(m.version.to_string(), "0.2.1");
    assert_eq!(m.vendor, "Sở Giao thông Vận tải Lạng Sơn");
    assert_eq!(m.world.to_string(), "0.1.0");
    assert_eq!(m.subscribes.len(), 2);
    assert!(m.subscribes_to("city.traffic.gate.queue"));
    assert!(!m.subscribes_to("city.health.bed"));
    assert!(m.may_publish("city.traffic.anything.at.all"));
    assert_eq!(m.limits.memory.bytes(), 32 << 20);
    assert_eq!(m.limits.time_per_batch.as_millis(), 250);
    assert_eq!(m.limits.outputs_per_batch, 500);
    assert_eq!(m.limits.output_bytes.bytes(), 1 << 20);
    assert_eq!(m.limits.state_quota.bytes(), 256 << 10);
    assert_eq!(
        m.capabilities,
        [Capability::Log, Capability::State, Capability::Clock]
    );
    let classes: Vec<&str> = m.data_classes.iter().map(|c| c.as_str()).collect();
    assert_eq!(classes, ["health", "personal"], "sorted");
}

#[test]
fn config_is_checked_against_the_schema_with_every_problem_named() {
    let m = Manifest::parse(Path::new("plugin.toml"), FULL).unwrap();
    m.config_schema
        .validate(&json!({"speed_threshold_kmh": 15}))
        .unwrap();
    let err = m
        .config_schema
        .validate(&json!({"speed_threshold_kmh": 0, "colour": "red"}))
        .unwrap_err();
    assert_eq!(err.problems.len(), 2, "{err}");
    let text = err.to_string();
    assert!(text.contains("/speed_threshold_kmh"), "{text}");
    assert!(text.contains("colour"), "{text}");
}

#[test]
fn defaults_apply_when_limits_and_schema_are_absent() {
    let minimal = "name = \"x\"\nversion = \"1.0.0\"\nvendor = \"v\"\nworld = \"0.1.0\"\nsubscribes = [\"a.b\"]\n";
    let m = Manifest::parse(Path::new("plugin.toml"), minimal).unwrap();
    assert_eq!(m.limits, Limits::default());
    assert!(m.publishes.is_empty());
    assert!(m.capabilities.is_empty(), "no capability unless declared");
    assert!(m.data_classes.is_empty(), "no data class unless asked for");
    m.config_schema.validate(&json!({})).unwrap();
    let err = m
        .config_schema
        .validate(&json!({"a": 1}))
        .unwrap_err()
        .to_string();
    assert!(err.contains("takes no configuration"), "{err}");
}

#[test]
fn capabilities_are_kept_sorted_whatever_the_order_written() {
    let text = "name = \"x\"\nversion = \"1.0.0\"\nvendor = \"v\"\nworld = \"0.1.0\"\n\
                subscribes = [\"a.b\"]\ncapabilities = [\"state\", \"clock\"]\n";
    let m = Manifest::parse(Path::new("plugin.toml"), text).unwrap();
    assert_eq!(m.capabilities, [Capability::State, Capability::Clock]);
    let names: Vec<&str> = m.capabilities.iter().map(|c| c.name()).collect();
    assert_eq!(names, ["state", "clock"]);
}
