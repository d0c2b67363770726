//! Retries: a batch that fails with a transient error is tried again with
//! backoff until it succeeds; one that keeps failing is given up after its
//! attempts, and the plugin's later events still flow.

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec};

fn event(id: &str, behaviour: &str, data: Value) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/tests/retry", "type": format!("test.hostile.{behaviour}"), "data": data})
}

#[tokio::test]
async fn a_flaky_batch_succeeds_on_retry_and_a_broken_one_is_given_up() {
    let spec = PluginSpec::hostile().retry("{ attempts = 8, backoff = \"50ms\" }");
    let (host, _dir) = Host::start(&[spec]);

    // Fails with a transient error for the next ~400 ms, then works.
    let until = time_in(400);
    assert_eq!(
        host.post_batch(&[event("flaky-1", "flaky", json!({"until": until}))])
            .await
            .status(),
        202
    );
    host.wait_until("type=test.hostile.ok", "the flaky event's echo", |events| {
        events
            .iter()
            .any(|e| e["origin"] == "hostile" && e["event"]["subject"] == "flaky-1")
    })
    .await;
    let retries: Vec<Value> = host
        .logs()
        .into_iter()
        .filter(|v| v["message"] == "retrying a failed batch")
        .collect();
    assert!(!retries.is_empty(), "the batch was retried");
    assert_eq!(retries[0]["failure"], "plugin_transient");
    assert_eq!(retries[0]["attempt"], 1);

    // A panic every time: all 8 attempts fail, then the event is given up
    // (a dead letter)...
    assert_eq!(
        host.post_batch(&[event("broken-1", "panic", json!({}))])
            .await
            .status(),
        202
    );
    let gave_up = host
        .wait_for_log("giving up", |v| {
            v["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("giving up on an event"))
        })
        .await;
    assert_eq!(gave_up["attempts"], 8);
    // ...and the next event is handled.
    assert_eq!(
        host.post_batch(&[event("after-1", "ok", json!({}))])
            .await
            .status(),
        202
    );
    host.wait_until(
        "type=test.hostile.ok",
        "the echo after the broken batch",
        |events| {
            events
                .iter()
                .any(|e| e["origin"] == "hostile" && e["event"]["subject"] == "after-1")
        },
    )
    .await;

    // An invalid-input error is not retried: another attempt cannot fix it.
    let before = host
        .logs()
        .iter()
        .filter(|v| v["message"] == "retrying a failed batch")
        .count();
    assert_eq!(
        host.post_batch(&[event("bad-1", "flaky", json!({"until": "tomorrow"}))])
            .await
            .status(),
        202
    );
    host.wait_for_log("bad-1 given up", |v| {
        v["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("giving up on an event"))
            && v["failure"] == "plugin_invalid_input"
    })
    .await;
    let after = host
        .logs()
        .iter()
        .filter(|v| v["message"] == "retrying a failed batch")
        .count();
    assert_eq!(before, after, "no retry for invalid input");
}

/// RFC 3339 time `ms` milliseconds from now.
fn time_in(ms: u64) -> String {
    let now = cityhub_cloudevents::Timestamp::now().datetime();
    cityhub_cloudevents::Timestamp::from_datetime(now + std::time::Duration::from_millis(ms))
        .to_string()
}
