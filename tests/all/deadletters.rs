//! Failures end to end: a plugin that keeps failing lands its events in dead
//! letters with the reason, version and attempts, is suspended by its circuit
//! breaker (announced as `cityhub.plugin.suspended`) while the other routes
//! keep delivering; events that arrive meanwhile wait in the log; once the
//! plugin works again it is resumed on command and its dead letters are
//! replayed successfully.

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec, reading};

fn flaky(id: &str, until: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/tests/dl", "type": "test.hostile.flaky", "data": {"until": until}})
}

/// RFC 3339 time `ms` milliseconds from now.
fn time_in(ms: u64) -> String {
    let now = cityhub_cloudevents::Timestamp::now().datetime();
    cityhub_cloudevents::Timestamp::from_datetime(now + std::time::Duration::from_millis(ms))
        .to_string()
}

fn echoed(events: &[Value], id: &str) -> bool {
    events
        .iter()
        .any(|e| e["origin"] == "hostile" && e["event"]["subject"] == id)
}

#[tokio::test]
async fn failing_plugin_is_dead_lettered_suspended_and_replayed_once_fixed() {
    let hostile = PluginSpec::hostile()
        .retry("{ attempts = 2, backoff = \"10ms\" }")
        .plugin("circuit = { failures = 3, cool-down = \"1h\" }");
    let (host, _dir) = Host::start(&[PluginSpec::traffic().batch_size(1), hostile]);

    // Broken for the next 4 s: every attempt fails with a transient error.
    let fixed_at = tokio::time::Instant::now() + std::time::Duration::from_millis(4_100);
    let until = time_in(4_000);
    let ids = ["dl-1", "dl-2", "dl-3"];
    let batch: Vec<Value> = ids.iter().map(|id| flaky(id, &until)).collect();
    assert_eq!(host.post_batch(&batch).await.status(), 202);

    let letters = host
        .wait_json("/v1/deadletters?route=hostile", "3 dead letters", |v| {
            v["deadletters"].as_array().is_some_and(|a| a.len() == 3)
        })
        .await;
    for (d, id) in letters["deadletters"].as_array().unwrap().iter().zip(ids) {
        assert_eq!(d["event"]["id"], id);
        assert_eq!(d["route"], "hostile");
        assert_eq!(d["plugin"], "hostile");
        assert_eq!(d["plugin_version"], "0.1.0");
        assert_eq!(d["failure"], "plugin_transient");
        assert_eq!(d["attempts"], 2, "both attempts counted");
        assert_eq!(d["status"], "dead");
        assert!(
            d["reason"].as_str().unwrap().contains("not ready until"),
            "the reason says why: {d}"
        );
    }

    // Three failures in a row suspend the plugin, and the city is told.
    let suspended = host.wait_for_events("cityhub.plugin.suspended", 1).await;
    let e = &suspended[0]["event"];
    assert_eq!(e["source"], "/cityhub");
    assert_eq!(e["subject"], "hostile");
    assert_eq!(e["data"]["failures"], 3);
    let plugins = host.get_json("/v1/plugins").await;
    let h = plugins["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "hostile")
        .unwrap()
        .clone();
    assert_eq!(h["status"], "suspended", "{h}");

    // While it is suspended, its new events wait in the log (no new dead
    // letters), and the traffic route keeps delivering.
    assert_eq!(
        host.post_batch(&[flaky("dl-4", &until)]).await.status(),
        202
    );
    let readings: Vec<Value> = (1..=3)
        .map(|n| reading(&format!("r-{n}"), "QL1A-km2", 8.0, n))
        .collect();
    assert_eq!(host.post_batch(&readings).await.status(), 202);
    host.wait_for_events("city.traffic.congestion", 1).await;
    let route = host.get_json("/v1/routes/hostile").await;
    assert_eq!(route["suspended"], true);
    assert!(route["lag"].as_u64().unwrap() >= 1, "dl-4 waits: {route}");
    let letters = host.get_json("/v1/deadletters?route=hostile").await;
    assert_eq!(letters["deadletters"].as_array().unwrap().len(), 3);

    // The plugin works again after `until`: resume it and replay its letters.
    tokio::time::sleep_until(fixed_at).await;
    let (status, body) = host
        .post_json("/v1/plugins/hostile/resume", json!({}))
        .await;
    assert_eq!((status, body["resumed"].clone()), (200, json!(true)));
    let resumed = host.wait_for_events("cityhub.plugin.resumed", 1).await;
    assert_eq!(resumed[0]["event"]["data"]["by"], "command");
    // The event that waited is delivered without any replay.
    host.wait_until("type=test.hostile.ok", "dl-4's echo", |ev| {
        echoed(ev, "dl-4")
    })
    .await;

    let (status, body) = host
        .post_json("/v1/deadletters/replay", json!({"route": "hostile"}))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["replaying"].as_array().unwrap().len(), 3);
    let done = host
        .wait_json(
            "/v1/deadletters?route=hostile",
            "every letter replayed",
            |v| {
                v["deadletters"]
                    .as_array()
                    .is_some_and(|a| a.iter().all(|d| d["status"] == "replayed"))
            },
        )
        .await;
    assert_eq!(done["deadletters"].as_array().unwrap().len(), 3);
    let out = host.events("type=test.hostile.ok&limit=1000").await;
    for id in ids {
        assert_eq!(
            out.iter().filter(|e| e["event"]["subject"] == id).count(),
            1,
            "{id} echoed exactly once"
        );
    }
    // Replaying a replayed letter is refused, saying why.
    let first = done["deadletters"][0]["id"].as_i64().unwrap();
    let (status, body) = host
        .post_json(&format!("/v1/deadletters/{first}/replay"), json!({}))
        .await;
    assert_eq!(status, 409);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already `replayed`"),
        "{body}"
    );
}

