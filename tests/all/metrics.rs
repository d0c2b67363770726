//! `GET /metrics`: per-route and per-plugin counters, failures by kind,
//! dead letters, latency histograms and lag, in the Prometheus text format.

use std::collections::HashMap;

use serde_json::json;

use crate::support::{Host, PluginSpec, reading};

/// `name{labels}` → value, for every sample line.
pub async fn scrape(host: &Host) -> HashMap<String, f64> {
    let r = host.http.get(host.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    let text = r.text().await.unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (k, v) = l.rsplit_once(' ').unwrap();
            (k.to_owned(), v.parse().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn counters_failures_latency_and_lag_are_exported() {
    let (host, _dir) = Host::start(&[PluginSpec::traffic(), PluginSpec::hostile()]);
    let batch = [
        reading("m1", "QL1A-km2", 9.0, 1),
        reading("m2", "QL1A-km2", 9.0, 2),
        reading("m3", "QL1A-km2", 9.0, 3),
    ];
    assert_eq!(host.post_batch(&batch).await.status(), 202);
    let panic =
        json!({"specversion": "1.0", "id": "mp", "source": "/tests", "type": "test.hostile.panic"});
    assert_eq!(host.post_batch(&[panic]).await.status(), 202);
    host.wait_for_events("city.traffic.congestion", 1).await;

    // Wait until both consumers have passed the whole log.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let m = loop {
        let m = scrape(&host).await;
        let lag = |p: &str| {
            m.get(&format!(
                "cityhub_route_lag_events{{route=\"{p}\",plugin=\"{p}\"}}"
            ))
            .copied()
        };
        if lag("traffic") == Some(0.0) && lag("hostile") == Some(0.0) {
            break m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "consumers never caught up: {m:#?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let get = |k: &str| *m.get(k).unwrap_or_else(|| panic!("no `{k}` in {m:#?}"));
    assert_eq!(
        get("cityhub_log_last_seq"),
        5.0,
        "4 ingested + 1 congestion output"
    );
    assert_eq!(
        get("cityhub_plugin_events_in_total{plugin=\"traffic\"}"),
        3.0
    );
    assert_eq!(
        get("cityhub_plugin_events_out_total{plugin=\"traffic\"}"),
        1.0
    );
    assert_eq!(
        get("cityhub_plugin_batches_failed_total{plugin=\"hostile\"}"),
        1.0
    );
    assert_eq!(
        get("cityhub_plugin_failures_total{plugin=\"hostile\",kind=\"trap\"}"),
        1.0
    );
    assert!(get("cityhub_plugin_call_seconds_count{plugin=\"traffic\"}") >= 1.0);
    assert_eq!(
        get("cityhub_plugin_call_seconds_bucket{plugin=\"traffic\",le=\"+Inf\"}"),
        get("cityhub_plugin_call_seconds_count{plugin=\"traffic\"}")
    );
    // Per route: what went in and out, the dead letter, the latency.
    let route = |name: &str, r: &str| format!("{name}{{route=\"{r}\",plugin=\"{r}\"}}");
    assert_eq!(get(&route("cityhub_route_events_in_total", "traffic")), 3.0);
    assert_eq!(
        get(&route("cityhub_route_events_out_total", "traffic")),
        1.0
    );
    assert_eq!(
        get(&route("cityhub_route_dead_letters_total", "hostile")),
        1.0
    );
    assert_eq!(get(&route("cityhub_route_position", "traffic")), 5.0);
    assert_eq!(
        get("cityhub_dead_letters{route=\"hostile\",status=\"dead\"}"),
        1.0
    );
    assert_eq!(
        get(&route("cityhub_route_delivery_seconds_count", "traffic")),
        3.0,
        "one arrival-to-commit latency per delivered event"
    );
    assert_eq!(get("cityhub_plugin_suspended{plugin=\"hostile\"}"), 0.0);
    assert_eq!(get("cityhub_ingest_pending_events"), 0.0);
}
