//! Sensors over MQTT end to end: readings published to the machine's
//! Mosquitto (127.0.0.1:1883) reach the traffic plugin through `[mqtt]`,
//! acked only once stored; QoS 1 messages sent while the host is down wait
//! in its persistent session; a mapping to a type the city does not accept
//! is refused by `cityhub check`.

use std::{
    net::TcpStream,
    path::{Path, PathBuf},
    time::Duration,
};

use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, QoS};
use serde_json::Value;

use crate::support::{Host, PluginSpec, cityhub, reading, unique_name, write_city};

const BROKER: (&str, u16) = ("127.0.0.1", 1883);

/// Fails loudly when the test broker is not running.
fn broker_is_up() {
    assert!(
        TcpStream::connect(BROKER).is_ok(),
        "no MQTT broker at {}:{}: start Mosquitto with `mosquitto -d -c /etc/mosquitto/mosquitto.conf`",
        BROKER.0,
        BROKER.1
    );
}

/// A city with the traffic plugin (one reading a batch) and `[mqtt]`
/// mapping `<prefix>/traffic/+/reading` to `city.traffic.reading`.
fn mqtt_city(dir: &Path, prefix: &str, client_id: &str) -> PathBuf {
    let config = write_city(dir, &[PluginSpec::traffic().batch_size(1)]);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[mqtt]\nurl = \"mqtt://{}:{}\"\nclient-id = \"{client_id}\"\nkeep-alive = \"5s\"\n\n[[mqtt.topics]]\nfilter = \"{prefix}/traffic/+/reading\"\ntype = \"city.traffic.reading\"\nsource = \"/sensors/mqtt\"\n",
        BROKER.0, BROKER.1
    ));
    std::fs::write(&config, text).unwrap();
    config
}

/// Waits until `host` has subscribed to its topics.
async fn subscribed(host: &Host) {
    host.wait_for_log("the MQTT subscription", |v| {
        v["message"] == "subscribed to the MQTT topic filter (QoS 1)"
    })
    .await;
}

/// Publishes `messages` (topic, payload) with QoS 1 and waits for the
/// broker's PUBACK of each.
async fn publish(messages: &[(String, Vec<u8>)]) {
    let mut opts = MqttOptions::new(unique_name("e2e-sensor"), BROKER.0, BROKER.1);
    opts.set_keep_alive(Duration::from_secs(5));
    let (client, mut eventloop) = AsyncClient::new(opts, 64);
    for (topic, payload) in messages {
        client
            .publish(topic, QoS::AtLeastOnce, false, payload.clone())
            .await
            .unwrap();
    }
    let mut acked = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while acked < messages.len() {
        let ev = tokio::time::timeout_at(deadline, eventloop.poll())
            .await
            .expect("the broker did not ack every publish within 10s")
            .unwrap();
        if let Event::Incoming(Packet::PubAck(_)) = ev {
            acked += 1;
        }
    }
    client.disconnect().await.unwrap();
    while let Ok(Ok(ev)) = tokio::time::timeout(Duration::from_secs(2), eventloop.poll()).await {
        if matches!(ev, Event::Outgoing(Outgoing::Disconnect)) {
            break;
        }
    }
}

/// Ends the persistent session of `client_id` at the broker (a clean
/// session under the same id), so test sessions do not pile up there.
async fn forget_session(client_id: &str) {
    let mut opts = MqttOptions::new(client_id, BROKER.0, BROKER.1);
    opts.set_clean_session(true);
    let (client, mut eventloop) = AsyncClient::new(opts, 8);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while let Ok(Ok(ev)) = tokio::time::timeout_at(deadline, eventloop.poll()).await {
        match ev {
            Event::Incoming(Packet::ConnAck(_)) => client.disconnect().await.unwrap(),
            Event::Outgoing(Outgoing::Disconnect) => break,
            _ => {}
        }
    }
}

/// A slow reading's `data` alone (what a sensor publishes), as JSON bytes.
fn slow(segment: &str, speed: f64, n: u32) -> Vec<u8> {
    serde_json::to_vec(&reading("unused", segment, speed, n)["data"]).unwrap()
}

/// The `/metrics` page.
async fn metrics(host: &Host) -> String {
    let r = host.http.get(host.url("/metrics")).send().await.unwrap();
    r.text().await.unwrap()
}

