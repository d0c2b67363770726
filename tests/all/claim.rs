//! One host per store unless the nodes share the work. A second `cityhub
//! serve` on a SQLite file in use, or on a PostgreSQL database where a host
//! runs the embedded bus, would deliver every event a second time: it is
//! refused at start, saying who holds the store and what to do, and the
//! first host serves on. Nodes sharing JetStream on PostgreSQL are let in
//! (`cluster.rs` runs them).

use std::{
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use crate::support::{
    Backend, Database, Host, PluginSpec, cityhub, reading, use_store, write_city,
};

/// Runs a second `cityhub serve` on `config`; returns its stderr once it
/// exits (at most 120 s), or `None` if it is still serving then.
fn second_host(config: &Path) -> Option<(std::process::ExitStatus, String)> {
    let err = config.with_file_name("second.err");
    let mut child = cityhub()
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(config)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some((status, std::fs::read_to_string(&err).unwrap()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// The first host still takes and processes readings.
async fn serves_on(host: &Host) {
    for n in 1..=3 {
        let r = host
            .post_batch(&[reading(&format!("c{n}"), "QL1A-km3", 9.0, n)])
            .await;
        assert_eq!(r.status(), 202);
    }
    let out = host.wait_for_events("city.traffic.congestion", 1).await;
    assert_eq!(out[0]["event"]["data"]["samples"], 3);
}

#[tokio::test]
async fn a_second_host_on_a_sqlite_file_in_use_is_refused_and_says_why() {
    let (host, dir) = Host::start(&[PluginSpec::traffic().batch_size(1)]);
    let config = dir.path().join("city.toml");
    let (status, stderr) =
        second_host(&config).expect("the second host on the same SQLite file kept serving");
    assert!(!status.success(), "{stderr}");
    let db = dir.path().join("city.db");
    for said in [
        format!(
            "the SQLite store `{}` is in use by the cityhub process {}",
            db.display(),
            host.pid()
        ),
        "two hosts would each deliver every event".to_owned(),
        "`[bus] backend = \"jetstream\"`".to_owned(),
    ] {
        assert!(stderr.contains(&said), "missing `{said}` in:\n{stderr}");
    }
    serves_on(&host).await;
}

#[tokio::test]
async fn on_postgresql_a_second_host_is_refused_unless_the_nodes_share_jetstream() {
    let db = Database::create();
    let dir = tempfile::tempdir().unwrap();
    let config = write_city(dir.path(), &[PluginSpec::traffic().batch_size(1)]);
    use_store(&config, &db.url());
    let host = Host::start_with(&config);
    match crate::BUS {
        Backend::Embedded => {
            let (status, stderr) =
                second_host(&config).expect("the second host on the same database kept serving");
            assert!(!status.success(), "{stderr}");
            assert!(
                stderr.contains(
                    "the PostgreSQL database is in use by another cityhub host running the embedded bus"
                ) && stderr.contains("set `[bus] backend = \"jetstream\"` on every node"),
                "{stderr}"
            );
        }
        Backend::JetStream => {
            // A second node joins: readings posted to it are processed, and
            // the first node serves the same output.
            let second = Host::start_with(&config);
            serves_on(&second).await;
            let out = host.wait_for_events("city.traffic.congestion", 1).await;
            assert_eq!(out[0]["event"]["data"]["samples"], 3);
            return;
        }
    }
    serves_on(&host).await;
}
