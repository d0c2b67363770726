//! The end-to-end scenarios that exercise delivery, run a second time with
//! every city on NATS JetStream (`[bus] backend = "jetstream"`, a stream of
//! its own per city, `ack-wait = "5s"`): the same files as tests/all,
//! unchanged — tests/all/support.rs writes the `[bus]` table because `BUS`
//! below says so — plus `cluster.rs`, several nodes on one PostgreSQL
//! database and one stream.
//!
//! Needs NATS with JetStream on 127.0.0.1:4222 and PostgreSQL on
//! 127.0.0.1:5432 (.ci/run starts both); fails, never skips, without them.
//!
//! Left out, and why:
//! - not about delivery, nothing in them changes with the bus: artifacts,
//!   bench, city (plugins natively vs the host on one batch), cli, install,
//!   limits (HTTP input limits), loading, package, registry, vendor,
//!   vendor_path, simulate (the generator; its posting is ingest);
//! - dashboard (headless Chromium; the page reads the same API) and
//!   scenario (`cityhub demo` writes its own city.toml, without `[bus]`);
//! - upgrade: it needs `registry` (its helpers) and re-runs the registry's
//!   own tests with it; hot upgrades swap a plugin between windows the same
//!   way on both buses.

// Helpers outside `#[test]` functions may unwrap too: in a test binary a
// panic is how a failure is reported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../all/backpressure.rs"]
mod backpressure;
#[path = "../all/chain.rs"]
mod chain;
#[path = "../all/claim.rs"]
mod claim;
#[path = "../all/cli_bus.rs"]
mod cli_bus;
mod cluster;
#[path = "../all/crash.rs"]
mod crash;
#[path = "../all/dataclass.rs"]
mod dataclass;
#[path = "../all/deadletters.rs"]
mod deadletters;
#[path = "../all/durability.rs"]
mod durability;
#[path = "../all/hostile.rs"]
mod hostile;
#[path = "../all/ingest.rs"]
mod ingest;
#[path = "../all/metrics.rs"]
mod metrics;
#[path = "../all/open311.rs"]
mod open311;
#[path = "../all/ops.rs"]
mod ops;
#[path = "../all/postgres.rs"]
mod postgres;
#[path = "../all/reload.rs"]
mod reload;
#[path = "../all/retention.rs"]
mod retention;
#[path = "../all/retry.rs"]
mod retry;
#[path = "../all/routes.rs"]
mod routes;
#[path = "../all/sandbox.rs"]
mod sandbox;
#[path = "../all/stream.rs"]
mod stream;
#[path = "../all/support.rs"]
mod support;
#[path = "../all/traffic.rs"]
mod traffic;

/// Every city these scenarios start runs on JetStream.
pub const BUS: support::Backend = support::Backend::JetStream;
