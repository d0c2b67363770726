//! Unit tests of the HTTP modes: structured and batch, what all three modes
//! share (mode choice, limits), and a timing run (`cargo test --release -- --ignored`).

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::{
    Limits,
    binary::tests::{binary_headers, binary_without},
    parse_request, write_batch,
};
use crate::{CloudEvent, Error, test_support::assert_error};

pub(super) fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    map
}

pub(super) fn parse(
    pairs: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<Vec<CloudEvent>, Error> {
    parse_request(&headers(pairs), body.into(), &Limits::default())
}

pub(super) const STRUCTURED: (&str, &str) = (
    "content-type",
    "application/cloudevents+json; charset=utf-8",
);
const BATCH: (&str, &str) = ("content-type", "application/cloudevents-batch+json");

pub(super) const READING: &str = r#"{"specversion":"1.0","id":"r-1","source":"/sensors/cau-giay/42","type":"city.traffic.reading","subject":"Ngã tư Cầu Giấy","time":"2026-11-27T08:00:00+07:00","data":{"street":"Đường Láng","speed_kmh":23.5}}"#;

#[test]
fn structured_mode_reads_one_event_and_shares_the_body() {
    let body = Bytes::from(READING);
    let events = parse_request(&headers(&[STRUCTURED]), body.clone(), &Limits::default()).unwrap();
    let [e] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(e.subject.as_deref(), Some("Ngã tư Cầu Giấy"));
    let data = e.data.as_ref().unwrap();
    assert_eq!(
        &data[..],
        r#"{"street":"Đường Láng","speed_kmh":23.5}"#.as_bytes()
    );
    assert!(
        body.as_ptr_range().contains(&data.as_ptr()),
        "data was copied"
    );
    // Media types are case-insensitive.
    let events = parse(
        &[(
            "content-type",
            "Application/CloudEvents+JSON;Charset=\"UTF-8\"",
        )],
        READING,
    )
    .unwrap();
    assert_eq!(events.len(), 1);
}

#[test]
fn batch_mode_reads_every_event_in_order() {
    let body = format!(
        "[{READING}, {}, {}]",
        READING.replace("r-1", "r-2"),
        READING.replace("r-1", "r-3")
    );
    let events = parse(&[BATCH], body).unwrap();
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["r-1", "r-2", "r-3"]);
    assert!(
        events
            .iter()
            .all(|e| e.subject.as_deref() == Some("Ngã tư Cầu Giấy"))
    );
}

#[test]
fn missing_attributes_are_named_in_every_mode() {
    for attr in ["specversion", "id", "source", "type"] {
        let mut event: serde_json::Value = serde_json::from_str(READING).unwrap();
        event.as_object_mut().unwrap().remove(attr);
        let e = parse(&[STRUCTURED], event.to_string()).unwrap_err();
        assert!(matches!(e, Error::Missing { .. }), "{e:?}");
        assert_error(
            &e,
            "invalid_event",
            Some(attr),
            &["required attribute is missing"],
        );

        let e = parse(&[BATCH], format!("[{READING},{event}]")).unwrap_err();
        assert_error(
            &e,
            "invalid_event",
            Some(&format!("/1/{attr}")),
            &[&format!("event 1, `{attr}`"), "missing"],
        );

        let header = format!("ce-{attr}");
        let e = parse(&binary_without(&header), "{}").unwrap_err();
        assert!(matches!(e, Error::Missing { .. }), "{e:?}");
        assert_error(
            &e,
            "invalid_event",
            Some(&header),
            &[&format!("`{header}`"), "missing"],
        );
    }
}

