//! Several nodes, one city: two `cityhub serve` processes with the same
//! city.toml — one fresh PostgreSQL database as the store, one JetStream
//! stream as the bus — share the hostile plugin's route (`test.hostile.ok`
//! is echoed once, the echo's subject = the input's id). Events are posted
//! to both nodes at once; node 1 is killed with SIGKILL mid-stream and its
//! senders' unanswered batches go to node 2, as a real sender's retry
//! would; node 2 ends up serving one echo per accepted event, by ids, and
//! no other (node 1's unacked messages come back to node 2 after
//! `ack-wait`). Then a third node joins while events flow to node 2 and
//! takes its share, with the same check; and the operations view
//! (`/v1/ops/health`: positions, lag, dead letters, plugins) is the same
//! from either node.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};

use crate::support::{Database, Host, PluginSpec, use_store, write_city};

/// Events posted before the kill and around it.
const N: usize = 2000;
/// Events per request.
const BATCH: usize = 20;
/// Node 1 is killed once its sender has this many accepted.
const KILL_AFTER: usize = 400;
/// Events posted while the third node joins: to node 2, then to node 3.
const JOIN_N2: usize = 600;
const JOIN_N3: usize = 400;

fn event(id: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/tests/cluster", "type": "test.hostile.ok", "data": {"id": id}})
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:05}")).collect()
}

/// Posts `ids` in batches of [`BATCH`] to `url`, `pause` after each; counts
/// the accepted in `progress`. Returns the accepted ids and those never
/// answered `202` (the batch in flight when the node died, and the rest).
async fn send(
    http: reqwest::Client,
    url: String,
    ids: Vec<String>,
    pause: Duration,
    progress: Arc<AtomicUsize>,
) -> (Vec<String>, Vec<String>) {
    let mut accepted = Vec::new();
    for (n, chunk) in ids.chunks(BATCH).enumerate() {
        let body: Vec<Value> = chunk.iter().map(|id| event(id)).collect();
        let r = http
            .post(&url)
            .header("content-type", "application/cloudevents-batch+json")
            .body(serde_json::to_vec(&body).unwrap())
            .timeout(Duration::from_secs(30))
            .send()
            .await;
        match r {
            Ok(r) if r.status() == 202 => {
                accepted.extend_from_slice(chunk);
                progress.fetch_add(chunk.len(), Ordering::Relaxed);
            }
            _ => return (accepted, ids[n * BATCH..].to_vec()),
        }
        tokio::time::sleep(pause).await;
    }
    (accepted, Vec::new())
}

/// Posts `ids` to `host`, every batch answered `202`.
async fn send_all(host: &Host, ids: &[String]) {
    for chunk in ids.chunks(BATCH) {
        let body: Vec<Value> = chunk.iter().map(|id| event(id)).collect();
        let r = host.post_batch(&body).await;
        assert_eq!(r.status(), 202, "{:?}", r.text().await);
    }
}

/// How many echoes each input id has, paging through the whole log.
async fn echo_counts(host: &Host) -> BTreeMap<String, usize> {
    host.outputs_by_subject("test.hostile.ok", "hostile").await
}

