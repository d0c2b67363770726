//! Structured mode: the input is the body of an
//! `application/cloudevents+json` request. An event that parses writes back
//! (`write_json`) to JSON that parses to the same event, in structured mode
//! and as a one-event batch.
#![no_main]

use bytes::Bytes;
use cityhub_cloudevents::{
    CloudEvent,
    http::{BATCH_CONTENT_TYPE, Limits, STRUCTURED_CONTENT_TYPE, parse_request, write_batch},
};
use http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};
use libfuzzer_sys::fuzz_target;

fn headers(content_type: &'static str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(events) = parse_request(
        &headers(STRUCTURED_CONTENT_TYPE),
        Bytes::copy_from_slice(data),
        &limits,
    ) else {
        return;
    };
    let [event] = &events[..] else {
        panic!("structured mode gave {} events", events.len());
    };
    let mut json = Vec::new();
    event.write_json(&mut json);
    let again = parse_request(&headers(STRUCTURED_CONTENT_TYPE), json.into(), &limits)
        .unwrap_or_else(|e| panic!("written event does not parse back: {e}\n{event:?}"));
    assert_eq!(again, events, "structured round trip changed the event");
    assert_eq!(
        CloudEvent::from_json_slice(data).as_ref(),
        Ok(event),
        "CloudEvent::from_json_slice disagrees with structured mode"
    );
    let mut batch = Vec::new();
    write_batch(&events, &mut batch);
    let again = parse_request(&headers(BATCH_CONTENT_TYPE), batch.into(), &limits)
        .unwrap_or_else(|e| panic!("the event as a batch does not parse: {e}\n{event:?}"));
    assert_eq!(again, events, "batch round trip changed the event");
});
