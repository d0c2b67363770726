//! Open311 reports (`POST /open311/v2/requests.json`): the input's first
//! line is the `content-type` (empty: none), the rest the body, read by the
//! same two functions the handler calls (`form::parse`, then
//! `submit::check` against the demo city's `[open311]`). Fields that parse
//! encode back (form or JSON) to the same fields; a report that passes the
//! checks makes the event's data.
//!
//! The two modules are the API's own source files, compiled here as they
//! are (they use only `cityhub_config`, `serde_json` and each other): a
//! dependency on `cityhub-api` would bring wasmtime, sqlx and axum into
//! the instrumented build and make it take many times longer.
#![no_main]

#[allow(dead_code, clippy::all)]
#[path = "../../../host/api/src/routes/open311/form.rs"]
mod form;
#[allow(dead_code, clippy::all)]
#[path = "../../../host/api/src/routes/open311/submit.rs"]
mod submit;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (content_type, body) = match data.iter().position(|b| *b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&[][..], data),
    };
    let content_type = std::str::from_utf8(content_type)
        .ok()
        .filter(|c| !c.is_empty());
    let Ok(fields) = form::parse(content_type, body) else {
        return;
    };
    let form_body = cityhub_fuzz::urlencode(&fields);
    assert_eq!(
        form::parse(None, &form_body).as_ref(),
        Ok(&fields),
        "form round trip"
    );
    let json_body = serde_json::to_vec(&fields).unwrap_or_default();
    assert_eq!(
        form::parse(Some("application/json"), &json_body).as_ref(),
        Ok(&fields),
        "JSON round trip"
    );
    match submit::check(&fields, cityhub_fuzz::demo_open311()) {
        Ok(report) => {
            let data = report.data(
                "fuzz-1",
                "2026-11-27T08:00:00+07:00",
                Some("langson.gov.vn"),
            );
            assert_eq!(data["service_code"], report.service_code.as_str());
        }
        Err(errors) => assert!(!errors.is_empty(), "refused with no reason"),
    }
});
