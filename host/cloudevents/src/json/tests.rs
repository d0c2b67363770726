//! Unit tests of the JSON format: every attribute rule, `data` in its three
//! forms, and round trips through [`CloudEvent::write_json`].

use serde_json::{Value, json};

use super::de::compact;
use crate::{CloudEvent, Error, EventType, Timestamp, test_support::assert_error};

fn base() -> Value {
    json!({
        "specversion": "1.0",
        "id": "r-1",
        "source": "/sensors/cau-giay/42",
        "type": "city.traffic.reading",
    })
}

fn with(pairs: &[(&str, Value)]) -> Value {
    let mut v = base();
    for (k, val) in pairs {
        v[*k] = val.clone();
    }
    v
}

fn without(key: &str) -> Value {
    let mut v = base();
    v.as_object_mut().unwrap().remove(key);
    v
}

fn parse(v: &Value) -> Result<CloudEvent, Error> {
    CloudEvent::from_json(&v.to_string())
}

fn err(v: &Value) -> Error {
    parse(v).unwrap_err()
}

fn json_of(event: &CloudEvent) -> String {
    let mut out = Vec::new();
    event.write_json(&mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn reads_a_full_event_with_vietnamese_text() {
    let text = r#"{
        "specversion": "1.0", "id": "r-1", "source": "/sensors/cau-giay/42",
        "type": "city.traffic.reading", "subject": "Ngã tư Cầu Giấy",
        "time": "2026-11-27T08:00:00+07:00", "datacontenttype": "application/json",
        "dataschema": "https://example.invalid/reading.json", "region": "hà-nội",
        "data": { "street": "Đường Láng", "speed_kmh": 23.5, "note": "ùn tắc \"nặng\"" }
    }"#;
    let e = CloudEvent::from_json(text).unwrap();
    assert_eq!(e.id, "r-1");
    assert_eq!(e.source, "/sensors/cau-giay/42");
    assert_eq!(e.ty.as_str(), "city.traffic.reading");
    assert_eq!(e.subject.as_deref(), Some("Ngã tư Cầu Giấy"));
    assert_eq!(
        e.time.as_ref().unwrap().as_str(),
        "2026-11-27T08:00:00+07:00"
    );
    assert_eq!(
        e.dataschema.as_deref(),
        Some("https://example.invalid/reading.json")
    );
    assert_eq!(e.extensions["region"], "hà-nội");
    // Compact JSON text; the spaces inside strings stay.
    assert_eq!(
        &e.data.unwrap()[..],
        r#"{"street":"Đường Láng","speed_kmh":23.5,"note":"ùn tắc \"nặng\""}"#.as_bytes()
    );
}

#[test]
fn null_optional_attributes_and_extensions_are_unset() {
    let e = parse(&with(&[
        ("subject", Value::Null),
        ("time", Value::Null),
        ("gone", Value::Null),
    ]))
    .unwrap();
    assert_eq!((e.subject, e.time), (None, None));
    assert!(e.extensions.is_empty());
}

#[test]
fn extension_values_keep_their_canonical_form() {
    let e = parse(&with(&[
        ("lane", json!(2)),
        ("offset", json!(-7)),
        ("max", json!(i32::MAX)),
        ("sampled", json!(true)),
        ("region", json!("Cầu Giấy")),
    ]))
    .unwrap();
    let got: Vec<(&str, &str)> = e
        .extensions
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("lane", "2"),
            ("max", "2147483647"),
            ("offset", "-7"),
            ("region", "Cầu Giấy"),
            ("sampled", "true")
        ]
    );
}

#[test]
fn missing_required_attributes_are_named() {
    for attr in ["specversion", "id", "source", "type"] {
        let e = err(&without(attr));
        assert!(matches!(e, Error::Missing { .. }), "{e:?}");
        assert_error(
            &e,
            "invalid_event",
            Some(attr),
            &[&format!("`{attr}`"), "required attribute is missing"],
        );
    }
}

