//! Batch mode: the input is the body of an
//! `application/cloudevents-batch+json` request, with small limits (64
//! events, 4 KiB an event) so that their errors are reached too. A batch that
//! parses is within the limits and writes back (`write_batch`) to the same
//! events.
#![no_main]

use bytes::Bytes;
use cityhub_cloudevents::http::{BATCH_CONTENT_TYPE, Limits, parse_request, write_batch};
use http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_event_bytes: 4096,
        max_batch_events: 64,
    };
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(BATCH_CONTENT_TYPE));
    let Ok(events) = parse_request(&headers, Bytes::copy_from_slice(data), &limits) else {
        return;
    };
    assert!(
        (1..=limits.max_batch_events).contains(&events.len()),
        "a batch of {} events passed",
        events.len()
    );
    for e in &events {
        assert!(
            e.size() <= limits.max_event_bytes,
            "an event of {} bytes passed",
            e.size()
        );
    }
    let mut out = Vec::new();
    write_batch(&events, &mut out);
    let again = parse_request(&headers, out.into(), &limits)
        .unwrap_or_else(|e| panic!("written batch does not parse back: {e}\n{events:?}"));
    assert_eq!(again, events, "batch round trip changed the events");
});