#[tokio::test]
async fn a_failing_event_in_a_batch_is_isolated_and_the_rest_delivered() {
    let hostile = PluginSpec::hostile()
        .batch_size(10)
        .retry("{ attempts = 2, backoff = \"10ms\" }");
    let (host, _dir) = Host::start(&[hostile]);
    let ev = |id: &str, b: &str| json!({"specversion": "1.0", "id": id, "source": "/tests/iso", "type": format!("test.hostile.{b}"), "subject": id});
    let batch = vec![
        ev("ok-1", "ok"),
        ev("bad-1", "panic"),
        ev("ok-2", "ok"),
        ev("ok-3", "ok"),
    ];
    assert_eq!(host.post_batch(&batch).await.status(), 202);
    let letters = host
        .wait_json("/v1/deadletters", "one dead letter", |v| {
            v["deadletters"].as_array().is_some_and(|a| !a.is_empty())
        })
        .await;
    let letters = letters["deadletters"].as_array().unwrap();
    assert_eq!(letters.len(), 1, "only the panicking event: {letters:#?}");
    assert_eq!(letters[0]["event"]["id"], "bad-1");
    assert_eq!(letters[0]["failure"], "trap");
    assert_eq!(letters[0]["attempts"], 3, "2 as a batch, 1 alone");
    host.wait_until("type=test.hostile.ok", "the three good echoes", |e| {
        ["ok-1", "ok-2", "ok-3"].iter().all(|id| echoed(e, id))
    })
    .await;
}

#[tokio::test]
async fn a_suspended_plugin_is_tried_again_after_its_cool_down() {
    let hostile = PluginSpec::hostile().plugin("circuit = { failures = 1, cool-down = \"1s\" }");
    let (host, _dir) = Host::start(&[hostile]);
    let panic = json!({"specversion": "1.0", "id": "cd-1", "source": "/tests/cd", "type": "test.hostile.panic"});
    assert_eq!(host.post_batch(&[panic]).await.status(), 202);
    host.wait_for_events("cityhub.plugin.suspended", 1).await;
    let ok = json!({"specversion": "1.0", "id": "cd-2", "source": "/tests/cd", "type": "test.hostile.ok"});
    assert_eq!(host.post_batch(&[ok]).await.status(), 202);
    // After the cool-down the plugin is resumed by itself, and the event
    // that waited is delivered.
    let resumed = host.wait_for_events("cityhub.plugin.resumed", 1).await;
    assert_eq!(resumed[0]["event"]["data"]["by"], "cool-down");
    host.wait_until("type=test.hostile.ok", "cd-2's echo", |e| echoed(e, "cd-2"))
        .await;
    let plugins = host.get_json("/v1/plugins").await;
    assert_eq!(plugins["plugins"][0]["status"], "running");
}