#[test]
fn wrong_json_types_name_the_attribute_and_the_expected_type() {
    for (attr, value, found) in [
        ("id", json!(5), "the number `5`"),
        ("type", Value::Null, "`null`"),
        ("time", json!(123), "the number `123`"),
        ("source", json!(true), "the boolean `true`"),
        ("subject", json!({"a": 1}), "an object"),
        ("specversion", json!(1.0), "the number `1.0`"),
        ("datacontenttype", json!(["application/json"]), "an array"),
    ] {
        let e = err(&with(&[(attr, value)]));
        assert!(matches!(e, Error::Invalid { .. }), "{e:?}");
        assert_error(
            &e,
            "invalid_event",
            Some(attr),
            &[&format!("`{attr}`"), "expected a string", found],
        );
    }
    let e = err(&with(&[("id", Value::Null)]));
    assert_error(&e, "invalid_event", Some("id"), &["`null`", "required"]);
}

#[test]
fn refuses_other_spec_versions() {
    let e = err(&with(&[("specversion", json!("0.3"))]));
    assert_error(
        &e,
        "invalid_event",
        Some("specversion"),
        &["`0.3` is not supported", "`1.0`"],
    );
}

#[test]
fn refuses_empty_strings() {
    for (attr, words) in [
        ("id", "unique"),
        ("source", "producer"),
        ("subject", "leave the attribute out"),
    ] {
        let e = err(&with(&[(attr, json!(""))]));
        assert_error(
            &e,
            "invalid_event",
            Some(attr),
            &["must not be empty", words],
        );
    }
}

#[test]
fn refuses_bad_times_and_types() {
    let e = err(&with(&[("time", json!("27/11/2026 08:00"))]));
    assert_error(
        &e,
        "invalid_event",
        Some("time"),
        &["`27/11/2026 08:00` is not an RFC 3339 timestamp", "e.g."],
    );
    let e = err(&with(&[("type", json!("city traffic"))]));
    assert_error(
        &e,
        "invalid_event",
        Some("type"),
        &["event type `city traffic` is not valid"],
    );
}

#[test]
fn refuses_bad_extension_names() {
    for name in [
        "Region",
        "region_code",
        "thisnameiswaytoolongforaspec",
        "ẩn",
    ] {
        let e = err(&with(&[(name, json!("x"))]));
        assert_error(
            &e,
            "invalid_event",
            Some(name),
            &[&format!("`{name}` has an invalid name"), "lowercase"],
        );
    }
}

#[test]
fn refuses_bad_extension_values() {
    for (value, words) in [
        (
            json!(1.5),
            &["the number `1.5`", "must be integers", "as a string"][..],
        ),
        (json!(3.0), &["the number `3.0`", "must be integers"][..]),
        (
            json!({"lane": 2}),
            &["string, an integer or a boolean", "an object", "`data`"][..],
        ),
        (json!([1, 2]), &["an array"][..]),
        (
            json!(3_000_000_000_u64),
            &["`3000000000` is outside the CloudEvents Integer range"][..],
        ),
        (json!(-3_000_000_000_i64), &["`-3000000000` is outside"][..]),
    ] {
        let e = err(&with(&[("lane", value)]));
        assert_error(&e, "invalid_event", Some("lane"), words);
    }
}

#[test]
fn refuses_repeated_members() {
    let text = r#"{"specversion":"1.0","id":"a","id":"b","source":"/s","type":"t"}"#;
    let e = CloudEvent::from_json(text).unwrap_err();
    assert_error(&e, "invalid_event", Some("id"), &["appears more than once"]);
    let text = r#"{"specversion":"1.0","id":"a","source":"/s","type":"t","lane":1,"lane":2}"#;
    let e = CloudEvent::from_json(text).unwrap_err();
    assert_error(
        &e,
        "invalid_event",
        Some("lane"),
        &["appears more than once"],
    );
}