/// Waits until `host` serves as many echoed ids as `accepted` holds, then
/// checks: one echo per accepted id, and no other.
async fn exactly_once(host: &Host, accepted: &BTreeSet<String>, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    let echoes = loop {
        let echoes = echo_counts(host).await;
        if echoes.len() >= accepted.len() {
            break echoes;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: waited 120s for {} echoes, have {}; errors: {:#?}",
            accepted.len(),
            echoes.len(),
            errors(host)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Late doubles would come within a window or two: look once more.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let echoes =
        echo_counts(host)
            .await
            .into_iter()
            .chain(echoes)
            .fold(BTreeMap::new(), |mut m, (k, v)| {
                let e: &mut usize = m.entry(k).or_default();
                *e = (*e).max(v);
                m
            });
    let doubled: Vec<(&String, &usize)> = echoes.iter().filter(|(_, n)| **n != 1).collect();
    assert!(doubled.is_empty(), "{what}: outputs doubled: {doubled:?}");
    let echoed: BTreeSet<String> = echoes.into_keys().collect();
    let missing: Vec<&String> = accepted.difference(&echoed).collect();
    let extra: Vec<&String> = echoed.difference(accepted).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: one output per accepted event and no other; missing {missing:?}, extra {extra:?}"
    );
}

fn errors(host: &Host) -> Vec<Value> {
    host.logs()
        .into_iter()
        .filter(|v| v["level"] == "ERROR")
        .collect()
}

/// Starts a node on `config` off the async threads (it waits for the
/// host's "serving" line).
async fn node(config: &Path) -> Host {
    let config = config.to_owned();
    tokio::task::spawn_blocking(move || Host::start_with(&config))
        .await
        .unwrap()
}

/// `/v1/ops/health` without this node's own counters (events in and out,
/// failures: since it started): what every node must show alike.
async fn shared_health(host: &Host) -> Value {
    let mut h = host.get_json("/v1/ops/health").await;
    for list in ["routes", "plugins"] {
        for item in h[list].as_array_mut().unwrap() {
            let item = item.as_object_mut().unwrap();
            for key in ["events_in", "events_out", "failures"] {
                item.remove(key);
            }
        }
    }
    h["ingest"].as_object_mut().unwrap().remove("pending");
    h
}

/// Events out of the route on this node since it started.
async fn events_out(host: &Host) -> u64 {
    let routes = host.get_json("/v1/routes").await;
    routes["routes"][0]["stats"]["events_out"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nodes_share_a_stream_survive_a_sigkill_and_take_in_a_new_node() {
    let db = Database::create();
    let dir = tempfile::tempdir().unwrap();
    let config = write_city(dir.path(), &[PluginSpec::hostile().batch_size(10)]);
    use_store(&config, &db.url());
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("backend = \"jetstream\"") && text.contains("postgres://"),
        "{text}"
    );

    let mut node1 = node(&config).await;
    let node2 = node(&config).await;

    // Both nodes take events at once; node 1 dies mid-stream.
    let progress1 = Arc::new(AtomicUsize::new(0));
    let to1 = tokio::spawn(send(
        node1.http.clone(),
        node1.url("/v1/events"),
        ids("n1", N / 2),
        Duration::from_millis(5),
        progress1.clone(),
    ));
    let to2 = tokio::spawn(send(
        node2.http.clone(),
        node2.url("/v1/events"),
        ids("n2", N / 2),
        Duration::from_millis(5),
        Arc::new(AtomicUsize::new(0)),
    ));
    let deadline = Instant::now() + Duration::from_secs(60);
    while progress1.load(Ordering::Relaxed) < KILL_AFTER {
        assert!(
            Instant::now() < deadline,
            "node 1 accepted only {} events in 60s; errors: {:#?}",
            progress1.load(Ordering::Relaxed),
            errors(&node1)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    node1.kill(); // SIGKILL
    let echoed_at_kill = echo_counts(&node2).await.len();
    let (ok1, unanswered1) = to1.await.unwrap();
    let (ok2, unanswered2) = to2.await.unwrap();
    assert!(unanswered2.is_empty(), "node 2 refused: {unanswered2:?}");
    assert!(
        !unanswered1.is_empty(),
        "node 1's sender finished before the kill"
    );
    // Node 1's sender goes on with node 2 (its batch in flight too: a
    // double by (source, id) is not stored twice).
    send_all(&node2, &unanswered1).await;
    let mut accepted: BTreeSet<String> = ok1.into_iter().chain(ok2).collect();
    accepted.extend(unanswered1);
    assert_eq!(accepted.len(), N);
    assert!(
        echoed_at_kill < accepted.len(),
        "the kill came after everything was echoed: not mid-stream"
    );
    exactly_once(&node2, &accepted, "after node 1's SIGKILL").await;

    // A third node joins while events flow to node 2, then gets its own.
    let flowing = tokio::spawn(send(
        node2.http.clone(),
        node2.url("/v1/events"),
        ids("j2", JOIN_N2),
        Duration::from_millis(20),
        Arc::new(AtomicUsize::new(0)),
    ));
    let node3 = node(&config).await;
    send_all(&node3, &ids("j3", JOIN_N3)).await;
    let (ok, refused) = flowing.await.unwrap();
    assert!(refused.is_empty(), "node 2 refused: {refused:?}");
    accepted.extend(ok);
    accepted.extend(ids("j3", JOIN_N3));
    assert_eq!(accepted.len(), N + JOIN_N2 + JOIN_N3);
    exactly_once(&node2, &accepted, "after node 3 joined").await;
    exactly_once(&node3, &accepted, "after node 3 joined, read on node 3").await;
    assert!(
        events_out(&node3).await > 0,
        "node 3 took no share of the route's work: {:#}",
        node3.get_json("/v1/routes").await
    );

    // The operations view is the same from either node.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (a, b) = (shared_health(&node2).await, shared_health(&node3).await);
        if a == b {
            assert_eq!(a["routes"][0]["dead_letters"], 0, "{a:#}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "/v1/ops/health differs between node 2 and node 3 after 30s:\n{a:#}\n{b:#}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // One stream, one durable consumer for the route, shared by the nodes.
    let stream = crate::support::jetstream::stream_for(dir.path());
    let info = crate::support::jetstream::stream_info(&stream);
    assert_eq!(info["state"]["consumer_count"], 1, "{info:#}");
    drop((node2, node3));
    drop(dir);
    crate::support::jetstream::delete_streams_of_gone_folders();
}
