//! The harness behaves like the host: frames both ways, atomic batches,
//! fresh instances after failures.

use cityhub_sdk::testing::{Harness, NativeRunner, TestEvent};
use cityhub_sdk::{Batch, Context, Error, ErrorKind, Level, Output, Plugin, Timestamp};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Config {
    /// Fail every batch after doing its work.
    fail: bool,
}

/// Mirrors each input into an output, counts batches in memory and in state.
struct Mirror {
    fail: bool,
    batches_in_memory: u32,
}

impl Plugin for Mirror {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        Ok(Mirror {
            fail: config.fail,
            batches_in_memory: 0,
        })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        self.batches_in_memory += 1;
        let in_state: u32 = ctx.state().get_json("batches")?.unwrap_or(0);
        ctx.state().set_json("batches", &(in_state + 1))?;
        let memory = self.batches_in_memory.to_string();
        ctx.log()
            .write(Level::Debug, "batch", &[("in_memory", &memory)]);
        for event in batch {
            if event.ty() == "test.quota" {
                ctx.state().set("big", vec![0u8; 4096])?;
            }
            let mut out = Output::new("test.mirror")
                .subject(event.id())
                .extension("memory", &memory);
            for (name, value) in event.extensions() {
                out = out.extension(name, value);
            }
            if let Some(time) = event.time() {
                out = out.time(time);
            }
            if let Some(schema) = event.dataschema() {
                out = out.dataschema(schema);
            }
            if let (Some(data), Some(ct)) = (event.data(), event.datacontenttype()) {
                out = out.data(data, ct);
            }
            ctx.emit(out)?;
        }
        if self.fail {
            Err(Error::transient("failing after the work, on purpose"))
        } else {
            Ok(())
        }
    }
}

