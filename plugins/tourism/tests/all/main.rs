//! The tourism plugin's tests, run natively through the SDK's harness (the
//! same frames the component sees).

// Helpers outside `#[test]` functions unwrap too: in a test binary a panic
// is how a failure is reported.
#![allow(clippy::unwrap_used)]

mod config;
mod crowding;
mod invalid;
mod occupancy;
mod samples;
mod support;
