//! A chain with fan-out on the bus: sensor readings → `traffic` →
//! `city.traffic.congestion`, which fans out to two routes: `alerts` (→
//! `city.traffic.alert` for the operations centre) and a tap on `hostile` that
//! echoes each congestion event. Every step is a real plugin in the real
//! host; each congestion event reaches both routes exactly once.

use serde_json::Value;

use crate::support::{Host, PluginSpec, reading, write_city};

#[tokio::test]
async fn readings_flow_through_traffic_to_alerts_and_fan_out_to_a_tap() {
    let tap = PluginSpec::hostile().from("\"city.traffic.congestion\"");
    let dir = tempfile::tempdir().unwrap();
    let config = write_city(
        dir.path(),
        &[PluginSpec::traffic(), PluginSpec::alerts(), tap],
    );
    let host = Host::start_logging(
        &config,
        "info,cityhub_bus=debug,cityhub_api=warn,tower_http=warn",
    );

    // QL1A-km2 (a border approach) slows to a crawl, then clears.
    let mut batch: Vec<Value> = (1..=4)
        .map(|n| reading(&format!("c-{n}"), "QL1A-km2", 6.0, n))
        .collect();
    batch.extend((5..=12).map(|n| reading(&format!("c-{n}"), "QL1A-km2", 60.0, n)));
    assert_eq!(host.post_batch(&batch).await.status(), 202);

    let alerts = host
        .wait_until(
            "type=city.traffic.alert",
            "an open and a resolved alert",
            |e| e.len() >= 2,
        )
        .await;
    let open = &alerts[0]["event"];
    assert_eq!(alerts[0]["origin"], "alerts");
    assert_eq!(open["subject"], "QL1A-km2");
    assert_eq!(open["data"]["status"], "open");
    assert_eq!(open["data"]["priority"], "high", "a border approach");
    assert_eq!(open["data"]["level"], "severe");
    assert!(
        open["data"]["title"]["vi"]
            .as_str()
            .unwrap()
            .contains("QL1A-km2")
    );
    assert_eq!(alerts[1]["event"]["data"]["status"], "resolved");

    let congestion = host.wait_for_events("city.traffic.congestion", 2).await;
    let congestion_ids: Vec<&str> = congestion
        .iter()
        .map(|e| e["event"]["id"].as_str().unwrap())
        .collect();
    // The tap saw every congestion event exactly once.
    let echoes = host
        .wait_until(
            "type=test.hostile.ok",
            "an echo per congestion event",
            |e| e.len() >= congestion_ids.len(),
        )
        .await;
    let mut echoed: Vec<&str> = echoes
        .iter()
        .map(|e| e["event"]["subject"].as_str().unwrap())
        .collect();
    echoed.sort_unstable();
    let mut want = congestion_ids.clone();
    want.sort_unstable();
    assert_eq!(echoed, want);

    // Each route's counters agree: two congestion events in, on both routes.
    let routes = host.get_json("/v1/routes").await;
    let by_name = |n: &str| {
        routes["routes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("traffic")["stats"]["events_in"], 12);
    assert_eq!(
        by_name("alerts")["stats"]["events_in"],
        congestion_ids.len()
    );
    assert_eq!(
        by_name("hostile")["stats"]["events_in"],
        congestion_ids.len()
    );
    assert_eq!(by_name("alerts")["stats"]["events_out"], 2);
}

/// The `batch delivered` log line of `route` whose inputs include `id`.
fn delivered(host: &Host, route: &str, id: &str) -> Value {
    host.logs()
        .into_iter()
        .find(|v| {
            v["message"] == "batch delivered"
                && v["span"]["route"] == route
                && v["input.ids"]
                    .as_str()
                    .is_some_and(|ids| ids.split(',').any(|i| i == id))
        })
        .unwrap_or_else(|| panic!("no batch of route `{route}` delivered `{id}`"))
}

#[tokio::test]
async fn the_logs_follow_one_event_from_route_to_route() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_city(
        dir.path(),
        &[PluginSpec::traffic().batch_size(1), PluginSpec::alerts()],
    );
    let host = Host::start_logging(
        &config,
        "info,cityhub_bus=debug,cityhub_api=warn,tower_http=warn",
    );
    let batch: Vec<Value> = (1..=3)
        .map(|n| reading(&format!("t-{n}"), "QL4A-km8", 5.0, n))
        .collect();
    assert_eq!(host.post_batch(&batch).await.status(), 202);
    let alert = host.wait_for_events("city.traffic.alert", 1).await;
    let alert_id = alert[0]["event"]["id"].as_str().unwrap();

    // The third reading made the segment severe: follow it.
    let first = delivered(&host, "traffic", "t-3");
    assert_eq!(first["span"]["plugin"], "traffic");
    let congestion_id = first["output.ids"].as_str().unwrap();
    assert!(
        !congestion_id.is_empty() && !congestion_id.contains(','),
        "{first}"
    );
    let second = delivered(&host, "alerts", congestion_id);
    assert_eq!(second["output.ids"], alert_id, "{second}");
}
