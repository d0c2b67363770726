//! Backpressure: when a route falls more than its `max-lag` behind, ingest
//! answers `429` with `Retry-After` and stores nothing, instead of letting
//! the backlog grow; the route's lag raises `cityhub.route.lagging`; the
//! queue of events waiting for the log never exceeds `max-pending`. All
//! checked by queue sizes from `/metrics` and the API, not by timings.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec};

fn slow(id: &str) -> Value {
    // `loop` spins until the 500 ms deadline: a plugin far slower than ingest.
    json!({"specversion": "1.0", "id": id, "source": "/tests/bp", "type": "test.hostile.loop"})
}

async fn metrics(host: &Host) -> HashMap<String, f64> {
    let text = host
        .http
        .get(host.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            Some((k.to_owned(), v.parse().ok()?))
        })
        .collect()
}

#[tokio::test]
async fn a_route_behind_its_max_lag_makes_ingest_answer_429() {
    let spec = PluginSpec::hostile()
        .route("max-lag = 20")
        .route("lag-alert = 10")
        .plugin("circuit = { failures = 1000 }");
    let (host, _dir) = Host::start(&[spec]);

    // 30 slow events: far more than the route can take at once.
    let first: Vec<Value> = (0..30).map(|n| slow(&format!("s-{n}"))).collect();
    assert_eq!(host.post_batch(&first).await.status(), 202);

    // The route is now more than 20 behind: ingest refuses, saying why.
    let r = host.post_batch(&[slow("refused-1")]).await;
    assert_eq!(r.status(), 429);
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "route_behind");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("route `hostile` is"),
        "{body}"
    );
    // Nothing of the refused request was stored.
    let stored = host.events("type=test.hostile.loop&limit=1000").await;
    assert_eq!(stored.len(), 30);
    assert!(stored.iter().all(|e| e["event"]["id"] != "refused-1"));

    // Many more attempts: all refused, and the queue stays within its bound.
    for n in 0..20 {
        let r = host.post_batch(&[slow(&format!("more-{n}"))]).await;
        assert_eq!(r.status(), 429);
    }
    let m = metrics(&host).await;
    let lag = m["cityhub_route_lag_events{route=\"hostile\",plugin=\"hostile\"}"];
    assert!(lag <= 30.0, "lag {lag} grew past what was accepted");
    assert_eq!(
        m["cityhub_route_max_lag_events{route=\"hostile\",plugin=\"hostile\"}"],
        20.0
    );

    // The lag was announced to the city.
    let lagging = host.wait_for_events("cityhub.route.lagging", 1).await;
    let data = &lagging[0]["event"]["data"];
    assert_eq!(data["route"], "hostile");
    assert_eq!(data["threshold"], 10);
    assert!(data["lag"].as_u64().unwrap() > 10);
}

#[tokio::test]
async fn the_ingest_queue_never_exceeds_max_pending() {
    let (host, dir) = Host::start(&[PluginSpec::traffic()]);
    drop(host);
    // Restart with a tiny ingest queue.
    let config = dir.path().join("city.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("[ingest]\nmax-pending = 50\n\n{text}")).unwrap();
    let host = Host::start_with(&config);

    // 40 senders at once, 25 events each: at most two fit at a time.
    let mut tasks = Vec::new();
    for s in 0..40 {
        let http = host.http.clone();
        let url = host.url("/v1/events");
        tasks.push(tokio::spawn(async move {
            let events: Vec<Value> = (0..25)
                .map(|i| crate::support::reading(&format!("q-{s}-{i}"), "QL1A-km2", 30.0, i))
                .collect();
            let r = http
                .post(url)
                .header("content-type", "application/cloudevents-batch+json")
                .body(serde_json::to_vec(&events).unwrap())
                .send()
                .await
                .unwrap();
            let retry = r.headers().get("retry-after").is_some();
            (r.status().as_u16(), retry)
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    for (status, retry) in &statuses {
        assert!(
            *status == 202 || (*status == 503 && *retry),
            "every answer is 202, or 503 with Retry-After: {statuses:?}"
        );
    }
    let accepted = statuses.iter().filter(|(s, _)| *s == 202).count();
    let m = metrics(&host).await;
    assert_eq!(m["cityhub_ingest_pending_max"], 50.0);
    assert!(
        m["cityhub_ingest_pending_high_water"] <= 50.0,
        "the queue went past its bound: {m:?}"
    );
    assert_eq!(m["cityhub_ingest_pending_events"], 0.0);
    let stored = host.events("type=city.traffic.reading&limit=1000").await;
    assert_eq!(
        stored.len(),
        accepted * 25,
        "exactly the accepted requests were stored"
    );
}