#[test]
fn batch_errors_carry_the_index() {
    let bad = READING.replace(
        r#""time":"2026-11-27T08:00:00+07:00""#,
        r#""time":"hôm qua""#,
    );
    let e = parse(&[BATCH], format!("[{READING},{READING},{bad}]")).unwrap_err();
    assert_error(
        &e,
        "invalid_event",
        Some("/2/time"),
        &["event 2, `time`", "`hôm qua` is not an RFC 3339 timestamp"],
    );
    let e = parse(&[BATCH], format!("[{READING}, 7]")).unwrap_err();
    assert_error(
        &e,
        "invalid_event",
        Some("/1"),
        &["event 1: must be a JSON object, not a number"],
    );
    let bad = READING.replace("city.traffic.reading", "city.*");
    let e = parse(&[BATCH], format!("[{bad}]")).unwrap_err();
    assert_error(
        &e,
        "invalid_event",
        Some("/0/type"),
        &["event type `city.*` is not valid"],
    );
}

#[test]
fn batch_size_is_bounded() {
    let e = parse(&[BATCH], " [ ] ").unwrap_err();
    assert!(matches!(e, Error::BatchSize(_)), "{e:?}");
    assert_error(
        &e,
        "invalid_batch",
        None,
        &["the batch is empty", "at least one event"],
    );

    let limits = Limits {
        max_batch_events: 2,
        ..Limits::default()
    };
    let body = format!("[{READING},{READING},{READING},{READING},{READING}]");
    let e = parse_request(&headers(&[BATCH]), body.into(), &limits).unwrap_err();
    assert_eq!(e, Error::BatchTooLarge { count: 5, limit: 2 });
    assert_error(
        &e,
        "batch_too_large",
        None,
        &[
            "holds 5 events",
            "limit of 2 events per batch",
            "split it into requests of at most 2",
        ],
    );

    let e = parse(&[BATCH], READING).unwrap_err();
    assert_eq!(e, Error::NotABatch("an object"));
    assert_error(
        &e,
        "invalid_batch",
        None,
        &["must be a JSON array", "`application/cloudevents+json`"],
    );
}

#[test]
fn events_over_the_size_limit_are_refused() {
    let limits = Limits {
        max_event_bytes: 150,
        ..Limits::default()
    };
    let size = CloudEvent::from_json(READING).unwrap().size();
    assert!(size <= 150, "{size}");
    let big = READING.replace("Đường Láng", &"Đường Láng ".repeat(10));
    let big_size = CloudEvent::from_json(&big).unwrap().size();

    let e = parse_request(&headers(&[STRUCTURED]), big.clone().into(), &limits).unwrap_err();
    assert_eq!(
        e,
        Error::EventTooLarge {
            location: crate::Location::field(""),
            size: big_size,
            limit: 150
        }
    );
    assert_error(
        &e,
        "event_too_large",
        None,
        &[&format!("the event is {big_size} bytes"), "limit of 150"],
    );

    let e = parse_request(
        &headers(&[BATCH]),
        format!("[{READING},{big}]").into(),
        &limits,
    )
    .unwrap_err();
    assert_error(
        &e,
        "event_too_large",
        Some("/1"),
        &[&format!("event 1 is {big_size} bytes"), "by reference"],
    );

    let e = parse_request(
        &headers(&binary_headers()),
        Bytes::from(vec![b'1'; 151]),
        &limits,
    )
    .unwrap_err();
    assert_error(
        &e,
        "event_too_large",
        None,
        &["over the limit of 150 bytes"],
    );
}

#[test]
fn invalid_json_gives_line_and_column() {
    for (h, body) in [
        (STRUCTURED, "{\"id\": \"a\",\n \"x\": tru }"),
        (BATCH, "[{\"id\": \"a\",\n \"x\": tru }]"),
    ] {
        let e = parse(&[h], body).unwrap_err();
        assert!(matches!(e, Error::Json { line: 2, .. }), "{e:?}");
        assert_error(
            &e,
            "invalid_json",
            None,
            &["not valid JSON at line 2, column"],
        );
    }
    let e = parse(&[STRUCTURED], "").unwrap_err();
    assert_error(&e, "invalid_json", None, &["EOF while parsing"]);
    let e = parse(&[STRUCTURED], format!("{READING} {{}}")).unwrap_err();
    assert_error(&e, "invalid_json", None, &["trailing characters"]);
    let e = parse(&[BATCH], format!("[{READING}] x")).unwrap_err();
    assert_error(&e, "invalid_json", None, &["trailing characters"]);
}

