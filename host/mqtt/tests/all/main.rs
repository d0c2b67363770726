//! The connector against the machine's Mosquitto (127.0.0.1:1883), with an
//! ingest double: what is acked and when, backpressure, refusals.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    net::TcpStream,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use cityhub_cloudevents::{CloudEvent, EventType};
use cityhub_config::{MqttConfig, MqttTopic, TopicFilter};
use cityhub_mqtt::{Admitted, Connector, Ingest, MqttStats, Outcome, Refusal};
use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, QoS};

const BROKER: (&str, u16) = ("127.0.0.1", 1883);

/// Stores what it is given, after refusing `busy` times for backpressure;
/// refuses for good every batch holding an event whose id starts `refuse-`.
#[derive(Default)]
struct Fake {
    events: Mutex<Vec<CloudEvent>>,
    busy: AtomicU32,
}

#[derive(Clone)]
struct Double(Arc<Fake>);

impl Ingest for Double {
    async fn ingest(&self, events: Vec<CloudEvent>) -> Result<Vec<Admitted>, Refusal> {
        if self
            .0
            .busy
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(Refusal::Busy {
                retry_after: Duration::from_millis(50),
                reason: "busy".into(),
            });
        }
        if let Some(e) = events.iter().find(|e| e.id.starts_with("refuse-")) {
            return Err(Refusal::Permanent(format!("`{}` is refused", e.id)));
        }
        let n = events.len();
        self.0.events.lock().unwrap().extend(events);
        Ok(vec![Admitted::New; n])
    }
}

fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn config(prefix: &str, client_id: &str) -> MqttConfig {
    assert!(
        TcpStream::connect(BROKER).is_ok(),
        "no MQTT broker at 127.0.0.1:1883: start Mosquitto with `mosquitto -d -c /etc/mosquitto/mosquitto.conf`"
    );
    MqttConfig {
        host: BROKER.0.into(),
        port: BROKER.1,
        client_id: client_id.into(),
        keep_alive: Some(Duration::from_secs(5)),
        topics: vec![MqttTopic {
            filter: TopicFilter::new(&format!("{prefix}/+")).unwrap(),
            event_type: EventType::new("city.traffic.reading").unwrap(),
            source: "/sensors/test".into(),
        }],
    }
}

