//! What each behaviour emits or returns, natively.

use cityhub_plugin_hostile::{
    BIG_OUTPUT_BYTES, FLOOD_VALUE_BYTES, Hostile, MANY_OUTPUTS, OK, UNDECLARED,
};
use cityhub_sdk::ErrorKind;
use cityhub_sdk::testing::{Harness, OutputEvent, TestEvent};
use serde_json::json;

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn run(ty: &str) -> Vec<OutputEvent> {
    let mut h = Harness::<Hostile>::new(json!({})).unwrap();
    h.handle(&[TestEvent::new(ty).id("e-1")]).unwrap()
}

/// The sample event of type `test.hostile.<behaviour>`.
fn sample(behaviour: &str) -> TestEvent {
    let events = TestEvent::from_json_file(format!("{DIR}/events/behaviours.json")).unwrap();
    events
        .into_iter()
        .find(|e| e.ty == format!("test.hostile.{behaviour}"))
        .unwrap()
}

#[test]
fn ok_echoes_the_event() {
    let mut h = Harness::<Hostile>::new(json!({})).unwrap();
    let out = h.handle(&[sample("ok")]).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].ty.as_str(), out[0].subject.as_deref()),
        (OK, Some("hostile-ok"))
    );
    assert_eq!(
        out[0].json::<serde_json::Value>().unwrap(),
        json!({"hello": "Lạng Sơn"})
    );
}

#[test]
fn big_output_emits_8_mib_of_data() {
    let out = run("test.hostile.big-output");
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].data.as_ref().map(Vec::len), Some(BIG_OUTPUT_BYTES));
}

#[test]
fn many_outputs_emits_1_000_events() {
    let out = run("test.hostile.many-outputs");
    assert_eq!(out.len(), MANY_OUTPUTS);
    assert!(out.iter().all(|o| o.ty == OK));
}

#[test]
fn undeclared_emits_a_type_outside_publishes() {
    let out = run("test.hostile.undeclared");
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].ty, UNDECLARED);
}

#[test]
fn state_flood_returns_the_quota_error_and_commits_nothing() {
    let mut h = Harness::<Hostile>::new(json!({}))
        .unwrap()
        .state_quota(64 * 1024);
    let err = h.handle(&[sample("state-flood")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Internal);
    assert!(
        err.message()
            .contains("exceed the state quota of 65536 bytes"),
        "{err}"
    );
    assert!(
        h.state().is_empty(),
        "a failed batch's writes are dropped, flushed or not"
    );
    // It filled the quota before the refusal: 63 values of 1 KiB fit in 64 KiB
    // (their keys count too), the 64th (`flood/63`) does not.
    let refused: usize = err
        .message()
        .split("`flood/")
        .nth(1)
        .unwrap()
        .split('`')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(refused, 64 * 1024 / (FLOOD_VALUE_BYTES + "flood/NN".len()));
}

#[test]
fn unknown_types_are_ignored() {
    assert!(run("test.hostile.nothing").is_empty());
}

#[test]
#[should_panic(expected = "hostile plugin panicking on purpose (event `e-1`)")]
fn panic_panics() {
    run("test.hostile.panic");
}

#[test]
#[should_panic(expected = "`unreachable` trap (natively a panic)")]
fn trap_panics_natively() {
    run("test.hostile.trap");
}

#[test]
fn the_manifest_sets_small_limits_and_subscribes_to_every_behaviour() {
    let text = std::fs::read_to_string(format!("{DIR}/plugin.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(manifest["name"].as_str(), Some("hostile"));
    assert_eq!(
        manifest["subscribes"].as_array().unwrap()[0].as_str(),
        Some("test.hostile.>")
    );
    assert_eq!(
        manifest["publishes"].as_array().unwrap()[0].as_str(),
        Some(OK)
    );
    let limits = manifest["limits"].as_table().unwrap();
    assert_eq!(limits["memory"].as_str(), Some("32 MiB"));
    assert_eq!(limits["time-per-batch"].as_str(), Some("500ms"));
    assert_eq!(limits["outputs-per-batch"].as_integer(), Some(100));
    assert_eq!(limits["output-bytes"].as_str(), Some("1 MiB"));
    assert_eq!(limits["state-quota"].as_str(), Some("64 KiB"));
    let events = TestEvent::from_json_file(format!("{DIR}/events/behaviours.json")).unwrap();
    assert_eq!(events.len(), 10, "one sample event per behaviour");
}
