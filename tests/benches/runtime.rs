//! The plugin runtime's costs, each against a baseline measured in the same run:
//!
//! 1. a batch of 100 traffic readings through the WebAssembly traffic plugin
//!    (host `Worker`, state transaction, output checks) vs the same plugin code
//!    called natively on the same frame (`cityhub_sdk::testing::NativeRunner`);
//! 2. instantiation from `InstancePre` with the pooling allocator (store, WASI
//!    context and limits included), bare and with `init`;
//! 3. loading a component from the compile cache vs compiling it;
//! 4. resident memory of 1,000 idle instances.
//!
//! Run with `cargo bench -p cityhub-tests --bench runtime`. Figures are medians
//! of repeated samples; the machine's other load moves them, ratios less so.

// A benchmark reports failure by panicking, like a test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::{path::Path, sync::Arc, time::Instant};

use cityhub_manifest::Manifest;
use cityhub_plugin_traffic::Traffic;
use cityhub_runtime::{Instance, Runtime, RuntimeConfig, StateMap, Worker};
use cityhub_sdk::testing::{self, MemoryHost, NativeRunner, TestEvent};
use cityhub_tests::plugins;
use serde_json::json;

fn main() {
    let frame = readings(100);
    let manifest = || {
        Manifest::load(&Path::new(plugins::TRAFFIC_DIR).join("plugin.toml"))
            .expect("traffic manifest")
    };
    let cache = tempfile::tempdir().expect("tempdir");
    let rt = Runtime::new(RuntimeConfig {
        cache_dir: Some(cache.path().to_owned()),
        max_instances: 1100,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let plugin = rt
        .load(manifest(), Path::new(plugins::TRAFFIC_WASM), json!({}))
        .expect("load traffic");

    println!("\n== 1. a batch of 100 readings (20 segments), per event");
    let native = {
        let mut runner =
            NativeRunner::<Traffic>::with_host("{}", MemoryHost::new().with_max_logs(0))
                .expect("native runner");
        median_ns(30, 200, |n| {
            let mut total = 0;
            for _ in 0..n {
                *runner.host_mut() = MemoryHost::new().with_max_logs(0);
                let t = Instant::now();
                let out = runner.handle_frame(&frame).expect("native batch");
                total += t.elapsed().as_nanos();
                std::hint::black_box(out);
            }
            total
        }) / 100.0
    };
    let wasm = {
        let mut worker = Worker::new(plugin.clone());
        let state = Arc::new(StateMap::default());
        median_ns(30, 200, |n| {
            let t = Instant::now();
            for _ in 0..n {
                let out = worker.handle(&frame, state.clone()).expect("wasm batch");
                std::hint::black_box(out);
            }
            t.elapsed().as_nanos()
        }) / 100.0
    };
    println!("native (same plugin code, same frame): {native:>8.0} ns/event");
    println!(
        "wasm component via host Worker:        {wasm:>8.0} ns/event   = {:.2}x native (target <= 1.5x)",
        wasm / native
    );

    println!("\n== 2. instantiation from InstancePre (pooling; store + WASI context + limits)");
    let bare = median_ns(30, 500, |n| {
        let t = Instant::now();
        for _ in 0..n {
            drop(Instance::instantiate_bare(&plugin).expect("instantiate"));
        }
        t.elapsed().as_nanos()
    });
    let started = median_ns(30, 200, |n| {
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(Instance::start(&plugin, Arc::default()).expect("start"));
        }
        t.elapsed().as_nanos()
    });
    println!(
        "instantiate (no init):   {:>8.2} µs (target <= 10 µs)",
        bare / 1000.0
    );
    println!(
        "instantiate + init:      {:>8.2} µs = {:.2}x bare",
        started / 1000.0,
        started / bare
    );

    println!("\n== 3. loading a component");
    let bytes = std::fs::read(plugins::TRAFFIC_WASM).expect("read wasm");
    let nocache = Runtime::new(RuntimeConfig {
        max_instances: 4,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let compile = median_ns(5, 1, |n| {
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(
                nocache
                    .load_bytes(manifest(), Path::new("traffic.wasm"), &bytes, json!({}))
                    .expect("compile"),
            );
        }
        t.elapsed().as_nanos()
    });
    let cached = median_ns(30, 20, |n| {
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(
                rt.load_bytes(manifest(), Path::new("traffic.wasm"), &bytes, json!({}))
                    .expect("cached load"),
            );
        }
        t.elapsed().as_nanos()
    });
    println!("component: {} KiB", bytes.len() / 1024);
    println!("compile (no cache):      {:>8.2} ms", compile / 1e6);
    println!(
        "load from cache:         {:>8.3} ms (target <= 1 ms) = {:.1}x faster than compiling",
        cached / 1e6,
        compile / cached
    );

    println!("\n== 4. resident memory of 1,000 idle instances (RSS; private = RssAnon)");
    let mib = |kib: i64| kib as f64 / 1024.0;
    let (rss0, anon0) = rss_kib();
    let bare: Vec<_> = (0..1000)
        .map(|_| Instance::instantiate_bare(&plugin).expect("instantiate"))
        .collect();
    let (rss1, anon1) = rss_kib();
    println!(
        "1,000 instantiated, no init: {:>6.1} MiB RSS, {:>6.1} MiB private",
        mib(rss1 - rss0),
        mib(anon1 - anon0)
    );
    drop(bare);
    let (rss0, anon0) = rss_kib();
    let instances: Vec<Instance> = (0..1000)
        .map(|_| Instance::start(&plugin, Arc::default()).expect("start"))
        .collect();
    let (rss1, anon1) = rss_kib();
    println!(
        "1,000 started (init run):    {:>6.1} MiB RSS, {:>6.1} MiB private ({:.1} KiB each; target <= 32 MiB)",
        mib(rss1 - rss0),
        mib(anon1 - anon0),
        (rss1 - rss0) as f64 / 1000.0
    );
    drop(instances);
}

/// 100 readings over 20 segments, each in its own 1-minute window.
fn readings(n: usize) -> Vec<u8> {
    let events: Vec<TestEvent> = (0..n)
        .map(|i| {
            let seg = format!("QL1A-km{}", i % 20);
            let minute = i / 20;
            TestEvent::new("city.traffic.reading")
                .id(format!("r{i}"))
                .source("/sensors/bench")
                .subject(seg.clone())
                .json(&json!({
                    "refRoadSegment": seg,
                    "location": {"type": "Point", "coordinates": [106.708, 21.968]},
                    "intensity": 40 + i % 7,
                    "averageVehicleSpeed": 8.0 + (i % 30) as f64,
                    "dateObservedFrom": format!("2026-11-27T08:{minute:02}:00+07:00"),
                    "dateObservedTo": format!("2026-11-27T08:{minute:02}:59+07:00"),
                }))
        })
        .collect();
    testing::encode(&events).expect("encode")
}

/// Median over `samples` of the time per iteration, running `iters` per sample
/// after one warm-up sample. `f(n)` runs `n` iterations and returns their ns.
fn median_ns(samples: usize, iters: u32, mut f: impl FnMut(u32) -> u128) -> f64 {
    f(iters);
    let mut v: Vec<f64> = (0..samples)
        .map(|_| f(iters) as f64 / f64::from(iters))
        .collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Resident memory from /proc/self/status: (all of VmRSS, RssAnon = pages
/// private to this process). The rest of VmRSS is file and shared-memory
/// pages, such as a component's copy-on-write memory image, which is counted
/// once per mapping in VmRSS but is one set of physical pages.
fn rss_kib() -> (i64, i64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("RssAnon:"))
}