#[test]
fn data_and_data_base64_are_exclusive_and_base64_is_checked() {
    let e = err(&with(&[
        ("data", json!({"a": 1})),
        ("data_base64", json!("AAEC")),
    ]));
    assert_error(
        &e,
        "invalid_event",
        Some("data_base64"),
        &["`data` or `data_base64`, not both"],
    );
    let e = err(&with(&[("data_base64", json!("không phải base64!"))]));
    assert_error(
        &e,
        "invalid_event",
        Some("data_base64"),
        &["not valid base64", "RFC 4648"],
    );
    let e = err(&with(&[("data_base64", json!(12))]));
    assert_error(
        &e,
        "invalid_event",
        Some("data_base64"),
        &["expected a base64 string", "the number `12`"],
    );
    // Padding is optional; `null` is no data.
    let e = parse(&with(&[
        ("data_base64", json!("AAEC/w")),
        ("datacontenttype", json!("image/png")),
    ]))
    .unwrap();
    assert_eq!(&e.data.unwrap()[..], &[0, 1, 2, 255]);
    assert_eq!(
        parse(&with(&[("data_base64", Value::Null)])).unwrap().data,
        None
    );
}

#[test]
fn data_follows_the_content_type() {
    // Non-JSON content type: the string's text is the data.
    let e = parse(&with(&[
        ("datacontenttype", json!("text/plain")),
        ("data", json!("Hồ Gươm \"đẹp\"\n")),
    ]))
    .unwrap();
    assert_eq!(&e.data.unwrap()[..], "Hồ Gươm \"đẹp\"\n".as_bytes());
    let e = err(&with(&[
        ("datacontenttype", json!("text/plain")),
        ("data", json!({"a": 1})),
    ]));
    assert_error(
        &e,
        "invalid_event",
        Some("data"),
        &["`text/plain` is not JSON", "must be a string", "an object"],
    );
    // JSON (or no content type): any JSON value, strings included, kept as JSON text.
    let e = parse(&with(&[("data", json!("I'm just a string"))])).unwrap();
    assert_eq!(&e.data.unwrap()[..], br#""I'm just a string""#);
    let e = parse(&with(&[
        ("data", Value::Null),
        ("datacontenttype", json!("application/geo+json")),
    ]))
    .unwrap();
    assert_eq!(e.data.as_deref(), Some(&b"null"[..]));
}

#[test]
fn refuses_what_is_not_an_event() {
    let e = CloudEvent::from_json("[{}]").unwrap_err();
    assert_error(
        &e,
        "invalid_event",
        None,
        &[
            "the event: must be a JSON object, not an array",
            "cloudevents-batch+json",
        ],
    );
    let e = CloudEvent::from_json("42").unwrap_err();
    assert_error(&e, "invalid_event", None, &["not a number"]);
}

#[test]
fn bad_json_gives_line_and_column() {
    let e = CloudEvent::from_json("{\n  \"id\": \"a\",\n  \"source\" \"/s\"\n}").unwrap_err();
    assert!(
        matches!(
            e,
            Error::Json {
                line: 3,
                column: 12,
                ..
            }
        ),
        "{e:?}"
    );
    assert_error(
        &e,
        "invalid_json",
        None,
        &["line 3, column 12", "expected `:`"],
    );
    assert!(!e.to_string().contains("at line 3 column"), "{e}");
}

#[test]
fn bytes_must_be_utf8() {
    let mut body =
        br#"{"specversion":"1.0","id":"a","source":"/s","type":"t","subject":"Ng"#.to_vec();
    let offset = body.len();
    body.extend_from_slice(b"\xe3\x20\"}");
    let e = CloudEvent::from_json_slice(&body).unwrap_err();
    assert_eq!(
        e,
        Error::NotUtf8 {
            what: "request body".into(),
            offset
        }
    );
    assert_error(
        &e,
        "invalid_utf8",
        None,
        &[&format!("at byte {offset}"), "UTF-8"],
    );
}

fn sample() -> CloudEvent {
    let mut e = CloudEvent::new(
        "r-1",
        "/sensors/cau-giay/42",
        EventType::new("city.traffic.reading").unwrap(),
    );
    e.subject = Some("Ngã tư Cầu Giấy".into());
    e.time = Some(Timestamp::parse("2026-11-27T08:00:00+07:00").unwrap());
    e.extensions.insert("lane".into(), "2".into());
    e
}

#[test]
fn writes_data_in_the_right_member() {
    let mut e = sample();
    e.data = Some(r#"{"speed_kmh":23.5,"street":"Đường Láng"}"#.into());
    let v = e.to_json_value();
    assert_eq!(
        v["data"],
        json!({"speed_kmh": 23.5, "street": "Đường Láng"})
    );
    assert_eq!(v["lane"], "2");
    assert!(
        json_of(&e).ends_with(r#""data":{"speed_kmh":23.5,"street":"Đường Láng"}}"#),
        "{}",
        json_of(&e)
    );

    e.datacontenttype = Some("text/plain; charset=utf-8".into());
    e.data = Some("ùn tắc".into());
    assert_eq!(e.to_json_value()["data"], "ùn tắc");

    e.datacontenttype = Some("application/octet-stream".into());
    e.data = Some(vec![0, 1, 2, 255].into());
    assert_eq!(e.to_json_value()["data_base64"], "AAEC/w==");
    assert!(e.to_json_value().get("data").is_none());

    // Bytes that claim to be JSON but are not go out as base64 rather than break the document.
    e.datacontenttype = None;
    e.data = Some("not json".into());
    assert_eq!(e.to_json_value()["data_base64"], "bm90IGpzb24=");
}

#[test]
fn round_trips_through_json() {
    let structured = [
        r#"{"specversion":"1.0","id":"r-1","source":"/s","type":"city.traffic.reading","subject":"Ngã tư Cầu Giấy","time":"2026-11-27T08:00:00+07:00","lane":2,"sampled":false,"data":{"street":"Đường Láng","speed_kmh":23.5,"lanes":[1,2]}}"#,
        r#"{"specversion":"1.0","id":"r-2","source":"/s","type":"city.notice","datacontenttype":"text/plain","data":"Hồ Gươm\n\"đẹp\""}"#,
        r#"{"specversion":"1.0","id":"r-3","source":"/s","type":"city.camera.frame","datacontenttype":"image/jpeg","data_base64":"/9j/4AAQ"}"#,
        r#"{"specversion":"1.0","id":"r-4","source":"/s","type":"city.ping","dataschema":"urn:x","data":null}"#,
        r#"{"specversion":"1.0","id":"r-5","source":"/s","type":"city.ping"}"#,
    ];
    for text in structured {
        let first = CloudEvent::from_json(text).unwrap();
        let written = json_of(&first);
        let again = CloudEvent::from_json(&written).unwrap();
        assert_eq!(first, again, "{written}");
        assert_eq!(
            serde_json::from_str::<Value>(&written).unwrap(),
            first.to_json_value()
        );
        // Through a `Value`, object members in `data` may come back in another order.
        let through_value = CloudEvent::from_json_value(&first.to_json_value()).unwrap();
        assert_eq!(through_value.to_json_value(), first.to_json_value());
    }
}

#[test]
fn compacts_only_outside_strings() {
    assert_eq!(compact(r#"{"a":[1,2],"b":"x y"}"#), None);
    let got = compact("{ \"a\" : [ 1 ,\n\t2 ] , \"b\\\" c\" : \"x  y\\\\\" }").unwrap();
    assert_eq!(
        String::from_utf8(got).unwrap(),
        r#"{"a":[1,2],"b\" c":"x  y\\"}"#
    );
}
