//! Events per second end to end, on one node and on several: "a benchmark
//! reports events/s on one node and on two nodes on this machine, in one
//! run". Each setup is a fresh city on the real `cityhub serve`: the
//! hostile test plugin's route echoing every `test.hostile.ok` once
//! (batch-size 100, `max-lag` 20,000), so that an event is done when its
//! echo is committed, and every echo is checked by id at the end (one per
//! event, no other). The plugin itself costs next to nothing: the figures
//! are the platform's cost per event (HTTP ingest, the log, the bus, a
//! sandboxed call, the commit), the ceiling under any real plugin.
//!
//! Setups, in this order, with the same load ([`EVENTS`] events posted by
//! [`POSTERS`] posters, [`PER_REQUEST`] a request, spread over the nodes
//! round-robin; a `429`/`503` is sent again):
//!
//! 1. embedded bus on SQLite, one node: the baseline;
//! 2. embedded bus on PostgreSQL, one node: what the shared store costs;
//! 3. JetStream + PostgreSQL, one node;
//! 4. JetStream + PostgreSQL, two nodes (same city.toml, one stream).
//!
//! Per setup: ingest events/s (posting only), end-to-end events/s (the
//! first request to the last echo committed), each node's share, and the
//! ratio to the baseline. Results also in
//! `target/bench-results/cluster.json`. Everything, the nodes, PostgreSQL,
//! NATS and the posters, shares this machine's cores: read two nodes'
//! figure as what a second process adds here, not a second machine.
//!
//! Run with `cargo bench -p cityhub --bench cluster` (NATS with JetStream
//! on 127.0.0.1:4222 and PostgreSQL on 127.0.0.1:5432, as .ci/run starts
//! them).

// A benchmark reports failure by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "../../all/support.rs"]
mod support;

/// Cities are written on the embedded bus; the JetStream setups add their
/// `[bus]` table themselves (support::bus_toml_on).
pub const BUS: support::Backend = support::Backend::Embedded;

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

use serde_json::{Value, json};

use support::{Backend, Database, Host, PluginSpec, bus_toml_on, jetstream, use_store, write_city};

/// Events per setup.
const EVENTS: u64 = 30_000;
/// Posters at once, over all nodes.
const POSTERS: u64 = 4;
/// Events per request (batch mode).
const PER_REQUEST: u64 = 100;
/// Warm-up events per node before the clock starts (compiles, connects).
const WARM_UP: u64 = 200;
/// The longest the echoes of one setup are waited for.
const PATIENCE: Duration = Duration::from_secs(300);

/// One setup.
struct Setup {
    name: &'static str,
    bus: Backend,
    postgres: bool,
    nodes: usize,
}

const SETUPS: [Setup; 4] = [
    Setup {
        name: "embedded, SQLite",
        bus: Backend::Embedded,
        postgres: false,
        nodes: 1,
    },
    Setup {
        name: "embedded, PostgreSQL",
        bus: Backend::Embedded,
        postgres: true,
        nodes: 1,
    },
    Setup {
        name: "JetStream + PostgreSQL",
        bus: Backend::JetStream,
        postgres: true,
        nodes: 1,
    },
    Setup {
        name: "JetStream + PostgreSQL",
        bus: Backend::JetStream,
        postgres: true,
        nodes: 2,
    },
];

/// What one setup measured.
struct Measured {
    name: &'static str,
    nodes: usize,
    ingest_per_s: f64,
    end_to_end_per_s: f64,
    seconds: f64,
    refused: u64,
    per_node: Vec<u64>,
}

fn event(id: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/bench/cluster", "type": "test.hostile.ok", "data": {"n": id}})
}

fn batch(prefix: &str, first: u64, n: u64) -> Vec<u8> {
    let events: Vec<Value> = (first..first + n)
        .map(|i| event(&format!("{prefix}-{i:07}")))
        .collect();
    serde_json::to_vec(&events).unwrap()
}

