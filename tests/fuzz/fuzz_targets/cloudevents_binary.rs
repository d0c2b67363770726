//! Binary mode (and the choice of mode): the input is a request, header
//! lines then a blank line then the body (see `cityhub_fuzz::request`). An
//! event read from `ce-*` headers keeps its attributes and data when written
//! as JSON and read back, and writing is then a fixed point.
#![no_main]

use cityhub_cloudevents::{
    CloudEvent,
    http::{Limits, Mode, mode, parse_request},
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (headers, body) = cityhub_fuzz::request(data);
    let Ok(events) = parse_request(&headers, body.clone(), &Limits::default()) else {
        return;
    };
    if mode(&headers) != Ok(Mode::Binary) {
        return;
    }
    let [event] = &events[..] else {
        panic!("binary mode gave {} events", events.len());
    };
    assert_eq!(
        event.data,
        (!body.is_empty()).then(|| body.clone()),
        "binary data is the body"
    );
    let write = |e: &CloudEvent| {
        let mut json = Vec::new();
        e.write_json(&mut json);
        CloudEvent::from_json_slice(&json)
            .unwrap_or_else(|err| panic!("written event does not parse back: {err}\n{e:?}"))
    };
    let again = write(event);
    // JSON data is made compact when read from JSON, so compare it as JSON
    // values (when serde_json holds them: a number such as 1e999 it does not).
    let (mut left, mut right) = (event.clone(), again.clone());
    if event.is_json() {
        let value = |e: &CloudEvent| {
            e.data
                .as_ref()
                .map(|d| serde_json::from_slice::<serde_json::Value>(d).ok())
        };
        assert_eq!(value(event), value(&again), "the data changed");
        (left.data, right.data) = (None, None);
    }
    assert_eq!(left, right, "binary event changed when written as JSON");
    assert_eq!(write(&again), again, "writing is not a fixed point");
});
