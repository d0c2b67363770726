//! `[server]` input limits against the real binary, set small so each is
//! reached quickly: slow clients (headers and bodies), header count and size,
//! batch, event and body size, and the `limit` query cap. Every refusal is
//! JSON naming the limit, its value and the city.toml key that sets it, and
//! the host keeps serving everyone else.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::support::{Host, PluginSpec, reading, write_city};

const BATCH: &str = "application/cloudevents-batch+json";

/// A host with small limits.
fn start() -> (Host, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_city(tmp.path(), &[PluginSpec::traffic()]);
    let city = std::fs::read_to_string(&file).unwrap();
    let server = r#"[server]
max-body = "64 KiB"
max-event = "2 KiB"
max-batch = 5
max-headers = 20
max-header-bytes = "2 KiB"
header-timeout = "1s"
request-timeout = "1s"
max-query-limit = 50

"#;
    std::fs::write(&file, format!("{server}{city}")).unwrap();
    (Host::start_with(&file), tmp)
}

/// `GET /healthz` answers `200`.
async fn healthy(host: &Host) {
    let r = host.http.get(host.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// Sends `bytes` on a new connection, then reads until the host closes it;
/// the status and JSON body of its answer (`0` and null when none came).
async fn raw(host: &Host, bytes: &[u8]) -> (u16, Value, String) {
    let mut conn = TcpStream::connect(host.addr).await.unwrap();
    conn.write_all(bytes).await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), conn.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the host neither answered nor closed in 30s");
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    (
        status,
        serde_json::from_str(body).unwrap_or(Value::Null),
        text,
    )
}

/// The error's code and message, after checking it names `key` and `value`.
fn refusal(what: &str, body: &Value, code: &str, key: &str, value: &str) -> String {
    assert_eq!(body["error"]["code"], code, "{what}: {body:#}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("`[server] {key}`")) && message.contains(value),
        "{what}: the message names `[server] {key}` and {value}: {message}"
    );
    message.to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_clients_are_cut_off_while_others_are_served() {
    let (host, _tmp) = start();

    // A slowloris: a request line, then a header one byte every 100 ms — it
    // would take 30 s to finish; the host closes it after `header-timeout`.
    let mut slow = TcpStream::connect(host.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nhost: cityhub\r\n")
        .await
        .unwrap();
    let (mut reader, mut writer) = slow.into_split();
    let header = format!("x-slow: {}\r\n\r\n", "a".repeat(300));
    let dripping = tokio::spawn(async move {
        for (sent, byte) in header.bytes().enumerate() {
            if writer.write_all(&[byte]).await.is_err() {
                return sent;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        header.len()
    });
    // Meanwhile everyone else is served.
    for _ in 0..5 {
        healthy(&host).await;
    }
    let mut answer = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(25), reader.read_to_end(&mut answer)).await;
    assert!(
        closed.is_ok(),
        "the slow client is still connected after 25s; header-timeout is 1s"
    );
    assert!(
        answer.is_empty(),
        "a cut-off client gets no answer: {}",
        String::from_utf8_lossy(&answer)
    );
    dripping.abort();
    healthy(&host).await;

    // A body that stalls: headers and 10 of its 100 bytes, then nothing.
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: cityhub\r\nauthorization: Bearer {}\r\ncontent-type: {BATCH}\r\ncontent-length: 100\r\n\r\n[{{\"id\": 1",
        host.token
    );
    let (status, body, text) = raw(&host, head.as_bytes()).await;
    assert_eq!(status, 408, "{text}");
    refusal(
        "a stalled body",
        &body,
        "request_timeout",
        "request-timeout",
        "1s",
    );
    assert!(
        text.to_ascii_lowercase().contains("connection: close"),
        "{text}"
    );
    healthy(&host).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_limit_is_refused_naming_its_key() {
    let (host, _tmp) = start();

    // Headers: more than 20 lines, more than 2 KiB, and past twice either
    // (hyper's own ceiling: a bare 431, the connection closed).
    let mut many = host.http.get(host.url("/v1/events"));
    for i in 0..25 {
        many = many.header(format!("x-extra-{i}"), "1");
    }
    let r = many.send().await.unwrap();
    assert_eq!(r.status(), 431);
    let body: Value = r.json().await.unwrap();
    refusal(
        "too many headers",
        &body,
        "too_many_headers",
        "max-headers",
        "limit of 20",
    );
    let r = host
        .http
        .get(host.url("/v1/events"))
        .header("x-big", "b".repeat(1500))
        .header("x-bigger", "b".repeat(1000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 431);
    let body: Value = r.json().await.unwrap();
    refusal(
        "big headers",
        &body,
        "headers_too_large",
        "max-header-bytes",
        "limit of 2048 bytes",
    );
    let mut head = String::from("GET /healthz HTTP/1.1\r\nhost: cityhub\r\n");
    for i in 0..50 {
        head.push_str(&format!("x-extra-{i}: 1\r\n"));
    }
    head.push_str("\r\n");
    let (status, _, text) = raw(&host, head.as_bytes()).await;
    assert_eq!(status, 431, "past the ceiling: {text}");
    healthy(&host).await;

    // Batch, event and body size.
    let events: Vec<Value> = (0..6)
        .map(|i| reading(&format!("b-{i}"), "QL1-001", 40.0, i))
        .collect();
    let r = host.post_batch(&events).await;
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.unwrap();
    let m = refusal(
        "a batch of 6",
        &body,
        "batch_too_large",
        "max-batch",
        "limit of 5",
    );
    assert!(m.contains("holds 6 events"), "{m}");
    let r = host.post_batch(&events[..5]).await;
    assert_eq!(r.status(), 202, "5 events are within `max-batch`");

    let mut big = reading("big", "QL1-001", 40.0, 1);
    big["data"]["note"] = json!("n".repeat(3000));
    let r = host.post_batch(&[big]).await;
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.unwrap();
    refusal(
        "a 3 KB event",
        &body,
        "event_too_large",
        "max-event",
        "limit of 2048 bytes",
    );
    assert_eq!(body["error"]["field"], "/0");

    // Refused from its Content-Length: only the head is sent.
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: cityhub\r\nauthorization: Bearer {}\r\ncontent-type: {BATCH}\r\ncontent-length: 70000\r\n\r\n",
        host.token
    );
    let (status, body, text) = raw(&host, head.as_bytes()).await;
    assert_eq!(status, 413, "{text}");
    refusal(
        "a 70 KB body",
        &body,
        "payload_too_large",
        "max-body",
        "limit of 65536 bytes",
    );

    // `limit` over the cap: 400 on every list endpoint, and the cap itself is fine.
    for path in [
        "/v1/events",
        "/v1/deadletters",
        "/v1/ops/alerts",
        "/v1/ops/incidents",
    ] {
        let r = host
            .http
            .get(host.url(&format!("{path}?limit=51")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path}?limit=51");
        let body: Value = r.json().await.unwrap();
        refusal(
            path,
            &body,
            "invalid_query",
            "max-query-limit",
            "from 1 to 50",
        );
        assert_eq!(body["error"]["field"], "limit", "{path}");
        let r = host
            .http
            .get(host.url(&format!("{path}?limit=50")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}?limit=50");
    }
    healthy(&host).await;
}
