//! Integration tests of `cityhub-config`: one binary, a module per concern.

// Helpers that build expected values are not `#[test]` items, which is all
// that clippy.toml's `allow-*-in-tests` covers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod installed;
mod server;
mod ui;
mod valid;