#[test]
fn json_bodies_must_be_utf8() {
    for h in [STRUCTURED, BATCH] {
        let mut body = b"[{\"id\": \"Ng".to_vec();
        body.extend_from_slice(b"\xe3 t\xfd\"}]");
        let e = parse(&[h], body).unwrap_err();
        assert_eq!(
            e,
            Error::NotUtf8 {
                what: "request body".into(),
                offset: 11
            }
        );
        assert_error(
            &e,
            "invalid_utf8",
            None,
            &["request body is not valid UTF-8 (at byte 11)"],
        );
    }
}

#[test]
fn unknown_content_types_are_refused() {
    for (h, shown) in [
        (vec![("content-type", "text/plain")], "`text/plain`"),
        (
            vec![("content-type", "application/xml")],
            "`application/xml`",
        ),
        (
            vec![("content-type", "application/json")],
            "`application/json`",
        ),
        (
            vec![
                ("content-type", "application/cloudevents+avro"),
                ("ce-id", "x"),
            ],
            "`application/cloudevents+avro`",
        ),
        (
            vec![(
                "content-type",
                "application/cloudevents+json; charset=iso-8859-1",
            )],
            "charset=iso-8859-1",
        ),
        (vec![], "no `content-type` and no `ce-*` headers"),
    ] {
        let e = parse(&h, READING).unwrap_err();
        assert!(matches!(e, Error::UnsupportedContentType(_)), "{e:?}");
        assert_error(
            &e,
            "unsupported_content_type",
            None,
            &[shown, "`application/cloudevents+json` (structured)"],
        );
    }
}

#[test]
fn write_batch_round_trips() {
    let mut first = CloudEvent::from_json(READING).unwrap();
    first.extensions.insert("lane".into(), "2".into());
    let mut second = CloudEvent::from_json(&READING.replace("r-1", "r-2")).unwrap();
    second.datacontenttype = Some("application/octet-stream".into());
    second.data = Some(vec![0xff, 0].into());
    let mut out = Vec::new();
    write_batch(&[first.clone(), second.clone()], &mut out);
    assert_eq!(parse(&[BATCH], out).unwrap(), [first, second]);
}

/// A traffic reading of about 300 bytes.
fn reading(i: usize) -> String {
    format!(
        r#"{{"specversion":"1.0","id":"0193a1b2-7c4d-7e8f-9a0b-{i:012}","source":"/sensors/cau-giay/42","type":"city.traffic.reading","time":"2026-11-27T08:00:00+07:00","subject":"Ngã tư Cầu Giấy","datacontenttype":"application/json","data":{{"sensor":"cg-42","lane":2,"vehicles":37,"speed_kmh":23.5,"occupancy":0.62}}}}"#
    )
}

#[test]
#[ignore = "timing run: cargo test --release -p cityhub-cloudevents -- --ignored --nocapture"]
fn time_a_batch_of_100_readings() {
    let body = Bytes::from(format!(
        "[{}]",
        (0..100).map(reading).collect::<Vec<_>>().join(",")
    ));
    let h = headers(&[BATCH]);
    let limits = Limits::default();
    let rounds = 2000;
    let time = |f: &dyn Fn()| {
        for _ in 0..rounds / 10 {
            f();
        }
        let start = std::time::Instant::now();
        for _ in 0..rounds {
            f();
        }
        start.elapsed() / rounds
    };
    let ours = time(&|| {
        std::hint::black_box(parse_request(&h, body.clone(), &limits).unwrap());
    });
    let value = time(&|| {
        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&body).unwrap());
    });
    let ignored = time(&|| {
        std::hint::black_box(serde_json::from_slice::<serde::de::IgnoredAny>(&body).unwrap());
    });
    println!(
        "batch of 100 readings, {} bytes: parse_request {ours:?}; serde_json Value {value:?}; serde_json syntax only {ignored:?}",
        body.len()
    );
}
