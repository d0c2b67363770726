//! Route options end to end: a filter on `data` keeps only matching events;
//! concurrent lanes ordered by a partition key deliver every event exactly
//! once; replaying a route from a position delivers its events again.

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec};

fn ok(id: &str, data: Value, key: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/tests/routes", "type": "test.hostile.ok",
           "partitionkey": key, "datacontenttype": "application/json", "data": data})
}

fn subjects(events: &[Value]) -> Vec<String> {
    let mut s: Vec<String> = events
        .iter()
        .map(|e| e["event"]["subject"].as_str().unwrap().to_owned())
        .collect();
    s.sort();
    s
}

#[tokio::test]
async fn a_filter_keeps_only_matching_events() {
    let spec = PluginSpec::hostile()
        .route("filter = { \"data.district\" = \"Cao Lộc\", \"data.vehicles\" = { gte = 10 } }");
    let (host, _dir) = Host::start(&[spec]);
    let events = vec![
        ok("f-1", json!({"district": "Cao Lộc", "vehicles": 12}), "a"),
        ok("f-2", json!({"district": "Cao Lộc", "vehicles": 3}), "a"),
        ok("f-3", json!({"district": "Đồng Đăng", "vehicles": 40}), "a"),
        ok("f-4", json!({"district": "Cao Lộc", "vehicles": 10}), "a"),
        ok("f-5", json!("not an object"), "a"),
    ];
    assert_eq!(host.post_batch(&events).await.status(), 202);
    host.wait_json("/v1/routes/hostile", "the route to pass the log", |r| {
        r["lag"] == 0 && r["position"].as_i64() >= Some(5)
    })
    .await;
    let out = host.events("type=test.hostile.ok&limit=1000").await;
    let echoed: Vec<Value> = out
        .into_iter()
        .filter(|e| e["origin"] == "hostile")
        .collect();
    assert_eq!(subjects(&echoed), vec!["f-1", "f-4"]);
}

#[tokio::test]
async fn concurrent_lanes_deliver_every_event_once_in_key_order() {
    let spec = PluginSpec::hostile()
        .batch_size(7)
        .route("concurrency = 4")
        .route("partition-key = \"partitionkey\"");
    let (host, _dir) = Host::start(&[spec]);
    let mut sent = Vec::new();
    for chunk in 0..10 {
        let batch: Vec<Value> = (0..50)
            .map(|i| {
                let n = chunk * 50 + i;
                sent.push(format!("p-{n:04}"));
                ok(
                    &format!("p-{n:04}"),
                    json!({"n": n}),
                    &format!("k{}", n % 13),
                )
            })
            .collect();
        assert_eq!(host.post_batch(&batch).await.status(), 202);
    }
    let out = host
        .wait_until("type=test.hostile.ok&limit=1000", "500 echoes", |e| {
            e.iter().filter(|e| e["origin"] == "hostile").count() >= 500
        })
        .await;
    let echoed: Vec<Value> = out
        .into_iter()
        .filter(|e| e["origin"] == "hostile")
        .collect();
    sent.sort();
    assert_eq!(subjects(&echoed), sent, "every event exactly once");
    // Within a key, the echoes are in the order the events were sent.
    for k in 0..13 {
        let key = format!("k{k}");
        let ns: Vec<i64> = echoed
            .iter()
            .filter(|e| e["event"]["data"]["n"].as_i64().unwrap() % 13 == k)
            .map(|e| e["event"]["data"]["n"].as_i64().unwrap())
            .collect();
        assert!(
            ns.windows(2).all(|w| w[0] < w[1]),
            "key {key} out of order: {ns:?}"
        );
    }
}

#[tokio::test]
async fn replaying_a_route_from_a_position_delivers_again() {
    let (host, _dir) = Host::start(&[PluginSpec::hostile()]);
    let events: Vec<Value> = (1..=5)
        .map(|n| ok(&format!("r-{n}"), json!({}), "a"))
        .collect();
    assert_eq!(host.post_batch(&events).await.status(), 202);
    host.wait_until("type=test.hostile.ok&limit=1000", "5 echoes", |e| {
        e.iter().filter(|e| e["origin"] == "hostile").count() == 5
    })
    .await;
    // Replay from after the second event: events 3..5 are delivered again.
    let (status, body) = host
        .post_json("/v1/routes/hostile/replay", json!({"after": 2}))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["from"], 2);
    let to = body["to"].as_i64().unwrap();
    assert!(to >= 10, "the log holds 5 events and 5 echoes: {body}");
    host.wait_json("/v1/routes/hostile", "the replay to finish", |r| {
        r["position"].as_i64() >= Some(to)
    })
    .await;
    let out = host
        .wait_until("type=test.hostile.ok&limit=1000", "8 echoes", |e| {
            e.iter().filter(|e| e["origin"] == "hostile").count() == 8
        })
        .await;
    let echoed: Vec<Value> = out
        .into_iter()
        .filter(|e| e["origin"] == "hostile")
        .collect();
    let again: Vec<String> = subjects(&echoed[5..]);
    assert_eq!(again, vec!["r-3", "r-4", "r-5"]);
    // A bad replay request says how to write it.
    let (status, body) = host
        .post_json("/v1/routes/hostile/replay", json!({"since": "yesterday"}))
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("RFC 3339")
    );
    let (status, _) = host
        .post_json("/v1/routes/nope/replay", json!({"after": 0}))
        .await;
    assert_eq!(status, 404);
    // Replay only goes back: moving a route forward would skip events.
    let (status, body) = host
        .post_json("/v1/routes/hostile/replay", json!({"after": 1_000_000}))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "replay_forward");
    let (status, body) = host
        .post_json(
            "/v1/routes/hostile/replay",
            json!({"since": "2999-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (202, json!(null)),
        "a future time replays nothing: {body}"
    );
}
