//! No event is answered `202` before it is stored: right after each `202`,
//! a separate connection to the SQLite file finds every accepted id; and
//! after the host is killed (SIGKILL) and restarted, they are all still there
//! and get processed.

use cityhub_store::{EventQuery, Store};

use crate::support::{Host, PluginSpec, reading};

#[tokio::test]
async fn accepted_means_stored_even_across_a_kill() {
    let (mut host, dir) = Host::start(&[PluginSpec::traffic().batch_size(1)]);
    let url = format!("sqlite://{}", dir.path().join("city.db").display());
    let reader = Store::open(&url).await.unwrap();
    let mut accepted = Vec::new();
    for n in 1..=20u32 {
        let id = format!("d-{n}");
        let r = host.post_batch(&[reading(&id, "QL1B-km5", 8.0, n)]).await;
        assert_eq!(r.status(), 202);
        // The 202 has arrived: the event must already be in the file.
        let all = reader
            .query(&EventQuery {
                ty: None,
                since: None,
                after: None,
                limit: 1000,
            })
            .await
            .unwrap();
        assert!(
            all.iter().any(|e| e.event.id == id),
            "`{id}` was answered 202 but is not in the store"
        );
        accepted.push(id);
    }
    host.kill();
    let host = Host::start_with(&dir.path().join("city.toml"));
    let stored = host.events("type=city.traffic.reading&limit=1000").await;
    let ids: Vec<&str> = stored
        .iter()
        .map(|e| e["event"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, accepted.iter().map(String::as_str).collect::<Vec<_>>());
    // The restarted host delivers whatever the killed one had not: the
    // segment's congestion is found once, from the committed position on.
    let out = host.wait_for_events("city.traffic.congestion", 1).await;
    assert_eq!(out[0]["event"]["subject"], "QL1B-km5");
}
