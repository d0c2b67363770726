//! Integration tests of `cityhub-store`: one suite of generic tests, each an
//! `async fn(Store)`, run against a SQLite file in a temporary folder and
//! against a fresh database on the machine's PostgreSQL (see [`harness`]);
//! plus SQLite-only and opening tests, and an ignored throughput benchmark.

// The suite's tests are plain `async fn`s (run by `suite!`) and helpers, not
// `#[test]` items, which is all that clippy.toml's `allow-*-in-tests` covers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod batch;
mod dead_letters;
mod harness;
mod log;
mod open;
mod ops;
mod perf;
mod positions;
mod retention;
mod service_requests;
mod shared;

/// Runs each listed `async fn(Store)` of the enclosing module on both
/// backends, as `<module>::sqlite::<test>` and `<module>::postgres::<test>`.
macro_rules! suite {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    crate::harness::on_sqlite(super::$test).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    crate::harness::on_postgres(super::$test).await;
                }
            )*
        }
    };
}
pub(crate) use suite;
