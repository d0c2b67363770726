//! Configuration reload: an edited city.toml applies the routes that changed
//! and leaves the others running; an invalid edit keeps the running
//! configuration and says why.

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec, reading, write_city};

fn ok(id: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/tests/reload", "type": "test.hostile.ok"})
}

fn reloaded(v: &Value) -> bool {
    v["message"] == "configuration reloaded"
}

#[tokio::test]
async fn edits_apply_route_by_route_and_bad_edits_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // Start with traffic routed and hostile loaded but with no route.
    let config = write_city(tmp.path(), &[PluginSpec::traffic(), PluginSpec::hostile()]);
    let full = std::fs::read_to_string(&config).unwrap();
    let (without_hostile_route, hostile_route) = full
        .split_once("[routes.hostile]")
        .map(|(a, b)| (a.to_owned(), format!("[routes.hostile]{b}")))
        .unwrap();
    std::fs::write(&config, &without_hostile_route).unwrap();
    let host = Host::start_with(&config);
    host.wait_for_log("a warning about the unrouted plugin", |v| {
        v["plugin"] == "hostile" && v["message"].as_str().unwrap_or("").contains("no route")
    })
    .await;
    let readings: Vec<Value> = (1..=3)
        .map(|n| reading(&format!("a-{n}"), "QL1A-km2", 8.0, n))
        .collect();
    assert_eq!(host.post_batch(&readings).await.status(), 202);
    host.wait_for_events("city.traffic.congestion", 1).await;

    // A broken edit: the old configuration keeps running, and the log says why.
    std::fs::write(
        &config,
        format!("{without_hostile_route}\n[routes.broken]\nfrom = \"city.traffic.reading\"\nto = \"nobody\"\n"),
    )
    .unwrap();
    let refused = host
        .wait_for_log("the broken edit to be refused", |v| {
            v["message"].as_str().unwrap_or("").starts_with(
                "city.toml or an installed plugin changed, but the configuration has errors",
            )
        })
        .await;
    assert!(
        refused["message"].as_str().unwrap().contains("`nobody`"),
        "names the unknown plugin: {refused}"
    );
    let route = host.get_json("/v1/routes/traffic").await;
    assert_eq!(route["name"], "traffic", "the old route still runs");

    // A good edit adds the hostile route; the traffic route is left running.
    let before = host.get_json("/v1/routes/traffic").await["stats"]["events_in"].clone();
    std::fs::write(&config, format!("{without_hostile_route}\n{hostile_route}")).unwrap();
    let applied = host.wait_for_log("the reload", reloaded).await;
    assert_eq!(applied["started"], "[\"hostile\"]", "{applied}");
    assert_eq!(applied["unchanged"], 1, "{applied}");
    assert_eq!(host.post_batch(&[ok("after-reload")]).await.status(), 202);
    host.wait_until("type=test.hostile.ok", "the new route's echo", |e| {
        e.iter().any(|e| e["event"]["subject"] == "after-reload")
    })
    .await;
    // Unchanged means not restarted: its counters carry on.
    let after = host.get_json("/v1/routes/traffic").await["stats"]["events_in"].clone();
    assert_eq!(before, after);
    assert_eq!(before, 3);
}
