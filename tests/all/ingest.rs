//! Ingest over HTTP: the three CloudEvents modes are accepted; malformed
//! requests are refused with a JSON error naming the field, and nothing of
//! them is stored.

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec, reading};

async fn post(
    host: &Host,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut req = host.http.post(host.url("/v1/events")).body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Sends only the head of a POST announcing `len` bytes, and reads the answer.
async fn head_only(host: &Host, len: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(host.addr).await.unwrap();
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {}\r\ncontent-type: {BATCH}\r\ncontent-length: {len}\r\n\r\n",
        host.addr, host.token
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !String::from_utf8_lossy(&buf).contains("}}") {
        let n = conn.read(&mut chunk).await.unwrap();
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// What is sent, how it is sent, and the status, code and field expected.
type Case = (
    &'static str,
    Option<&'static str>,
    Vec<u8>,
    u16,
    &'static str,
    Option<&'static str>,
);

const STRUCTURED: &str = "application/cloudevents+json";
const BATCH: &str = "application/cloudevents-batch+json";

#[tokio::test]
async fn malformed_requests_are_refused_and_nothing_is_stored() {
    let (host, _dir) = Host::start(&[PluginSpec::traffic()]);
    let good = reading("ok-1", "QL1A-km2", 40.0, 1);
    let without = |attr: &str| {
        let mut e = good.clone();
        e.as_object_mut().unwrap().remove(attr);
        e
    };
    let with = |attr: &str, v: Value| {
        let mut e = good.clone();
        e[attr] = v;
        e
    };
    let cases: Vec<Case> = vec![
        (
            "missing id",
            Some(STRUCTURED),
            serde_json::to_vec(&without("id")).unwrap(),
            400,
            "invalid_event",
            Some("id"),
        ),
        (
            "missing source",
            Some(STRUCTURED),
            serde_json::to_vec(&without("source")).unwrap(),
            400,
            "invalid_event",
            Some("source"),
        ),
        (
            "missing type",
            Some(STRUCTURED),
            serde_json::to_vec(&without("type")).unwrap(),
            400,
            "invalid_event",
            Some("type"),
        ),
        (
            "missing specversion",
            Some(STRUCTURED),
            serde_json::to_vec(&without("specversion")).unwrap(),
            400,
            "invalid_event",
            Some("specversion"),
        ),
        (
            "id is a number",
            Some(STRUCTURED),
            serde_json::to_vec(&with("id", json!(5))).unwrap(),
            400,
            "invalid_event",
            Some("id"),
        ),
        (
            "time is not RFC 3339",
            Some(STRUCTURED),
            serde_json::to_vec(&with("time", json!("27/11/2026"))).unwrap(),
            400,
            "invalid_event",
            Some("time"),
        ),
        (
            "second event of a batch is bad",
            Some(BATCH),
            serde_json::to_vec(&json!([good, without("source")])).unwrap(),
            400,
            "invalid_event",
            Some("/1/source"),
        ),
        (
            "invalid JSON",
            Some(STRUCTURED),
            b"{\"id\": \"x\",".to_vec(),
            400,
            "invalid_json",
            None,
        ),
        (
            "invalid UTF-8",
            Some(STRUCTURED),
            b"{\"id\": \"\xff\xfe\"}".to_vec(),
            400,
            "invalid_utf8",
            None,
        ),
        (
            "unknown content type",
            Some("text/plain"),
            b"hello".to_vec(),
            415,
            "unsupported_content_type",
            None,
        ),
        (
            "no content type",
            None,
            b"{}".to_vec(),
            415,
            "unsupported_content_type",
            None,
        ),
        (
            "a batch that is not an array",
            Some(BATCH),
            serde_json::to_vec(&good).unwrap(),
            400,
            "invalid_batch",
            None,
        ),
        (
            "empty batch",
            Some(BATCH),
            b"[]".to_vec(),
            400,
            "invalid_batch",
            None,
        ),
    ];
    for (what, ct, body, status, code, field) in cases {
        let (got, err) = post(&host, ct, body).await;
        assert_eq!(got, status, "{what}: {err}");
        assert_eq!(err["error"]["code"], code, "{what}: {err}");
        let message = err["error"]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{what}: a message for people");
        if let Some(field) = field {
            assert_eq!(err["error"]["field"], field, "{what}: {err}");
        }
    }
    // A 10 MB body is refused from its Content-Length, before it is sent: a
    // raw client sends only the head and still gets the 413.
    let (status, err) = head_only(&host, 10_000_000).await;
    assert_eq!(status, 413, "{err}");
    assert_eq!(err["error"]["code"], "payload_too_large");

    // Binary mode with a missing ce-source header.
    let r = host
        .http
        .post(host.url("/v1/events"))
        .header("ce-specversion", "1.0")
        .header("ce-id", "b-1")
        .header("ce-type", "city.traffic.reading")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let err: Value = r.json().await.unwrap();
    assert!(
        err["error"]["field"].as_str().unwrap().contains("source"),
        "{err}"
    );

    // Nothing was stored for any of them.
    let health: Value = host
        .http
        .get(host.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["last_seq"], 0, "{health}");
    assert!(host.events("").await.is_empty());
}

#[tokio::test]
async fn all_three_modes_are_accepted_and_stored_as_sent() {
    let (host, _dir) = Host::start(&[PluginSpec::traffic()]);
    let one = reading("s-1", "Đường Bà Triệu", 30.0, 1);
    let (status, body) = post(&host, Some(STRUCTURED), serde_json::to_vec(&one).unwrap()).await;
    assert_eq!((status, body["accepted"].clone()), (202, json!(["s-1"])));

    let (status, body) = post(
        &host,
        Some(BATCH),
        serde_json::to_vec(&json!([
            reading("b-1", "QL4A", 30.0, 2),
            reading("b-2", "QL4A", 30.0, 3)
        ]))
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["accepted"].clone()),
        (202, json!(["b-1", "b-2"]))
    );

    let r = host
        .http
        .post(host.url("/v1/events"))
        .header("ce-specversion", "1.0")
        .header("ce-id", "bin-1")
        .header("ce-source", "/sensors/cửa-khẩu")
        .header("ce-type", "city.traffic.reading")
        .header("ce-subject", "H%E1%BB%AFu%20Ngh%E1%BB%8B")
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&one["data"]).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);

    // Sending the same event again is not an error, and stores nothing new.
    let (status, body) = post(&host, Some(STRUCTURED), serde_json::to_vec(&one).unwrap()).await;
    assert_eq!((status, body["duplicates"].clone()), (202, json!(["s-1"])));

    let stored = host.events("type=city.traffic.reading").await;
    let ids: Vec<&str> = stored
        .iter()
        .map(|e| e["event"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["s-1", "b-1", "b-2", "bin-1"]);
    assert_eq!(stored[0]["event"]["subject"], "Đường Bà Triệu");
    assert_eq!(stored[3]["event"]["subject"], "Hữu Nghị");
    assert_eq!(stored[3]["event"]["data"], one["data"]);
    // Query parameters are checked too.
    let r = host
        .http
        .get(host.url("/v1/events?limit=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = host
        .http
        .get(host.url("/v1/events?colour=red"))
        .send()
        .await
        .unwrap();
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["field"], "colour");
}

/// Concurrent requests are stored together (group commit), yet each gets its
/// own answer: the same event sent by 20 senders at once is accepted once
/// and reported as a duplicate to the 19 others.
#[tokio::test]
async fn concurrent_senders_of_one_event_get_one_acceptance() {
    let (host, _dir) = Host::start(&[PluginSpec::traffic()]);
    let mut tasks = Vec::new();
    for s in 0..20u32 {
        let (http, url) = (host.http.clone(), host.url("/v1/events"));
        tasks.push(tokio::spawn(async move {
            let body = vec![
                crate::support::reading("same", "QL1A-km2", 30.0, 1),
                crate::support::reading(&format!("own-{s}"), "QL1A-km2", 30.0, 2),
            ];
            let r = http
                .post(url)
                .header("content-type", "application/cloudevents-batch+json")
                .body(serde_json::to_vec(&body).unwrap())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 202);
            r.json::<serde_json::Value>().await.unwrap()
        }));
    }
    let mut accepted_same = 0;
    for t in tasks {
        let v = t.await.unwrap();
        let accepted: Vec<&str> = v["accepted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_str().unwrap())
            .collect();
        assert!(accepted.iter().any(|i| i.starts_with("own-")), "{v}");
        if accepted.contains(&"same") {
            accepted_same += 1;
        } else {
            assert_eq!(v["duplicates"], serde_json::json!(["same"]), "{v}");
        }
    }
    assert_eq!(accepted_same, 1);
    let stored = host.events("type=city.traffic.reading&limit=1000").await;
    assert_eq!(stored.len(), 21);
}
