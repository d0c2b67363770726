//! cityhub's end-to-end tests: one binary, one module per scenario. Each
//! scenario runs real compiled plugins (built by tests/build.rs) in the real
//! `cityhub` binary, on real SQLite files.

// Helpers outside `#[test]` functions may unwrap too: in a test binary a
// panic is how a failure is reported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod artifacts;
mod backpressure;
mod bench;
mod browser;
mod chain;
mod city;
mod claim;
mod cli;
mod cli_bus;
mod crash;
mod dashboard;
mod dataclass;
mod deadletters;
mod durability;
mod hostile;
mod ingest;
mod install;
mod limits;
mod loading;
mod metrics;
mod mqtt;
mod open311;
mod ops;
mod package;
mod postgres;
mod registry;
mod reload;
mod retention;
mod retry;
mod routes;
mod sandbox;
mod scenario;
mod simulate;
mod stream;
mod support;
mod traffic;
mod upgrade;
mod vendor;
mod vendor_path;

/// The bus of every city these scenarios start (tests/jetstream runs many
/// of them again on JetStream).
pub const BUS: support::Backend = support::Backend::Embedded;
