//! The hostile suite: the real host runs the hostile plugin beside a
//! well-behaved neighbour (`traffic`, on its own route), and the hostile
//! plugin tries, on command, to read files, open sockets, read the host's
//! environment, flood the log and stdio, live at its deadline on every call,
//! return a huge batch, exhaust its state quota and publish a forbidden
//! type. Each is contained with a clear reason — the plugin's own probe says
//! `allowed: false` with the sandbox's error, or a dead letter / log line
//! names the limit — while the neighbour's outputs keep arriving, `/healthz`
//! stays ok, and a canary variable of the host's environment never reaches
//! the plugin. (`sandbox.rs` covers the runtime's basics: loops, memory,
//! traps, stack, big and many outputs.)

use std::{
    io::ErrorKind,
    net::{TcpListener, UdpSocket},
};

use serde_json::{Value, json};

use crate::{
    metrics::scrape,
    support::{Host, PluginSpec, reading, write_city},
};

/// A variable set on the host process only: no probe may ever see it.
const CANARY: (&str, &str) = ("CITYHUB_HOSTILE_CANARY", "canary-3f1c9e2a-do-not-leak");
/// The hostile plugin's `time-per-batch` (tests/plugins/hostile/plugin.toml).
const TIME_PER_BATCH_MS: u64 = 500;
/// The runtime's log records per batch (`LogBudget::PER_CALL`).
const LOG_BUDGET: usize = 100;

/// The host with the hostile plugin and its neighbour, and a step counter
/// for the neighbour's segments.
struct Suite {
    host: Host,
    dir: tempfile::TempDir,
    steps: u32,
}

impl Suite {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = write_city(
            dir.path(),
            &[PluginSpec::traffic().batch_size(1), PluginSpec::hostile()],
        );
        let host = Host::start_env(&config, "info,cityhub_api=warn,tower_http=warn", &[CANARY]);
        Self {
            host,
            dir,
            steps: 0,
        }
    }

    /// Posts one hostile event.
    async fn send(&self, id: &str, behaviour: &str, data: Value) {
        let event = json!({
            "specversion": "1.0", "id": id, "source": "/tests/hostile",
            "type": format!("test.hostile.{behaviour}"),
            "datacontenttype": "application/json", "data": data,
        });
        assert_eq!(self.host.post_batch(&[event]).await.status(), 202);
    }

    /// Sends the neighbour a new segment's readings (while the hostile
    /// plugin is still busy with what it was sent just before) and waits for
    /// its congestion event; then checks `/healthz`.
    async fn neighbour_keeps_serving(&mut self) {
        self.steps += 1;
        let (n, seg) = (self.steps, format!("H{}", self.steps));
        let batch: Vec<Value> = (0..3)
            .map(|i| reading(&format!("{seg}-{i}"), &seg, 5.0, n * 3 + i))
            .collect();
        assert_eq!(self.host.post_batch(&batch).await.status(), 202);
        self.host
            .wait_until(
                "type=city.traffic.congestion&limit=1000",
                &format!("the neighbour's congestion for `{seg}`"),
                |events| events.iter().any(|e| e["event"]["subject"] == seg.as_str()),
            )
            .await;
        let r = self
            .host
            .http
            .get(self.host.url("/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "/healthz after step {n}");
    }

    /// Waits for the `n` probe reports of event `id` and returns their data.
    async fn probes(&self, id: &str, n: usize) -> Vec<Value> {
        let outs = self
            .host
            .wait_until(
                "type=test.hostile.ok&limit=1000",
                &format!("{n} probe reports of `{id}`"),
                |events| {
                    events
                        .iter()
                        .filter(|e| e["event"]["subject"] == id)
                        .count()
                        >= n
                },
            )
            .await;
        outs.iter()
            .filter(|e| e["event"]["subject"] == id)
            .map(|e| e["event"]["data"].clone())
            .collect()
    }

    /// Waits for the dead letter of event `id` and returns it.
    async fn dead_letter(&self, id: &str) -> Value {
        let letters = self
            .host
            .wait_json(
                "/v1/deadletters?route=hostile",
                &format!("the dead letter of `{id}`"),
                |v| {
                    v["deadletters"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|d| d["event"]["id"] == id))
                },
            )
            .await;
        let letter = letters["deadletters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["event"]["id"] == id)
            .unwrap()
            .clone();
        assert_eq!(letter["plugin"], "hostile", "{letter}");
        letter
    }

    /// Every text the plugin could have got out (probe details, its log
    /// records) holds neither the canary's name nor its value.
    fn assert_no_canary(&self, texts: &[String]) {
        for text in texts {
            assert!(
                !text.contains(CANARY.0) && !text.contains(CANARY.1),
                "the host's environment reached the plugin: {text}"
            );
        }
    }
}

/// The probe named `name` among `found`, checked to be refused; returns its detail.
fn refused<'a>(found: &'a [Value], name: &str) -> &'a str {
    let probe = found
        .iter()
        .find(|p| p["probe"] == name)
        .unwrap_or_else(|| panic!("no probe `{name}` in {found:#?}"));
    assert_eq!(
        probe["allowed"], false,
        "`{name}` escaped the sandbox: {probe}"
    );
    let detail = probe["detail"].as_str().unwrap();
    assert!(
        !detail.is_empty(),
        "`{name}` is refused with a reason: {probe}"
    );
    detail
}

