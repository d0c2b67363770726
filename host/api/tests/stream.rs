//! `GET /v1/stream` against an in-process host on a real SQLite file:
//! posted events arrive, the type filter keeps what matches, `after` and
//! `Last-Event-ID` resume with no gap and no repeat, a bad pattern is a 400.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use serde_json::Value;
use support::{Host, event};

/// One server-sent event as the client reads it.
#[derive(Debug)]
struct Sent {
    id: i64,
    kind: String,
    event: Value,
}

/// A stream being read incrementally.
struct Reader {
    response: reqwest::Response,
    buffer: String,
}

impl Reader {
    async fn open(host: &Host, query: &str, last_event_id: Option<i64>) -> Self {
        let mut req = host.client.get(host.url(&format!("/v1/stream{query}")));
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let response = req.send().await.expect("open the stream");
        assert_eq!(response.status(), 200);
        let ct = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments skipped); fails the test after 10 s.
    async fn next(&mut self) -> Sent {
        tokio::time::timeout(Duration::from_secs(10), self.next_inner())
            .await
            .expect("an event within 10 s")
    }

    async fn next_inner(&mut self) -> Sent {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut kind, mut data) = (None, None, None);
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id: ").or(line.strip_prefix("id:")) {
                        id = Some(v.parse::<i64>().expect("a numeric id"));
                    } else if let Some(v) =
                        line.strip_prefix("event: ").or(line.strip_prefix("event:"))
                    {
                        kind = Some(v.to_owned());
                    } else if let Some(v) =
                        line.strip_prefix("data: ").or(line.strip_prefix("data:"))
                    {
                        assert!(data.is_none(), "one data line per event: {block:?}");
                        data = Some(serde_json::from_str::<Value>(v).expect("data is JSON"));
                    }
                }
                if let (Some(id), Some(kind), Some(event)) = (id, kind, data) {
                    return Sent { id, kind, event };
                }
            }
            let chunk = self
                .response
                .chunk()
                .await
                .expect("read the stream")
                .expect("the stream stays open");
            self.buffer
                .push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }

    /// Reads `n` events and returns their CloudEvent ids.
    async fn ids(&mut self, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        for _ in 0..n {
            let s = self.next().await;
            out.push(s.event["id"].as_str().expect("id").to_owned());
        }
        out
    }
}

