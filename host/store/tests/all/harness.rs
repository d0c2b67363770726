//! Where the suite runs: a SQLite file in a temporary folder, or a fresh
//! PostgreSQL database `cityhub_test_<random>` created through the `test`
//! database and dropped afterwards. PostgreSQL being unreachable fails the
//! test (never skips it). Also builders for events.

use std::{
    future::Future,
    hash::{BuildHasher, RandomState},
    panic::resume_unwind,
    sync::atomic::{AtomicU64, Ordering},
};

use bytes::Bytes;
use cityhub_cloudevents::{CloudEvent, EventType};
use cityhub_store::Store;
use sqlx::{Connection, Executor, PgConnection};

/// The machine's PostgreSQL, trust auth; test databases are created from here.
pub const POSTGRES_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Runs `test` on a store in a fresh SQLite file.
pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("events.db").display());
    let store = Store::open(&url).await.unwrap();
    let outcome = tokio::spawn(test(store.clone())).await;
    store.close().await;
    if let Err(e) = outcome {
        resume_unwind(e.into_panic());
    }
}

/// Runs `test` on a store in a fresh PostgreSQL database, then drops it.
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_postgres_database(|url| async move {
        let store = Store::open(&url).await.unwrap();
        let outcome = tokio::spawn(test(store.clone())).await;
        store.close().await;
        if let Err(e) = outcome {
            resume_unwind(e.into_panic());
        }
    })
    .await;
}

/// Runs `test` with the URL of a fresh PostgreSQL database, then drops it.
pub async fn with_postgres_database<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut admin = PgConnection::connect(POSTGRES_ADMIN).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is unreachable at `{POSTGRES_ADMIN}` ({e}); these tests need it: start it with \
             `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
        )
    });
    let name = format!("cityhub_test_{}", random_hex());
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let outcome = tokio::spawn(test(format!("postgres://postgres@127.0.0.1:5432/{name}"))).await;
    admin
        .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    admin.close().await.unwrap();
    if let Err(e) = outcome {
        resume_unwind(e.into_panic());
    }
}

/// 16 hex digits, different for every call in every process.
fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let seed = RandomState::new().hash_one((std::process::id(), n, std::time::SystemTime::now()));
    format!("{seed:016x}")
}

/// An event with a small JSON payload.
pub fn event(source: &str, id: &str, ty: &str) -> CloudEvent {
    let mut e = CloudEvent::new(id, source, EventType::new(ty).unwrap());
    e.data = Some(Bytes::from(format!(r#"{{"id":"{id}"}}"#)));
    e
}

/// `n` events `{prefix}-0`, `{prefix}-1`, ... of type `ty` from one source.
pub fn events(prefix: &str, n: usize, ty: &str) -> Vec<CloudEvent> {
    (0..n)
        .map(|i| event("urn:test", &format!("{prefix}-{i}"), ty))
        .collect()
}