#[tokio::test]
async fn files_sockets_and_the_environment_stay_out_of_reach() {
    let mut suite = Suite::start();
    let host_cwd = std::env::current_dir().unwrap().display().to_string();
    let city_dir = suite.dir.path().display().to_string();
    let city_toml = suite.dir.path().join("city.toml").display().to_string();

    // Files: none of the host's, nor a write to /tmp.
    suite
        .send(
            "probe-files",
            "read-file",
            json!({"paths": [city_toml], "dirs": [host_cwd, city_dir]}),
        )
        .await;
    suite.neighbour_keeps_serving().await;
    let files = suite.probes("probe-files", 8).await;
    for name in [
        "read /etc/passwd".to_owned(),
        "read /proc/self/environ".to_owned(),
        format!("read {city_toml}"),
        "list .".to_owned(),
        "list /".to_owned(),
        format!("list {host_cwd}"),
        format!("list {city_dir}"),
    ] {
        let why = refused(&files, &name);
        assert!(
            why.contains("os error"),
            "`{name}` is refused by WASI (no preopened folder): {why}"
        );
    }
    let write = "/tmp/cityhub-hostile-probe-files";
    refused(&files, &format!("write {write}"));
    assert!(
        !std::path::Path::new(write).exists(),
        "nothing written on the host"
    );

    // Sockets: a real listener and a real UDP socket get nothing.
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    tcp.set_nonblocking(true).unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_nonblocking(true).unwrap();
    let (tcp_at, udp_at) = (tcp.local_addr().unwrap(), udp.local_addr().unwrap());
    suite
        .send(
            "probe-sockets",
            "open-socket",
            json!({"tcp": tcp_at.to_string(), "udp": udp_at.to_string(), "host": "localhost"}),
        )
        .await;
    suite.neighbour_keeps_serving().await;
    let sockets = suite.probes("probe-sockets", 4).await;
    for name in [
        format!("tcp-connect {tcp_at}"),
        format!("udp-send {udp_at}"),
        "dns localhost".to_owned(),
        "tcp-listen 127.0.0.1:0".to_owned(),
    ] {
        refused(&sockets, &name);
    }
    assert_eq!(
        tcp.accept().map(|_| ()).unwrap_err().kind(),
        ErrorKind::WouldBlock,
        "the listener never got a connection"
    );
    assert_eq!(
        udp.recv_from(&mut [0; 64]).map(|_| ()).unwrap_err().kind(),
        ErrorKind::WouldBlock,
        "the UDP socket never got a datagram"
    );

    // The environment: no variables (the canary least of all), no
    // arguments, no working directory to list.
    suite.send("probe-env", "env", json!({})).await;
    suite.neighbour_keeps_serving().await;
    let env = suite.probes("probe-env", 3).await;
    for name in ["env-vars", "args", "current-dir"] {
        refused(&env, name);
    }
    assert!(
        !refused(&env, "current-dir").contains(&host_cwd),
        "the host's working directory is not the plugin's"
    );
    let mut seen: Vec<String> = [&files, &sockets, &env]
        .iter()
        .flat_map(|found| found.iter().map(Value::to_string))
        .collect();
    seen.extend(
        suite
            .host
            .logs()
            .iter()
            .filter(|l| l["plugin"] == "hostile")
            .map(Value::to_string),
    );
    suite.assert_no_canary(&seen);
    suite.neighbour_keeps_serving().await;
}