/// Posts `body` to `host` until it is answered `202`; returns the refusals.
async fn post(host: &Host, body: Vec<u8>) -> u64 {
    let since = Instant::now();
    let mut refused = 0;
    loop {
        let r = host
            .http
            .post(host.url("/v1/events"))
            .header("content-type", "application/cloudevents-batch+json")
            .body(body.clone())
            .send()
            .await;
        match r {
            Ok(r) if r.status() == 202 => return refused,
            Ok(r) if r.status() == 429 || r.status() == 503 => refused += 1,
            Ok(r) => panic!(
                "POST /v1/events answered {}: {}",
                r.status(),
                r.text().await.unwrap_or_default()
            ),
            Err(e) => panic!("POST /v1/events: {e}"),
        }
        assert!(
            since.elapsed() < Duration::from_secs(60),
            "a batch was not accepted in 60s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Echoes committed by this node since it started.
async fn events_out(host: &Host) -> u64 {
    host.get_json("/v1/routes").await["routes"][0]["stats"]["events_out"]
        .as_u64()
        .unwrap_or(0)
}

async fn all_out(hosts: &[Arc<Host>]) -> Vec<u64> {
    let mut out = Vec::new();
    for h in hosts {
        out.push(events_out(h).await);
    }
    out
}

/// Waits until the nodes together committed `n` echoes.
async fn wait_out(hosts: &[Arc<Host>], n: u64, what: &str) -> Vec<u64> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let out = all_out(hosts).await;
        if out.iter().sum::<u64>() >= n {
            return out;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: waited {PATIENCE:?} for {n} echoes, have {out:?}; errors: {:#?}",
            hosts
                .iter()
                .flat_map(|h| h.logs())
                .filter(|l| l["level"] == "ERROR")
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every echo of the run's events, by input id: exactly one each.
async fn check_once(host: &Host, prefix: &str, n: u64) {
    let counts = host.outputs_by_subject("test.hostile.ok", "hostile").await;
    let mine: Vec<usize> = counts
        .iter()
        .filter(|(subject, _)| subject.starts_with(prefix))
        .map(|(_, n)| *n)
        .collect();
    let doubled = mine.iter().filter(|c| **c != 1).count();
    assert!(
        mine.len() as u64 == n && doubled == 0,
        "{n} events, {} echoed, {doubled} more than once",
        mine.len()
    );
}

async fn start(config: &Path) -> Arc<Host> {
    let config: PathBuf = config.to_owned();
    Arc::new(
        tokio::task::spawn_blocking(move || Host::start_with(&config))
            .await
            .unwrap(),
    )
}

async fn run(setup: &Setup) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let db = setup.postgres.then(Database::create);
    let spec = PluginSpec::hostile()
        .batch_size(100)
        .route("max-lag = 20000");
    let config = write_city(dir.path(), &[spec]);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&bus_toml_on(setup.bus, dir.path()));
    std::fs::write(&config, text).unwrap();
    if let Some(db) = &db {
        use_store(&config, &db.url());
    }
    let mut hosts = Vec::new();
    for _ in 0..setup.nodes {
        hosts.push(start(&config).await);
    }

    // Warm up every node: its plugin instance, its connections.
    for (i, h) in hosts.iter().enumerate() {
        post(h, batch(&format!("warm{i}"), 0, WARM_UP)).await;
    }
    let warm = WARM_UP * setup.nodes as u64;
    let before = wait_out(&hosts, warm, "warm-up").await;

    let next = Arc::new(AtomicU64::new(0));
    let t0 = Instant::now();
    let posters: Vec<_> = (0..POSTERS)
        .map(|p| {
            let host = hosts[p as usize % hosts.len()].clone();
            let next = next.clone();
            tokio::spawn(async move {
                let mut refused = 0;
                loop {
                    let first = next.fetch_add(PER_REQUEST, Ordering::Relaxed);
                    if first >= EVENTS {
                        return refused;
                    }
                    let n = PER_REQUEST.min(EVENTS - first);
                    refused += post(&host, batch("b", first, n)).await;
                }
            })
        })
        .collect();
    let mut refused = 0;
    for p in posters {
        refused += p.await.unwrap();
    }
    let posted = t0.elapsed();
    let after = wait_out(&hosts, warm + EVENTS, setup.name).await;
    let done = t0.elapsed();
    check_once(&hosts[0], "b-", EVENTS).await;

    let per_node: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    drop(hosts);
    drop(dir);
    jetstream::delete_streams_of_gone_folders();
    drop(db);
    Measured {
        name: setup.name,
        nodes: setup.nodes,
        ingest_per_s: EVENTS as f64 / posted.as_secs_f64(),
        end_to_end_per_s: EVENTS as f64 / done.as_secs_f64(),
        seconds: done.as_secs_f64(),
        refused,
        per_node,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let clock = Instant::now();
    let mut results = Vec::new();
    for setup in &SETUPS {
        println!(
            "[{:>5.1}s] {} events on {}, {} node(s)…",
            clock.elapsed().as_secs_f64(),
            EVENTS,
            setup.name,
            setup.nodes
        );
        let m = run(setup).await;
        println!(
            "[{:>5.1}s]   {:.0} events/s end to end ({:.1} s), ingest {:.0} events/s, per node {:?}, {} requests refused and sent again",
            clock.elapsed().as_secs_f64(),
            m.end_to_end_per_s,
            m.seconds,
            m.ingest_per_s,
            m.per_node,
            m.refused
        );
        results.push(m);
    }

    let base = results[0].end_to_end_per_s;
    println!(
        "\n{EVENTS} events per setup, {POSTERS} posters, {PER_REQUEST} a request; hostile echo, batch-size 100; each echo checked once by id\n"
    );
    println!(
        "| {:<24} | {:>5} | {:>12} | {:>16} | {:>11} | {:<16} |",
        "setup", "nodes", "ingest ev/s", "end-to-end ev/s", "× baseline", "per node"
    );
    println!(
        "|{:-<26}|{:-<7}|{:-<14}|{:-<18}|{:-<13}|{:-<18}|",
        "", "", "", "", "", ""
    );
    for m in &results {
        println!(
            "| {:<24} | {:>5} | {:>12.0} | {:>16.0} | {:>11.2} | {:<16} |",
            m.name,
            m.nodes,
            m.ingest_per_s,
            m.end_to_end_per_s,
            m.end_to_end_per_s / base,
            format!("{:?}", m.per_node)
        );
    }
    let json = json!({
        "started_at": started_at,
        "events": EVENTS,
        "posters": POSTERS,
        "per_request": PER_REQUEST,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "setups": results.iter().map(|m| json!({
            "setup": m.name,
            "nodes": m.nodes,
            "ingest_per_s": m.ingest_per_s,
            "end_to_end_per_s": m.end_to_end_per_s,
            "seconds": m.seconds,
            "ratio_to_baseline": m.end_to_end_per_s / base,
            "refused": m.refused,
            "per_node": m.per_node,
        })).collect::<Vec<_>>(),
    });
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).with_file_name("bench-results");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cluster.json");
    std::fs::write(&file, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    println!("\nresults in {}", file.display());
}
