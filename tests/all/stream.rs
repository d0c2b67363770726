//! `GET /v1/stream` on the real binary: a plugin's output reaches a
//! subscriber live, and an open stream does not keep the host from stopping.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec, reading};

/// Reads the stream's body until an event of type `ty` arrives; returns its
/// `id:` (the log position) and its CloudEvent.
async fn next_of(body: &mut reqwest::Response, ty: &str, seen: &mut String) -> (i64, Value) {
    loop {
        if let Some(end) = seen.find("\n\n") {
            let frame: String = seen.drain(..end + 2).collect();
            let field = |name: &str| {
                frame
                    .lines()
                    .find_map(|l| l.strip_prefix(name).map(str::trim).map(str::to_owned))
            };
            if let (Some(id), Some(data)) = (field("id:"), field("data:")) {
                let event: Value = serde_json::from_str(&data).unwrap();
                if event["type"] == ty {
                    return (id.parse().unwrap(), event);
                }
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(30), body.chunk())
            .await
            .unwrap_or_else(|_| panic!("no `{ty}` on the stream within 30 s; read: {seen}"))
            .unwrap()
            .unwrap_or_else(|| panic!("the stream ended before a `{ty}`; read: {seen}"));
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugins_output_reaches_a_subscriber_live_and_shutdown_closes_the_stream() {
    let (mut host, _tmp) = Host::start(&[PluginSpec::traffic().batch_size(1)]);
    let mut stream = host
        .http
        .get(host.url("/v1/stream?type=city.traffic.congestion"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(
        stream.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    // Slow readings on one segment: the plugin reports congestion.
    let readings: Vec<Value> = (0..4)
        .map(|n| reading(&format!("r{n}"), "QL1A-km2", 12.0, n))
        .collect();
    assert_eq!(host.post_batch(&readings).await.status(), 202);
    let mut seen = String::new();
    let (seq, event) = next_of(&mut stream, "city.traffic.congestion", &mut seen).await;
    assert!(
        seq > 4,
        "the output comes after the inputs in the log: {seq}"
    );
    assert_eq!(event["subject"], "QL1A-km2");
    assert_eq!(event["data"]["congested"], json!(true));
    // Resuming after that position gives the next output only.
    let again = host
        .get_json(&format!(
            "/v1/events?type=city.traffic.congestion&after={}",
            seq - 1
        ))
        .await;
    assert_eq!(again["events"][0]["seq"], seq, "{again}");

    // SIGTERM with the stream still open: the host ends it and exits.
    assert!(
        host.terminate(Duration::from_secs(20)),
        "the host did not stop within 20 s of SIGTERM with a stream open; its log: {:#?}",
        host.logs()
    );
    let rest = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(rest.is_ok(), "the stream was not closed by the shutdown");
}