#[test]
fn every_attribute_survives_the_frames_both_ways() {
    let mut harness = Harness::<Mirror>::new(json!({})).unwrap();
    let outputs = harness
        .handle(&[
            TestEvent::new("test.in")
                .id("e-1")
                .time("2026-11-27T08:00:00+07:00")
                .dataschema("https://example.invalid/reading.json")
                .extension("partitionkey", "QL1A")
                .extension(
                    "traceparent",
                    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                )
                .json(&json!({"tên": "Hữu Nghị"})),
            TestEvent::new("test.in").data(vec![0, 159, 255], "application/octet-stream"),
        ])
        .unwrap();
    assert_eq!(outputs.len(), 2);
    let first = &outputs[0];
    assert_eq!(
        (first.id.as_str(), first.source.as_str()),
        ("", ""),
        "the host fills these in"
    );
    assert_eq!(first.ty, "test.mirror");
    assert_eq!(first.subject.as_deref(), Some("e-1"));
    assert_eq!(first.time.as_deref(), Some("2026-11-27T08:00:00+07:00"));
    assert_eq!(
        first.dataschema.as_deref(),
        Some("https://example.invalid/reading.json")
    );
    assert_eq!(first.extension("memory"), Some("1"));
    assert_eq!(first.extension("partitionkey"), Some("QL1A"));
    assert_eq!(first.extensions.len(), 3);
    assert_eq!(
        first.json::<serde_json::Value>().unwrap(),
        json!({"tên": "Hữu Nghị"})
    );
    assert_eq!(outputs[1].data.as_deref(), Some(&[0, 159, 255][..]));
    assert_eq!(
        outputs[1].datacontenttype.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(outputs[1].subject.as_deref(), Some("test-1"));
    assert_eq!(outputs[1].time, None);
}

#[test]
fn assigned_ids_are_unique_across_batches() {
    let mut harness = Harness::<Mirror>::new(json!({})).unwrap();
    let a = harness
        .handle(&[TestEvent::new("t"), TestEvent::new("t")])
        .unwrap();
    let b = harness.handle(&[TestEvent::new("t")]).unwrap();
    let ids: Vec<_> = a
        .iter()
        .chain(&b)
        .map(|o| o.subject.clone().unwrap())
        .collect();
    assert_eq!(ids, ["test-1", "test-2", "test-3"]);
}

#[test]
fn a_failed_batch_commits_nothing_and_the_next_batch_gets_a_fresh_instance() {
    let mut harness = Harness::<Mirror>::new(json!({})).unwrap();
    harness.handle(&[TestEvent::new("t")]).unwrap();
    assert_eq!(harness.state().get_json::<u32>("batches").unwrap(), Some(1));

    let mut failing = Harness::<Mirror>::new(json!({"fail": true})).unwrap();
    let err = failing.handle(&[TestEvent::new("t")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transient);
    assert!(
        failing.state().is_empty(),
        "state writes of a failed batch must be dropped"
    );
    let err = failing.handle(&[TestEvent::new("t")]).unwrap_err();
    assert_eq!(err.message(), "failing after the work, on purpose");
    // Each batch ran on a fresh instance: the in-memory count restarted.
    assert_eq!(failing.logs()[1].field("in_memory"), Some("1"));
}

#[test]
fn restart_keeps_state_and_drops_the_plugin_value() {
    let mut harness = Harness::<Mirror>::new(json!({})).unwrap();
    harness.handle(&[TestEvent::new("t")]).unwrap();
    let out = harness.handle(&[TestEvent::new("t")]).unwrap();
    assert_eq!(out[0].extension("memory"), Some("2"));
    harness.restart().unwrap();
    let out = harness.handle(&[TestEvent::new("t")]).unwrap();
    assert_eq!(out[0].extension("memory"), Some("1"));
    assert_eq!(harness.state().get_json::<u32>("batches").unwrap(), Some(3));
}

#[test]
fn a_write_over_quota_fails_the_batch_at_its_end() {
    let mut harness = Harness::<Mirror>::new(json!({})).unwrap().state_quota(1024);
    harness.handle(&[TestEvent::new("t")]).unwrap();
    let err = harness.handle(&[TestEvent::new("test.quota")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Internal);
    assert!(err.message().contains("state `big`"), "{err}");
    assert_eq!(
        harness.state().get_json::<u32>("batches").unwrap(),
        Some(1),
        "the batch's other writes are dropped too"
    );
    assert_eq!(harness.state().get("big"), None);
}

#[test]
fn logs_and_clock_are_the_hosts() {
    struct Clock;
    impl Plugin for Clock {
        type Config = serde_json::Value;
        fn init(_: serde_json::Value) -> Result<Self, Error> {
            Ok(Clock)
        }
        fn handle(&mut self, _: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
            let now = ctx.now().to_string();
            ctx.log()
                .warn("tick", &[("now", &now), ("zone", "Asia/Ho_Chi_Minh")]);
            ctx.emit(Output::new("test.tick").json(&now))
        }
    }
    let fixed = Timestamp::parse_rfc3339("2026-11-27T08:00:00+07:00").unwrap();
    let mut harness = Harness::<Clock>::new(json!(null)).unwrap().now(fixed);
    let out = harness.handle(&[TestEvent::new("t")]).unwrap();
    assert_eq!(out[0].json::<String>().unwrap(), "2026-11-27T01:00:00Z");
    let log = &harness.logs()[0];
    assert_eq!((log.level, log.message.as_str()), (Level::Warn, "tick"));
    assert_eq!(
        log.fields,
        [
            ("now".into(), "2026-11-27T01:00:00Z".into()),
            ("zone".into(), "Asia/Ho_Chi_Minh".into())
        ]
    );
}

#[test]
fn the_native_runner_takes_and_returns_frames() {
    let input = cityhub_sdk::testing::encode(&[TestEvent::new("t").id("x")]).unwrap();
    let mut runner = NativeRunner::<Mirror>::new("{}").unwrap();
    let first = runner.handle_frame(&input).unwrap();
    let second = runner.handle_frame(&input).unwrap();
    assert_ne!(first, second, "the second batch runs on the same instance");
    let outputs = cityhub_sdk::testing::decode(&second).unwrap();
    assert_eq!(outputs[0].extension("memory"), Some("2"));
    assert_eq!(runner.host().get_json::<u32>("batches").unwrap(), Some(2));
}
