//! The dashboard crate's tests, one binary: the embedded files
//! ([`files`]), their translations ([`i18n`]), what they may reference
//! ([`closed_network`]) and how the router serves them ([`serve`]).

// Helpers (scan, the test server) unwrap too, which clippy.toml's
// `allow-*-in-tests` does not cover outside `#[test]` items.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod closed_network;
mod files;
mod i18n;
mod scan;
mod serve;
