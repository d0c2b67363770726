//! Events per second through the whole host: `POST /v1/events` (batch mode,
//! 100 events per request) → stored → traffic plugin → outputs and position
//! committed, on a SQLite file. Baselines measured in the same run: appending
//! the same events straight to the store, and the same HTTP ingest with no
//! plugin behind it. Last, the same with the operations centre's read model
//! (the ops projection, as `cityhub serve` runs it) also keeping up.
//!
//! Run with `cargo bench -p cityhub-tests --bench ingest`.

// A benchmark reports failure by panicking, like a test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::{path::Path, sync::Arc, time::Instant};

use cityhub_api::{ApiConfig, AppState};
use cityhub_bus::{Bus, BusOptions, PluginHandle};
use cityhub_cloudevents::{CloudEvent, TypePattern, http::write_batch};
use cityhub_config::RouteEntry;
use cityhub_manifest::{Manifest, PluginName};
use cityhub_runtime::{Runtime, RuntimeConfig};
use cityhub_store::Store;
use cityhub_tests::plugins;
use serde_json::json;

const REQUESTS: usize = 400;
const PER_REQUEST: usize = 100;
const CLIENTS: usize = 8;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio");
    rt.block_on(async {
        let bodies: Arc<Vec<(Vec<CloudEvent>, Vec<u8>)>> = Arc::new((0..REQUESTS).map(batch).collect());
        let total = (REQUESTS * PER_REQUEST) as f64;

        let store_only = {
            let (store, _dir) = fresh_store().await;
            let t = Instant::now();
            for (events, _) in bodies.iter() {
                store.append(events).await.expect("append");
            }
            total / t.elapsed().as_secs_f64()
        };
        println!("\n== ingest, {REQUESTS} requests x {PER_REQUEST} events, {CLIENTS} concurrent clients, SQLite");
        println!("store.append only (baseline):       {store_only:>10.0} events/s");

        let http_only = run_http(&bodies, false, false).await;
        println!("HTTP ingest, no plugin:             {http_only:>10.0} events/s = {:.2}x baseline", http_only / store_only);
        let full = run_http(&bodies, true, false).await;
        println!("HTTP → traffic plugin → committed:  {full:>10.0} events/s = {:.2}x baseline", full / store_only);
        let ops = run_http(&bodies, true, true).await;
        println!(
            "... + the ops read model projected:  {ops:>10.0} events/s = {:.2}x baseline = {:.2}x without it",
            ops / store_only,
            ops / full
        );
    });
}

/// Runs the host in-process on a fresh SQLite file; returns events/s from the
/// first request to the last event stored (and, with the plugin, processed and
/// committed; with `ops`, also projected into the ops read model).
async fn run_http(
    bodies: &Arc<Vec<(Vec<CloudEvent>, Vec<u8>)>>,
    with_plugin: bool,
    ops: bool,
) -> f64 {
    let (store, _dir) = fresh_store().await;
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 16,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let mut handles = Vec::new();
    if with_plugin {
        let manifest =
            Manifest::load(&Path::new(plugins::TRAFFIC_DIR).join("plugin.toml")).expect("manifest");
        let plugin = runtime
            .load(manifest, Path::new(plugins::TRAFFIC_WASM), json!({}))
            .expect("load");
        handles.push(PluginHandle {
            plugin,
            circuit: Default::default(),
        });
    }
    let routes = if with_plugin {
        vec![RouteEntry::new(
            PluginName::new("traffic").expect("name"),
            vec![TypePattern::new("city.traffic.reading").expect("pattern")],
            PluginName::new("traffic").expect("name"),
        )]
    } else {
        Vec::new()
    };
    let options = BusOptions {
        ops,
        ..BusOptions::default()
    };
    let bus = Bus::start(store.clone(), handles, routes, options)
        .await
        .expect("bus");
    let app = cityhub_api::router(AppState {
        bus: bus.clone(),
        config: Arc::new(ApiConfig::default()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://{addr}/v1/events");
    // A `source` token, as a sensor gateway would hold (one lookup per request).
    let token = cityhub_api::auth::issue_token(
        &store,
        "bench-source",
        cityhub_auth::Role::Source,
        "cli:bench",
        "cli",
    )
    .await
    .expect("a token")
    .token;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("a header"),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a client");

    let t = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (bodies, client, url) = (bodies.clone(), client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            for (_, body) in bodies.iter().skip(c).step_by(CLIENTS) {
                let r = client
                    .post(&url)
                    .header("content-type", "application/cloudevents-batch+json")
                    .body(body.clone())
                    .send()
                    .await
                    .expect("post");
                assert_eq!(r.status(), 202);
            }
        }));
    }
    for task in tasks {
        task.await.expect("client");
    }
    if with_plugin {
        let last = store.last_seq().await.expect("last seq");
        while store
            .position(&cityhub_bus::consumer_id("traffic"))
            .await
            .expect("position")
            < last
        {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }
    if ops {
        let last = store.last_seq().await.expect("last seq");
        bus.wait_ops_projected(last, std::time::Duration::from_secs(600))
            .await;
    }
    let rate = (REQUESTS * PER_REQUEST) as f64 / t.elapsed().as_secs_f64();
    bus.shutdown().await;
    rate
}

async fn fresh_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await
    .expect("open");
    (store, dir)
}

/// Request `r`: 100 readings over 50 segments, windows advancing per request.
fn batch(r: usize) -> (Vec<CloudEvent>, Vec<u8>) {
    let values: Vec<serde_json::Value> = (0..PER_REQUEST)
        .map(|i| {
            let seg = format!("QL1A-km{}", i % 50);
            let (h, m) = (8 + (r * 2 + i / 50) / 60, (r * 2 + i / 50) % 60);
            json!({
                "specversion": "1.0", "id": format!("{r}-{i}"), "source": "/sensors/bench", "type": "city.traffic.reading",
                "subject": seg, "datacontenttype": "application/json",
                "data": {"refRoadSegment": seg, "location": {"type": "Point", "coordinates": [106.708, 21.968]},
                         "intensity": 40 + i % 7, "averageVehicleSpeed": 8.0 + (i % 30) as f64,
                         "dateObservedFrom": format!("2026-11-{:02}T{:02}:{m:02}:00+07:00", 1 + h / 24, h % 24),
                         "dateObservedTo": format!("2026-11-{:02}T{:02}:{m:02}:59+07:00", 1 + h / 24, h % 24)}
            })
        })
        .collect();
    let events: Vec<CloudEvent> = values
        .iter()
        .map(|v| CloudEvent::from_json_value(v).expect("event"))
        .collect();
    let mut body = Vec::new();
    write_batch(&events, &mut body);
    (events, body)
}