/// `cityhub_mqtt_messages_total` for `filter` and `outcome`.
async fn messages_total(host: &Host, filter: &str, outcome: &str) -> Option<u64> {
    let text = metrics(host).await;
    let series =
        format!("cityhub_mqtt_messages_total{{filter=\"{filter}\",outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&series))
        .and_then(|n| n.parse().ok())
}

#[tokio::test]
async fn sensor_readings_over_mqtt_become_congestion() {
    broker_is_up();
    let tmp = tempfile::tempdir().unwrap();
    let prefix = unique_name("e2e-mqtt");
    let filter = format!("{prefix}/traffic/+/reading");
    let client_id = unique_name("cityhub-e2e");
    let config = mqtt_city(tmp.path(), &prefix, &client_id);
    let mut host = Host::start_with(&config);
    subscribed(&host).await;

    let topic = format!("{prefix}/traffic/QL1A-km2/reading");
    // Three slow readings: plain JSON data, a structured CloudEvent, plain
    // again; and a payload that is not JSON, which is dropped and counted.
    let structured = serde_json::to_vec(&reading("mqtt-r2", "QL1A-km2", 11.0, 2)).unwrap();
    publish(&[
        (topic.clone(), slow("QL1A-km2", 12.0, 1)),
        (topic.clone(), structured),
        (topic.clone(), b"speed=10".to_vec()),
        (topic.clone(), slow("QL1A-km2", 10.0, 3)),
    ])
    .await;

    let out = host.wait_for_events("city.traffic.congestion", 1).await;
    let e = &out[0]["event"];
    assert_eq!(e["subject"], "QL1A-km2");
    assert_eq!(e["source"], "/plugins/traffic");
    let data = &e["data"];
    assert_eq!(data["refRoadSegment"], "QL1A-km2");
    assert_eq!(data["congested"], true);
    assert_eq!(data["samples"], 3);
    assert!(
        matches!(data["level"].as_str(), Some("heavy" | "severe")),
        "{data}"
    );

    // The readings as stored: the mapping's type and source, the topic as
    // subject and a new UUIDv7 id for plain data; the CloudEvent as sent.
    let readings = host.events("type=city.traffic.reading").await;
    assert_eq!(readings.len(), 3, "{readings:#?}");
    let events: Vec<&Value> = readings.iter().map(|r| &r["event"]).collect();
    for i in [0, 2] {
        assert_eq!(events[i]["source"], "/sensors/mqtt");
        assert_eq!(events[i]["subject"], topic.as_str());
        let id = events[i]["id"].as_str().unwrap();
        assert_eq!(uuid_version(id), Some('7'), "{id}");
    }
    assert_eq!(events[0]["data"]["averageVehicleSpeed"], 12.0);
    assert_eq!(events[2]["data"]["averageVehicleSpeed"], 10.0);
    assert_eq!(events[1]["id"], "mqtt-r2");
    assert_eq!(events[1]["source"], "/sensors/test");

    assert_eq!(messages_total(&host, &filter, "ingested").await, Some(3));
    assert_eq!(messages_total(&host, &filter, "not_json").await, Some(1));
    let page = metrics(&host).await;
    assert!(page.contains("cityhub_mqtt_connected 1"), "{page}");
    host.wait_for_log("the not-JSON warning", |v| {
        v["level"] == "WARN"
            && v["message"]
                .as_str()
                .is_some_and(|m| m.contains("is not JSON") && m.contains("dropped"))
    })
    .await;
    host.kill();
    forget_session(&client_id).await;
}

/// The version digit of a UUID's text.
fn uuid_version(id: &str) -> Option<char> {
    (id.len() == 36).then(|| id.chars().nth(14)).flatten()
}

#[tokio::test]
async fn messages_sent_while_the_host_is_down_arrive_when_it_starts() {
    broker_is_up();
    let tmp = tempfile::tempdir().unwrap();
    let prefix = unique_name("e2e-mqtt-down");
    let client_id = unique_name("cityhub-e2e-down");
    let config = mqtt_city(tmp.path(), &prefix, &client_id);
    let topic = format!("{prefix}/traffic/QL4A-km10/reading");

    // The first start makes the persistent session and its subscription.
    let mut host = Host::start_with(&config);
    subscribed(&host).await;
    publish(&[(topic.clone(), slow("QL4A-km10", 14.0, 1))]).await;
    host.wait_for_events("city.traffic.reading", 1).await;
    assert!(host.terminate(Duration::from_secs(30)), "did not stop");
    drop(host);

    // Down: the broker keeps these for the session.
    publish(&[
        (topic.clone(), slow("QL4A-km10", 12.0, 2)),
        (topic.clone(), slow("QL4A-km10", 9.0, 3)),
    ])
    .await;

    let mut host = Host::start_with(&config);
    let readings = host.wait_for_events("city.traffic.reading", 3).await;
    let speeds: Vec<f64> = readings
        .iter()
        .map(|r| r["event"]["data"]["averageVehicleSpeed"].as_f64().unwrap())
        .collect();
    assert_eq!(speeds, [14.0, 12.0, 9.0], "each once, in order");
    let out = host.wait_for_events("city.traffic.congestion", 1).await;
    let data = &out[0]["event"]["data"];
    assert_eq!(data["refRoadSegment"], "QL4A-km10");
    assert_eq!(data["samples"], 3);
    assert_eq!(data["congested"], true);
    host.kill();
    forget_session(&client_id).await;
}

#[test]
fn check_refuses_an_mqtt_type_the_city_does_not_accept() {
    let tmp = tempfile::tempdir().unwrap();
    let config = mqtt_city(tmp.path(), "e2e-check", "cityhub-e2e-check");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = format!(
        "[ingest]\naccepts = [\"city.traffic.reading\"]\n\n{}",
        text.replace(
            "type = \"city.traffic.reading\"\nsource",
            "type = \"city.air.quality\"\nsource"
        )
    );
    std::fs::write(&config, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l == "type = \"city.air.quality\"")
        .unwrap()
        + 1;
    let out = cityhub()
        .arg("check")
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "`type` `city.air.quality` is not in `[ingest] accepts` (`city.traffic.reading`)"
        ),
        "{err}"
    );
    assert!(err.contains(&format!("city.toml:{line}:8")), "{err}");
}

#[tokio::test]
async fn a_changed_mqtt_section_is_reported_as_needing_a_restart() {
    broker_is_up();
    let tmp = tempfile::tempdir().unwrap();
    let prefix = unique_name("e2e-mqtt-reload");
    let client_id = unique_name("cityhub-e2e-reload");
    let config = mqtt_city(tmp.path(), &prefix, &client_id);
    let mut host = Host::start_with(&config);
    subscribed(&host).await;
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("keep-alive = \"5s\"", "keep-alive = \"10s\""),
    )
    .unwrap();
    host.wait_for_log("[mqtt] needing a restart", |v| {
        v["message"] == "this section changed, but it applies only after a restart"
            && v["section"] == "[mqtt]"
    })
    .await;
    host.kill();
    forget_session(&client_id).await;
}
