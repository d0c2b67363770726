//! The crash test: a `cityhub serve` process receiving a stream of events is
//! killed with SIGKILL at random moments, several times. After each restart,
//! every event that was answered `202` is stored, and in the end each has its
//! output exactly once (checked by ids and counts). Senders whose request got
//! no answer send it again, as a real sender would; duplicates by `(source,
//! id)` are not stored twice, so those never double an output either.

use std::{
    collections::{BTreeMap, BTreeSet},
    hash::{BuildHasher, RandomState},
    time::Duration,
};

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec};

const SENDERS: usize = 4;
const KILLS: usize = 4;

fn event(id: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/tests/crash", "type": "test.hostile.ok", "data": {"id": id}})
}

/// A random delay between `lo` and `hi` milliseconds.
fn random_ms(lo: u64, hi: u64) -> Duration {
    let r = RandomState::new().hash_one(std::time::Instant::now());
    Duration::from_millis(lo + r % (hi - lo))
}

/// Sends batches of 5 until told to stop; returns the ids answered 202 and
/// those whose request got no answer (the host died).
async fn sender(
    http: reqwest::Client,
    url: String,
    s: usize,
    next: &mut usize,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> (Vec<String>, Vec<String>) {
    let mut accepted = Vec::new();
    loop {
        if *stop.borrow() {
            return (accepted, Vec::new());
        }
        let ids: Vec<String> = (0..5).map(|i| format!("c-{s}-{:05}", *next + i)).collect();
        *next += 5;
        let body: Vec<Value> = ids.iter().map(|id| event(id)).collect();
        let sent = http
            .post(&url)
            .header("content-type", "application/cloudevents-batch+json")
            .body(serde_json::to_vec(&body).unwrap())
            .send();
        tokio::select! {
            r = sent => match r {
                Ok(r) if r.status() == 202 => accepted.extend(ids),
                // No answer, or not 202: unknown; send again after restart.
                _ => return (accepted, ids),
            },
            _ = stop.changed() => return (accepted, ids),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_at_random_moments_loses_and_doubles_nothing() {
    let spec = PluginSpec::hostile().batch_size(20);
    let (mut host, dir) = Host::start(&[spec]);
    let config = dir.path().join("city.toml");
    let mut accepted: BTreeSet<String> = BTreeSet::new();
    let mut next = [0usize; SENDERS];
    let mut unanswered: Vec<Vec<String>> = vec![Vec::new(); SENDERS];

    for round in 0..=KILLS {
        // Senders whose last request got no answer send it again.
        for (s, ids) in unanswered.iter_mut().enumerate() {
            if ids.is_empty() {
                continue;
            }
            let body: Vec<Value> = ids.iter().map(|id| event(id)).collect();
            let r = host.post_batch(&body).await;
            assert_eq!(
                r.status(),
                202,
                "resent batch of sender {s}: {:?}; errors: {:#?}",
                r.text().await,
                errors(&host)
            );
            accepted.extend(ids.drain(..));
        }
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut tasks = Vec::new();
        for (s, n) in next.iter().enumerate() {
            let (http, url, stop) = (host.http.clone(), host.url("/v1/events"), stop_rx.clone());
            let mut n = *n;
            tasks.push(tokio::spawn(async move {
                let r = sender(http, url, s, &mut n, stop).await;
                (r, n)
            }));
        }
        tokio::time::sleep(random_ms(150, 700)).await;
        if round < KILLS {
            host.kill(); // SIGKILL, mid-stream
        }
        let _ = stop_tx.send(true);
        for (s, t) in tasks.into_iter().enumerate() {
            let ((ok, pending), n) = t.await.unwrap();
            accepted.extend(ok);
            unanswered[s] = pending;
            next[s] = n;
        }
        if round < KILLS {
            host = Host::start_with(&config);
            // Everything answered 202 before the kill is stored.
            let stored: BTreeSet<String> = all_ids(&host, "test.hostile.ok").await;
            let missing: Vec<&String> = accepted.difference(&stored).collect();
            assert!(
                missing.is_empty(),
                "round {round}: accepted but lost: {missing:?}"
            );
        }
    }
    // Whatever is still unanswered is sent once more.
    for ids in unanswered.iter_mut().filter(|i| !i.is_empty()) {
        let body: Vec<Value> = ids.iter().map(|id| event(id)).collect();
        let r = host.post_batch(&body).await;
        assert_eq!(
            r.status(),
            202,
            "{:?}; errors: {:#?}",
            r.text().await,
            errors(&host)
        );
        accepted.extend(ids.drain(..));
    }
    assert!(
        accepted.len() >= 100,
        "the stream was too short: {}",
        accepted.len()
    );

    // Every accepted event has exactly one echo.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let echoes = loop {
        let echoes = echo_counts(&host).await;
        if echoes.len() >= accepted.len() {
            break echoes;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "waited 60s for {} echoes, have {}",
            accepted.len(),
            echoes.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let doubled: Vec<(&String, &usize)> = echoes.iter().filter(|(_, n)| **n != 1).collect();
    assert!(doubled.is_empty(), "outputs doubled: {doubled:?}");
    let echoed: BTreeSet<String> = echoes.into_keys().collect();
    assert_eq!(
        echoed, accepted,
        "one output per accepted event, and no other"
    );
}

/// The ids of the ingested (not plugin-made) events of type `ty`, paging
/// through the log.
async fn all_ids(host: &Host, ty: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut after = 0;
    loop {
        let page = host
            .events(&format!("type={ty}&after={after}&limit=1000"))
            .await;
        let Some(last) = page.last() else { return ids };
        after = last["seq"].as_i64().unwrap();
        for e in page.iter().filter(|e| e["origin"].is_null()) {
            ids.insert(e["event"]["id"].as_str().unwrap().to_owned());
        }
        if page.len() < 1000 {
            return ids;
        }
    }
}

/// How many echoes each input id has.
async fn echo_counts(host: &Host) -> BTreeMap<String, usize> {
    host.outputs_by_subject("test.hostile.ok", "hostile").await
}

/// The host's error log lines.
fn errors(host: &Host) -> Vec<Value> {
    host.logs()
        .into_iter()
        .filter(|v| v["level"] == "ERROR")
        .collect()
}