async fn publish(messages: &[(String, &[u8])]) {
    let mut opts = MqttOptions::new(unique("sensor"), BROKER.0, BROKER.1);
    opts.set_keep_alive(Duration::from_secs(5));
    let (client, mut eventloop) = AsyncClient::new(opts, 64);
    for (topic, payload) in messages {
        client
            .publish(topic, QoS::AtLeastOnce, false, payload.to_vec())
            .await
            .unwrap();
    }
    let mut acked = 0;
    while acked < messages.len() {
        let ev = tokio::time::timeout(Duration::from_secs(10), eventloop.poll())
            .await
            .expect("no PUBACK within 10s")
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

/// Ends the persistent session of `client_id` at the broker.
async fn forget_session(client_id: &str) {
    let mut opts = MqttOptions::new(client_id, BROKER.0, BROKER.1);
    opts.set_clean_session(true);
    let (client, mut eventloop) = AsyncClient::new(opts, 8);
    while let Ok(Ok(ev)) = tokio::time::timeout(Duration::from_secs(5), eventloop.poll()).await {
        match ev {
            Event::Incoming(Packet::ConnAck(_)) => client.disconnect().await.unwrap(),
            Event::Outgoing(Outgoing::Disconnect) => break,
            _ => {}
        }
    }
}

async fn wait(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(Instant::now() < deadline, "waited 20s for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Starts a connector and waits until it is connected and subscribed (a
/// short pause after CONNACK covers the SUBACK).
async fn start(config: MqttConfig, fake: &Arc<Fake>) -> Connector {
    let c = Connector::start(config, 1 << 20, Double(fake.clone()));
    let stats = c.stats();
    wait("the connection", || stats.connected()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    c
}

fn count(stats: &MqttStats, outcome: Outcome) -> u64 {
    stats
        .messages()
        .iter()
        .filter(|(_, o, _)| *o == outcome)
        .map(|(_, _, n)| n)
        .sum()
}

#[tokio::test]
async fn backpressure_is_waited_out_and_messages_are_acked_once_stored() {
    let prefix = unique("mqtt-bp");
    let id = unique("cityhub-test");
    let fake = Arc::new(Fake::default());
    fake.busy.store(2, Ordering::SeqCst);
    let c = start(config(&prefix, &id), &fake).await;
    publish(&[
        (format!("{prefix}/a"), br#"{"speed":1}"#),
        (format!("{prefix}/b"), br#"{"speed":2}"#),
        (format!("{prefix}/b"), b"not json"),
    ])
    .await;
    let stats = c.stats();
    wait("the stored events", || {
        count(&stats, Outcome::Ingested) == 2 && count(&stats, Outcome::NotJson) == 1
    })
    .await;
    assert!(stats.retries() >= 2, "{}", stats.retries());
    let events = fake.events.lock().unwrap().clone();
    assert_eq!(events.len(), 2, "each once: {events:#?}");
    assert_eq!(events[0].subject.as_deref(), Some(&*format!("{prefix}/a")));
    assert_eq!(events[1].data.as_deref(), Some(&br#"{"speed":2}"#[..]));
    c.stop().await;

    // Everything was acked: the same session holds nothing more.
    let again = Arc::new(Fake::default());
    let c = start(config(&prefix, &id), &again).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(again.events.lock().unwrap().is_empty());
    assert_eq!(count(&c.stats(), Outcome::NotJson), 0);
    c.stop().await;
    forget_session(&id).await;
}

#[tokio::test]
async fn a_message_not_stored_is_not_acked_and_comes_again() {
    let prefix = unique("mqtt-unacked");
    let id = unique("cityhub-test");
    let fake = Arc::new(Fake::default());
    fake.busy.store(u32::MAX, Ordering::SeqCst);
    let c = start(config(&prefix, &id), &fake).await;
    publish(&[(format!("{prefix}/a"), br#"{"speed":3}"#)]).await;
    let stats = c.stats();
    wait("a refusal", || stats.retries() >= 1).await;
    c.stop().await;
    assert!(fake.events.lock().unwrap().is_empty());

    // The next start, on the same persistent session, gets it.
    let fake = Arc::new(Fake::default());
    let c = start(config(&prefix, &id), &fake).await;
    wait("the message again", || {
        fake.events.lock().unwrap().len() == 1
    })
    .await;
    assert_eq!(
        fake.events.lock().unwrap()[0].data.as_deref(),
        Some(&br#"{"speed":3}"#[..])
    );
    c.stop().await;
    forget_session(&id).await;
}

#[tokio::test]
async fn a_refused_event_is_dropped_alone() {
    let prefix = unique("mqtt-refused");
    let id = unique("cityhub-test");
    let fake = Arc::new(Fake::default());
    let c = start(config(&prefix, &id), &fake).await;
    let refused =
        br#"{"specversion":"1.0","id":"refuse-1","source":"/s","type":"city.traffic.reading"}"#;
    let wrong_type = br#"{"specversion":"1.0","id":"w-1","source":"/s","type":"city.air.quality"}"#;
    publish(&[
        (format!("{prefix}/a"), refused),
        (format!("{prefix}/a"), br#"{"speed":4}"#),
        (format!("{prefix}/a"), wrong_type),
    ])
    .await;
    let stats = c.stats();
    wait("every outcome", || {
        count(&stats, Outcome::Refused) == 1
            && count(&stats, Outcome::Ingested) == 1
            && count(&stats, Outcome::Invalid) == 1
    })
    .await;
    assert_eq!(fake.events.lock().unwrap().len(), 1);
    c.stop().await;

    let again = Arc::new(Fake::default());
    let c = start(config(&prefix, &id), &again).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(again.events.lock().unwrap().is_empty(), "all were acked");
    c.stop().await;
    forget_session(&id).await;
}

#[tokio::test]
async fn a_broker_that_is_not_there_is_retried_with_backoff() {
    let mut cfg = config("mqtt-nowhere", &unique("cityhub-test"));
    // Nothing listens on port 1 of the loopback.
    cfg.port = 1;
    let fake = Arc::new(Fake::default());
    let c = Connector::start(cfg, 1 << 20, Double(fake));
    tokio::time::sleep(Duration::from_millis(800)).await;
    let stats = c.stats();
    assert!(!stats.connected());
    assert_eq!(stats.connects(), 0);
    let t = Instant::now();
    c.stop().await;
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "stop waits out no backoff"
    );
}
