//! The same host on PostgreSQL (`serve --database-url postgres://…`): the
//! traffic plugin end to end against the machine's real server, across a
//! kill and restart. Fails, never skips, when PostgreSQL is down.

use crate::support::{Database, Host, PluginSpec, reading, use_store, write_city};

#[tokio::test]
async fn the_traffic_plugin_runs_on_postgresql_across_a_restart() {
    let db = Database::create();
    let dir = tempfile::tempdir().unwrap();
    let config = write_city(dir.path(), &[PluginSpec::traffic().batch_size(1)]);
    use_store(&config, &db.url());
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("postgres://"), "{text}");

    let mut host = Host::start_with(&config);
    let store = host
        .logs()
        .into_iter()
        .find(|v| v["message"] == "store opened")
        .unwrap();
    assert_eq!(store["backend"], "postgres");
    for n in 1..=2 {
        assert_eq!(
            host.post_batch(&[reading(&format!("p{n}"), "QL4A-km8", 9.0, n)])
                .await
                .status(),
            202
        );
    }
    host.kill();

    // Restarted on the same database: the two readings are still there (and
    // were processed before the kill, or are now, from the committed
    // position), so the third reading makes three samples and congestion.
    let host = Host::start_with(&config);
    assert_eq!(
        host.post_batch(&[reading("p3", "QL4A-km8", 9.0, 3)])
            .await
            .status(),
        202
    );
    let out = host.wait_for_events("city.traffic.congestion", 1).await;
    assert_eq!(out[0]["event"]["subject"], "QL4A-km8");
    assert_eq!(out[0]["event"]["data"]["samples"], 3);
    let ids: Vec<String> = host
        .events("type=city.traffic.reading")
        .await
        .iter()
        .map(|e| e["event"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["p1", "p2", "p3"]);
}
