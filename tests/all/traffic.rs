//! The traffic plugin end to end over HTTP: readings in, congestion out, with
//! per-segment state carried across batches (batch size 1 forces every
//! reading into its own plugin call).

use serde_json::Value;

use crate::support::{Host, PluginSpec, reading};

#[tokio::test]
async fn congestion_is_detected_across_batches_and_served() {
    let (host, _dir) = Host::start(&[PluginSpec::traffic().batch_size(1)]);

    // Two slow readings: below the default min_samples (3), so no congestion yet.
    let r = host
        .post_batch(&[
            reading("r1", "QL1A-km2", 12.0, 1),
            reading("r2", "QL1A-km2", 11.0, 2),
        ])
        .await;
    assert_eq!(r.status(), 202);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["accepted"], serde_json::json!(["r1", "r2"]));
    // A fast segment elsewhere, which must never be reported.
    assert_eq!(
        host.post_batch(&[reading("f1", "QL4A-km10", 55.0, 1)])
            .await
            .status(),
        202
    );

    // The third reading, in a later request and a later batch, tips the
    // moving average over min_samples: only state kept between calls can know.
    assert_eq!(
        host.post_batch(&[reading("r3", "QL1A-km2", 10.0, 3)])
            .await
            .status(),
        202
    );
    let out = host.wait_for_events("city.traffic.congestion", 1).await;
    assert_eq!(out.len(), 1, "{out:#?}");
    let e = &out[0];
    assert_eq!(e["origin"], "traffic");
    assert_eq!(e["event"]["subject"], "QL1A-km2");
    assert_eq!(e["event"]["source"], "/plugins/traffic");
    let data = &e["event"]["data"];
    assert_eq!(data["refRoadSegment"], "QL1A-km2");
    assert_eq!(data["congested"], true);
    assert_eq!(data["samples"], 3);
    assert!(
        matches!(data["level"].as_str(), Some("heavy" | "severe")),
        "{data}"
    );

    // Recovery: fast readings clear it, again through state.
    for n in 4..10 {
        host.post_batch(&[reading(&format!("r{n}"), "QL1A-km2", 60.0, n)])
            .await;
    }
    let out = host.wait_for_events("city.traffic.congestion", 2).await;
    assert_eq!(out[1]["event"]["data"]["level"], "cleared");
    assert_eq!(out[1]["event"]["data"]["congested"], false);

    // Readings are served too, in log order, filtered by type.
    let readings = host.events("type=city.traffic.reading").await;
    let ids: Vec<&str> = readings
        .iter()
        .map(|e| e["event"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(&ids[..4], ["r1", "r2", "f1", "r3"]);
}
