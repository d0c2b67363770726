//! Append (and read) throughput on SQLite, ignored by default. Run it in release:
//! `cargo test -p cityhub-store --release --test all -- --ignored --nocapture perf`

use std::time::Instant;

use bytes::Bytes;
use cityhub_cloudevents::{CloudEvent, EventType, Timestamp};
use cityhub_store::Store;

const BATCH: usize = 100;
const BATCHES: usize = 2_000;

/// About 300 bytes of JSON, like a traffic reading.
fn reading(i: usize) -> CloudEvent {
    let mut e = CloudEvent::new(
        format!("reading-{i}"),
        "urn:cityhub:sensor/traffic/cam-0042",
        EventType::new("city.traffic.reading").unwrap(),
    );
    e.time = Some(Timestamp::parse("2026-11-27T08:00:00+07:00").unwrap());
    e.subject = Some(format!("intersection-{}", i % 500));
    let data = format!(
        r#"{{"intersection":"Nguyễn Huệ / Lê Lợi","lane":{},"vehicles":{},"speed_kmh":{:.1},"occupancy":0.{:03},"queue_m":{},"heavy":{},"camera":"cam-0042","firmware":"2.14.7","calibrated":"2026-11-01T00:00:00+07:00","seq":{i},"note":"peak hour sample","district":"Quận 1","weather":"light rain"}}"#,
        i % 4,
        i % 97,
        30.0 + (i % 40) as f64,
        i % 1000,
        i % 120,
        i % 7
    );
    e.data = Some(Bytes::from(data));
    e
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run in release with --ignored --nocapture"]
async fn perf_sqlite_append_batches_of_100() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("perf.db").display()
    ))
    .await
    .unwrap();
    let batches: Vec<Vec<CloudEvent>> = (0..BATCHES)
        .map(|b| (0..BATCH).map(|i| reading(b * BATCH + i)).collect())
        .collect();
    let size: usize = batches[0]
        .iter()
        .map(|e| e.data.as_ref().unwrap().len())
        .sum();
    println!("data per event: {} bytes", size / BATCH);

    let started = Instant::now();
    for batch in &batches {
        store.append(batch).await.unwrap();
    }
    let elapsed = started.elapsed();
    let total = BATCH * BATCHES;
    println!(
        "sqlite append: {total} events in batches of {BATCH} in {elapsed:.2?}: {:.0} events/s",
        total as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(store.last_seq().await.unwrap(), total as i64);

    let started = Instant::now();
    let (mut after, mut read) = (0, 0);
    loop {
        let page = store.read_after(after, 1_000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        read += page.len();
    }
    let elapsed = started.elapsed();
    assert_eq!(read, total);
    println!(
        "sqlite read_after: {read} events in pages of 1000 in {elapsed:.2?}: {:.0} events/s",
        read as f64 / elapsed.as_secs_f64()
    );
    store.close().await;
}
