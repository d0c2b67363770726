//! Retention on a running host: with `[store] retention = "2s"`, events older
//! than that which the plugin has processed disappear in the background,
//! while the newest event stays and the host keeps accepting more.

use std::time::{Duration, Instant};

use crate::support::{Host, PluginSpec, reading, write_city};

#[tokio::test]
async fn old_processed_events_are_removed_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_city(dir.path(), &[PluginSpec::traffic()]);
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[store]\n", "[store]\nretention = \"2s\"\n");
    std::fs::write(&config, text).unwrap();
    let host = Host::start_with(&config);

    let batch: Vec<_> = (1..=5)
        .map(|n| reading(&format!("old-{n}"), "QL1A-km2", 9.0, n))
        .collect();
    assert_eq!(host.post_batch(&batch).await.status(), 202);
    host.wait_for_events("city.traffic.congestion", 1).await;

    // Within a few sweeps (every second), everything but the newest event goes.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = host.events("limit=1000").await;
        if left.len() == 1 {
            assert_eq!(
                left[0]["event"]["type"], "city.traffic.congestion",
                "the newest event stays"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "old events were not removed: {} left",
            left.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    host.wait_for_log("the retention task's report", |v| {
        v["message"] == "retention removed old events"
    })
    .await;

    // New events are accepted and processed as before.
    assert_eq!(
        host.post_batch(&[reading("new-1", "QL4A-km8", 50.0, 1)])
            .await
            .status(),
        202
    );
    let stored = host.events("type=city.traffic.reading").await;
    assert_eq!(stored.last().unwrap()["event"]["id"], "new-1");
}
