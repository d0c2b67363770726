//! Integration tests of `cityhub-registry`: the real server on a loopback
//! port, driven through [`cityhub_registry::Client`], on a SQLite file in a
//! temporary folder and on a fresh database of the machine's PostgreSQL
//! (see [`harness`]), with packages signed in-process by `cityhub-package`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;
mod publish;
mod read;
mod yank;

/// Runs each listed `async fn(harness::Env)` of the enclosing module on both
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
