//! Unit tests of binary mode: headers to attributes, percent-decoding, the
//! body as data, and every refusal.

use bytes::Bytes;

use crate::{
    Error,
    http::{
        Limits, Mode, mode, parse_request,
        tests::{headers, parse},
    },
    test_support::assert_error,
};

pub(in crate::http) fn binary_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("ce-specversion", "1.0"),
        ("ce-id", "r-1"),
        ("ce-source", "/sensors/cau-giay/42"),
        ("ce-type", "city.traffic.reading"),
    ]
}

pub(in crate::http) fn binary_with(
    extra: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    let mut h = binary_headers();
    h.extend_from_slice(extra);
    h
}

pub(in crate::http) fn binary_without(name: &str) -> Vec<(&'static str, &'static str)> {
    binary_headers()
        .into_iter()
        .filter(|(n, _)| *n != name)
        .collect()
}

#[test]
fn binary_mode_reads_headers_and_body() {
    let body = Bytes::from(r#"{"street":"Đường Láng", "speed_kmh": 23.5}"#);
    let h = headers(&binary_with(&[
        (
            "ce-subject",
            "Ng%C3%A3%20t%c6%b0%20C%E1%BA%A7u%20Gi%E1%BA%A5y",
        ),
        ("ce-time", "2026-11-27T08:00:00+07:00"),
        ("ce-dataschema", "https://example.invalid/reading.json"),
        ("ce-region", "h%C3%A0-n%E1%BB%99i"),
        ("ce-lane", "2"),
        ("content-type", "application/json; charset=utf-8"),
    ]));
    assert_eq!(mode(&h).unwrap(), Mode::Binary);
    let events = parse_request(&h, body.clone(), &Limits::default()).unwrap();
    let e = &events[0];
    assert_eq!(
        (e.id.as_str(), e.source.as_str(), e.ty.as_str()),
        ("r-1", "/sensors/cau-giay/42", "city.traffic.reading")
    );
    assert_eq!(e.subject.as_deref(), Some("Ngã tư Cầu Giấy"));
    assert_eq!(
        e.time.as_ref().unwrap().as_str(),
        "2026-11-27T08:00:00+07:00"
    );
    assert_eq!(
        e.dataschema.as_deref(),
        Some("https://example.invalid/reading.json")
    );
    assert_eq!(
        e.datacontenttype.as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(e.extensions["region"], "hà-nội");
    assert_eq!(e.extensions["lane"], "2");
    assert_eq!(
        e.data.as_ref().unwrap(),
        &body,
        "the body is the data, as sent"
    );
}

#[test]
fn binary_mode_takes_any_bytes_for_non_json_data() {
    let body: &[u8] = b"\xff\x00 Ng\xe3 t\xfd"; // not UTF-8, not JSON: fine for octet-stream
    let e = parse(
        &binary_with(&[("content-type", "application/octet-stream")]),
        body,
    )
    .unwrap()
    .remove(0);
    assert_eq!(e.data.as_deref(), Some(body));
    let e = parse(&binary_with(&[("content-type", "text/plain")]), "")
        .unwrap()
        .remove(0);
    assert_eq!(e.data, None, "an empty body is no data");
    let e = parse(&binary_headers(), "").unwrap().remove(0);
    assert_eq!((e.datacontenttype, e.data), (None, None));
}

#[test]
fn binary_header_values_are_unquoted_and_percent_decoded() {
    let e = parse(
        &binary_with(&[("ce-subject", r#""Euro \"%E2%82%AC\" ok""#)]),
        "",
    )
    .unwrap()
    .remove(0);
    assert_eq!(e.subject.as_deref(), Some("Euro \"€\" ok"));
    let e = parse(&binary_with(&[("ce-subject", "%41%62c%25")]), "")
        .unwrap()
        .remove(0);
    assert_eq!(
        e.subject.as_deref(),
        Some("Abc%"),
        "needless escapes are accepted"
    );
    for (value, words) in [
        (
            "50%",
            &[
                "`%` that does not start a `%XX` escape",
                "at byte 2",
                "`%25`",
            ][..],
        ),
        ("%zz", &["does not start a `%XX` escape"][..]),
        (
            "%C0%A0",
            &[
                "not valid UTF-8 once percent-decoded",
                "at byte 0",
                "`H%C3%A0`",
            ][..],
        ),
        ("Ng%E3%20", &["not valid UTF-8", "at byte 2"][..]),
    ] {
        let e = parse(&binary_with(&[("ce-subject", value)]), "").unwrap_err();
        assert_error(&e, "invalid_event", Some("ce-subject"), words);
    }
}

#[test]
fn binary_json_data_must_be_json() {
    let e = parse(
        &binary_with(&[("content-type", "application/json")]),
        "{\"speed\": 23,}",
    )
    .unwrap_err();
    assert_error(
        &e,
        "invalid_event",
        Some("data"),
        &[
            "body is not valid JSON (line 1, column 14",
            "content type says JSON",
        ],
    );
    let e = parse(&binary_headers(), "tốc độ 23").unwrap_err();
    assert_error(
        &e,
        "invalid_event",
        Some("data"),
        &["with no `content-type`, data is taken to be JSON"],
    );
    let e = parse(
        &binary_with(&[("content-type", "application/json")]),
        &b"\"ab\xc3\""[..],
    )
    .unwrap_err();
    assert_eq!(
        e,
        Error::NotUtf8 {
            what: "request body".into(),
            offset: 3
        }
    );
}

#[test]
fn binary_mode_refuses_bad_headers() {
    for (extra, field, words) in [
        (
            ("ce-specversion", "0.3"),
            "ce-specversion",
            &["`0.3` is not supported"][..],
        ),
        (
            ("ce-time", "2026-11-27 08:00"),
            "ce-time",
            &["not an RFC 3339 timestamp"][..],
        ),
        (
            ("ce-region_code", "x"),
            "ce-region_code",
            &["`region_code` has an invalid name"][..],
        ),
        (
            ("ce-datacontenttype", "text/plain"),
            "ce-datacontenttype",
            &["send the data's media type as `content-type`"][..],
        ),
        (("ce-id", "r-2"), "ce-id", &["appears more than once"][..]),
        (("ce-subject", ""), "ce-subject", &["must not be empty"][..]),
        (
            ("content-type", ""),
            "content-type",
            &["must not be empty"][..],
        ),
    ] {
        let h: Vec<_> = binary_headers()
            .into_iter()
            .filter(|(n, _)| *n != extra.0 || extra.0 == "ce-id")
            .collect();
        let e = parse(&[&h[..], &[extra]].concat(), "").unwrap_err();
        assert_error(&e, "invalid_event", Some(field), words);
    }
    let e = parse(
        &binary_without("ce-type")
            .into_iter()
            .chain([("ce-type", "city traffic")])
            .collect::<Vec<_>>(),
        "",
    )
    .unwrap_err();
    assert_error(
        &e,
        "invalid_event",
        Some("ce-type"),
        &["event type `city traffic` is not valid"],
    );
}