#[tokio::test]
async fn posted_events_arrive_as_cloudevents_with_their_log_position() {
    let host = Host::start().await;
    // Something before the stream opens: not sent (it starts at the end).
    host.post(&[event("city.traffic.reading", "old")]).await;
    let mut stream = Reader::open(&host, "", None).await;
    let seqs = host
        .post(&[
            event("city.traffic.reading", "a"),
            event("city.ioc.alert", "b"),
        ])
        .await;
    let first = stream.next().await;
    assert_eq!(first.kind, "cloudevent");
    assert_eq!(first.id, seqs[0]);
    assert_eq!(first.event["id"], "a");
    assert_eq!(first.event["type"], "city.traffic.reading");
    assert_eq!(first.event["specversion"], "1.0");
    assert_eq!(first.event["data"]["n"], "a");
    let second = stream.next().await;
    assert_eq!(
        (second.id, second.event["id"].as_str()),
        (seqs[1], Some("b"))
    );

    let metrics = host.text("/metrics").await;
    assert!(metrics.contains("\ncityhub_stream_open 1\n"), "{metrics}");
    assert!(
        metrics.contains("\ncityhub_stream_events_sent_total 2\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn the_type_filter_keeps_only_matching_events() {
    let host = Host::start().await;
    let mut stream = Reader::open(&host, "?type=city.*.alert,city.ioc.kpi", None).await;
    host.post(&[
        event("city.traffic.reading", "r1"),
        event("city.health.alert", "h1"),
        event("city.ioc.kpi", "k1"),
        event("city.ioc.kpi.extra", "x1"),
        event("city.traffic.alert", "t1"),
    ])
    .await;
    assert_eq!(stream.ids(3).await, ["h1", "k1", "t1"]);
    // Nothing else was sent: the next one is the next match posted.
    host.post(&[
        event("city.traffic.reading", "r2"),
        event("city.ioc.alert", "i2"),
    ])
    .await;
    assert_eq!(stream.ids(1).await, ["i2"]);
}

#[tokio::test]
async fn after_and_last_event_id_resume_without_gap_or_repeat() {
    let host = Host::start().await;
    let mut first = Reader::open(&host, "?type=city.>", None).await;
    let batch: Vec<Value> = (0..5)
        .map(|i| event("city.test.tick", &format!("e{i}")))
        .collect();
    let seqs = host.post(&batch).await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        seen.push(first.next().await);
    }
    drop(first);
    let last = seen[1].id;
    assert_eq!(last, seqs[1]);
    // Events posted while disconnected are not lost.
    let more = host.post(&[event("city.test.tick", "e5")]).await;

    // A reconnecting EventSource sends Last-Event-ID.
    let mut resumed = Reader::open(&host, "?type=city.>", Some(last)).await;
    let ids = resumed.ids(4).await;
    assert_eq!(ids, ["e2", "e3", "e4", "e5"]);

    // `after` in the query wins over the header.
    let mut by_query = Reader::open(&host, &format!("?after={}", seqs[3]), Some(0)).await;
    let s = by_query.next().await;
    assert_eq!((s.id, s.event["id"].as_str()), (seqs[4], Some("e4")));
    let s = by_query.next().await;
    assert_eq!((s.id, s.event["id"].as_str()), (more[0], Some("e5")));
}

#[tokio::test]
async fn a_slow_reader_gets_every_event_in_order() {
    let host = Host::start().await;
    let start = host.bus.last_seq();
    let mut stream = Reader::open(&host, "", None).await;
    // More than two windows (500) while the client reads nothing: the
    // stream's task waits for it and reads on behind.
    for chunk in 0..3 {
        let batch: Vec<Value> = (0..400)
            .map(|i| event("city.test.tick", &format!("s{}", chunk * 400 + i)))
            .collect();
        host.post(&batch).await;
    }
    let mut previous = start;
    for i in 0..1200 {
        let s = stream.next().await;
        assert_eq!(s.id, previous + 1, "no gap, no repeat");
        assert_eq!(s.event["id"], format!("s{i}"));
        previous = s.id;
    }
}

#[tokio::test]
async fn a_resume_older_than_the_memory_tail_reads_the_store() {
    let old: Vec<Value> = (0..700)
        .map(|i| event("city.test.tick", &format!("o{i}")))
        .collect();
    // Stored before the host started: only the store has them.
    let host = Host::start_with_log(&old).await;
    let mut stream = Reader::open(&host, "?after=0", None).await;
    for i in 0..700 {
        let s = stream.next().await;
        assert_eq!(
            (s.id, s.event["id"].as_str()),
            (i + 1, Some(format!("o{i}").as_str()))
        );
    }
    // Then on into the live log.
    let seqs = host.post(&[event("city.test.tick", "live")]).await;
    let s = stream.next().await;
    assert_eq!((s.id, s.event["id"].as_str()), (seqs[0], Some("live")));
}

#[tokio::test]
async fn closing_the_streams_ends_them_so_a_graceful_shutdown_can_finish() {
    let host = Host::start().await;
    let mut stream = Reader::open(&host, "", None).await;
    host.post(&[event("city.test.tick", "before")]).await;
    assert_eq!(stream.ids(1).await, ["before"]);
    host.streams.close();
    let end = tokio::time::timeout(Duration::from_secs(10), stream.response.chunk())
        .await
        .expect("the stream ends within 10 s");
    assert!(
        end.expect("a clean end").is_none(),
        "the response completes"
    );
    let r = host
        .client
        .get(host.url("/v1/stream"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "shutting_down");
    assert!(
        host.text("/metrics")
            .await
            .contains("\ncityhub_stream_open 0\n")
    );
}

#[tokio::test]
async fn a_bad_pattern_or_position_is_a_400_naming_it() {
    let host = Host::start().await;
    let get = |q: &'static str| {
        let host = &host;
        async move {
            let r = host
                .client
                .get(host.url(&format!("/v1/stream{q}")))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = get("?type=city.ioc.kpi,city.>.alert").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_query");
    assert_eq!(body["error"]["field"], "type");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("`city.>.alert`"), "{message}");
    assert!(message.contains("`*` matches one token"), "{message}");

    let (status, body) = get("?after=soon").await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("after"))
    );
    let (status, body) = get("?types=city.>").await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("types"))
    );
    let r = host
        .client
        .get(host.url("/v1/stream"))
        .header("Last-Event-ID", "x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["field"], "Last-Event-ID");
}

#[tokio::test]
async fn streams_past_the_limit_are_refused_until_one_closes() {
    let host = Host::start().await;
    host.streams.set_limit(1);
    let first = Reader::open(&host, "", None).await;
    let r = host
        .client
        .get(host.url("/v1/stream"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "5");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_streams", "{body}");
    drop(first);
    // The first stream's task notices its client has gone at its next send.
    host.post(&[event("city.test.tick", "wake")]).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let r = host
            .client
            .get(host.url("/v1/stream"))
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "a stream was refused 10 s after the first closed: {}",
            r.status()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
