//! Hostile plugins: each misbehaviour fails its own batch, is logged with the
//! plugin's name, the failure kind and the event id, and the host keeps
//! serving a well-behaved plugin — and the hostile plugin's next batch, on a
//! fresh instance.

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec, reading};

fn hostile(id: &str, behaviour: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/tests/hostile", "type": format!("test.hostile.{behaviour}"), "data": {}})
}

#[tokio::test]
async fn every_misbehaviour_fails_only_its_batch_and_says_why() {
    let (host, _dir) = Host::start(&[PluginSpec::traffic().batch_size(1), PluginSpec::hostile()]);
    let cases = [
        ("loop", "deadline"),
        ("memory", "memory_limit"),
        ("panic", "trap"),
        ("trap", "trap"),
        ("stack", "stack_overflow"),
        ("big-output", "output_too_large"),
        ("many-outputs", "too_many_outputs"),
        ("undeclared", "undeclared_type"),
    ];
    for (i, (behaviour, kind)) in cases.iter().enumerate() {
        let id = format!("h-{behaviour}");
        assert_eq!(
            host.post_batch(&[hostile(&id, behaviour)]).await.status(),
            202
        );
        // The neighbour keeps working while the hostile plugin misbehaves.
        let n = i as u32 * 3;
        let seg = format!("S{i}");
        let batch = [
            reading(&format!("{seg}-a"), &seg, 5.0, n + 1),
            reading(&format!("{seg}-b"), &seg, 5.0, n + 2),
            reading(&format!("{seg}-c"), &seg, 5.0, n + 3),
        ];
        assert_eq!(host.post_batch(&batch).await.status(), 202);
        let line = host
            .wait_for_log(&format!("a `{kind}` failure for `{id}`"), |v| {
                v["failure"] == *kind
                    && v["plugin"] == "hostile"
                    && v["event.ids"].as_str().is_some_and(|ids| ids.contains(&id))
            })
            .await;
        let msg = line["message"].as_str().unwrap();
        assert!(msg.starts_with("batch failed, instance discarded"), "{msg}");
        // A fresh instance serves the hostile plugin's next batch.
        let ok = format!("ok-after-{behaviour}");
        host.post_batch(&[hostile(&ok, "ok")]).await;
        host.wait_until(
            "type=test.hostile.ok&limit=1000",
            &format!("the echo of `{ok}`"),
            |events| {
                events
                    .iter()
                    .any(|e| e["origin"] == "hostile" && e["event"]["subject"] == ok.as_str())
            },
        )
        .await;
    }
    // Every traffic segment got its congestion event: the neighbour never stalled.
    let out = host
        .wait_for_events("city.traffic.congestion", cases.len())
        .await;
    assert_eq!(out.len(), cases.len());
    // Reasons name the limit that was hit.
    let logs = host.logs();
    let reason = |kind: &str| {
        logs.iter()
            .find(|v| v["failure"] == kind)
            .and_then(|v| v["message"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        reason("deadline").contains("time-per-batch"),
        "{}",
        reason("deadline")
    );
    assert!(
        reason("memory_limit").contains("`memory` limit"),
        "{}",
        reason("memory_limit")
    );
    assert!(
        reason("output_too_large").contains("output-bytes"),
        "{}",
        reason("output_too_large")
    );
    assert!(
        reason("too_many_outputs").contains("outputs-per-batch"),
        "{}",
        reason("too_many_outputs")
    );
    assert!(
        reason("undeclared_type").contains("city.forbidden.thing"),
        "{}",
        reason("undeclared_type")
    );
    assert!(
        logs.iter().any(|v| v["failure"] == "trap"
            && v["message"]
                .as_str()
                .is_some_and(|m| m.contains("panicked"))),
        "a panic's message reaches the log"
    );
}