#[tokio::test]
async fn floods_deadlines_huge_batches_quota_and_forbidden_types_are_contained() {
    let mut suite = Suite::start();

    // A log and stdio flood: at most the budget of records reaches the
    // host's log, each cut and unable to forge a line; the plugin's 2 MiB
    // of stdout and stderr are taken (its writes succeed) and discarded.
    suite.send("flood-1", "log-flood", json!({})).await;
    suite.neighbour_keeps_serving().await;
    let stdio = suite.probes("flood-1", 1).await;
    assert_eq!(stdio[0]["probe"], "stdio");
    assert_eq!(
        stdio[0]["allowed"], true,
        "stdout and stderr take every byte, without failing the plugin: {}",
        stdio[0]
    );
    suite
        .host
        .wait_for_log("the log budget's warning", |l| {
            l["plugin"] == "hostile"
                && l["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("limit of 100 log records for this batch"))
        })
        .await;
    let logs = suite.host.logs();
    let records: Vec<&Value> = logs
        .iter()
        .filter(|l| l["target"] == "plugin" && l["plugin"] == "hostile")
        .collect();
    assert_eq!(
        records.len(),
        LOG_BUDGET,
        "one batch keeps its budget of records"
    );
    for r in &records {
        let message = r["message"].as_str().unwrap();
        assert!(
            message.len() <= 4096 + 3,
            "message cut: {} bytes",
            message.len()
        );
        assert!(!message.contains('\n'), "no raw newline: {message:?}");
        let fields = r["fields"].as_str().unwrap_or_default();
        assert!(
            fields.len() <= 4096 + 3,
            "fields cut: {} bytes",
            fields.len()
        );
        assert!(!fields.contains("field32="), "at most 32 fields");
    }
    assert!(
        records.iter().any(|r| r["message"]
            == "hostile record\\nINFO cityhub: forged line from the hostile plugin"),
        "the forged newline is escaped"
    );
    assert!(
        !logs.iter().any(|l| l["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("INFO cityhub: forged"))),
        "no forged line in the host's log"
    );
    let m = scrape(&suite.host).await;
    let plugin = |name: &str| m[&format!("{name}{{plugin=\"hostile\"}}")];
    assert!(
        plugin("cityhub_plugin_logs_dropped_total") >= (2_000 - LOG_BUDGET) as f64,
        "dropped records are counted: {}",
        plugin("cityhub_plugin_logs_dropped_total")
    );
    assert!(
        plugin("cityhub_plugin_stdio_bytes_total") >= (2u64 << 20) as f64,
        "printed bytes are counted: {}",
        plugin("cityhub_plugin_stdio_bytes_total")
    );

    // Living at the deadline on every call: every call succeeds, each is
    // counted, and one warning names the plugin and its limit.
    let near = "cityhub_plugin_near_deadline_total{plugin=\"hostile\"}";
    let before = scrape(&suite.host).await[near];
    let spin = TIME_PER_BATCH_MS * 9 / 10;
    for i in 0..3 {
        suite
            .send(&format!("near-{i}"), "near-deadline", json!({"ms": spin}))
            .await;
    }
    suite.neighbour_keeps_serving().await;
    for i in 0..3 {
        let near = suite.probes(&format!("near-{i}"), 1).await;
        assert_eq!(near[0]["probe"], "near-deadline", "{}", near[0]);
    }
    let warning = suite
        .host
        .wait_for_log("the near-deadline warning", |l| {
            l["message"]
                .as_str()
                .is_some_and(|m| m.contains("is living near its deadline"))
        })
        .await;
    assert_eq!(warning["plugin"], "hostile");
    assert_eq!(warning["limit"], "500ms");
    let message = warning["message"].as_str().unwrap();
    assert!(message.contains("`time-per-batch` of 500ms"), "{message}");
    let warnings = suite
        .host
        .logs()
        .iter()
        .filter(|l| {
            l["message"]
                .as_str()
                .is_some_and(|m| m.contains("near its deadline"))
        })
        .count();
    assert_eq!(
        warnings, 1,
        "at most one warning a minute per plugin (the run takes less)"
    );
    let m = scrape(&suite.host).await;
    assert_eq!(m[near] - before, 3.0, "every near call is counted");
    assert_eq!(
        m["cityhub_plugin_near_deadline_total{plugin=\"traffic\"}"],
        0.0
    );

    // A huge batch (over outputs-per-batch and output-bytes at once): refused,
    // the reason naming both limits.
    suite.send("huge-1", "huge-batch", json!({})).await;
    suite.neighbour_keeps_serving().await;
    let letter = suite.dead_letter("huge-1").await;
    assert_eq!(letter["failure"], "output_too_large", "{letter}");
    let reason = letter["reason"].as_str().unwrap();
    assert!(
        reason.contains("`output-bytes` limit of 1 MiB")
            && reason.contains("2000 output events are over the `outputs-per-batch` limit of 100"),
        "{reason}"
    );

    // The state quota: the write past it is refused, the batch fails with
    // the plugin's error, and nothing of it is kept.
    suite.send("quota-1", "state-flood", json!({})).await;
    suite.neighbour_keeps_serving().await;
    let letter = suite.dead_letter("quota-1").await;
    assert_eq!(letter["failure"], "plugin_internal", "{letter}");
    assert!(
        letter["reason"]
            .as_str()
            .unwrap()
            .contains("exceed the state quota of 65536 bytes"),
        "{letter}"
    );

    // A forbidden type: refused, naming it.
    suite.send("forbidden-1", "undeclared", json!({})).await;
    suite.neighbour_keeps_serving().await;
    let letter = suite.dead_letter("forbidden-1").await;
    assert_eq!(letter["failure"], "undeclared_type", "{letter}");
    assert!(
        letter["reason"]
            .as_str()
            .unwrap()
            .contains("city.forbidden.thing"),
        "{letter}"
    );
    assert!(
        suite
            .host
            .events("type=city.forbidden.>&limit=10")
            .await
            .is_empty(),
        "nothing of the forbidden type was stored"
    );

    // After it all, the hostile plugin still serves (a fresh instance), and
    // so does its neighbour.
    suite
        .send("after-all", "ok", json!({"still": "here"}))
        .await;
    let echo = suite.probes("after-all", 1).await;
    assert_eq!(echo[0], json!({"still": "here"}));
    suite.neighbour_keeps_serving().await;
    let seen: Vec<String> = suite
        .host
        .logs()
        .iter()
        .filter(|l| l["plugin"] == "hostile")
        .map(Value::to_string)
        .collect();
    suite.assert_no_canary(&seen);
}
