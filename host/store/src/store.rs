//! [`Store`]: a cheap-to-clone handle on a connection pool to one backend.
//!
//! Why an enum over `SqlitePool`/`PgPool` rather than `sqlx::AnyPool`: the
//! SQLite settings we promise (WAL, `synchronous`, `busy_timeout`, create the
//! file) are typed options on `SqliteConnectOptions`, where `Any` would need URL
//! rewriting and `PRAGMA`s in an `after_connect` hook; `Any` also copies every
//! bound value and every row cell through its own value type on the hot path
//! and maps some column types poorly (e.g. `void`); and the two per-backend
//! tricks that make SQLite appends fast (see [`crate::db`]) need the concrete
//! driver. The SQL is still written once: portable SQL in [`crate::sql`],
//! generic over the backend, which [`with_pool!`] instantiates for whichever
//! pool this store holds.

use std::{fmt, sync::Arc};

use sqlx::{PgPool, SqlitePool};
use tokio::sync::{Mutex, MutexGuard};

use crate::Error;

/// Which database a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        })
    }
}

/// The event log, consumer positions and plugin state, in one database.
///
/// Clone it freely: clones share one connection pool. Every method is one
/// transaction (or one statement); writers are serialized (see
/// [`Store::append`]), readers run concurrently.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) pool: Pool,
    /// Serializes this process's write transactions. SQLite allows one writer
    /// at a time anyway, and waiting here is fair and wakes at once, where
    /// SQLite's busy handler would sleep and poll. Across processes, SQLite's
    /// `BEGIN IMMEDIATE` + `busy_timeout` and PostgreSQL's advisory lock apply.
    pub(crate) writer: Mutex<()>,
    /// The database file, on SQLite.
    pub(crate) file: Option<std::path::PathBuf>,
}

#[derive(Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to this store's concrete pool; the body is
/// written once and compiled for each backend.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.inner.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

impl Store {
    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        match self.inner.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Waits for running operations, then closes every connection. Later
    /// calls on this store (or its clones) fail.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }

    /// Runs the write `f` on a task of its own and waits for it. A caller's
    /// future may be dropped at any `await` (an HTTP client hanging up drops
    /// its handler); were a transaction dropped half-way, its pooled
    /// connection would keep SQLite's write lock until the rollback ran,
    /// and other writers would fail with "database is locked". On its own
    /// task the write always runs to its commit or rollback.
    pub(crate) async fn detached<T, F>(&self, op: &'static str, f: F) -> Result<T, Error>
    where
        F: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        tokio::spawn(f).await.map_err(|e| Error::Interrupted {
            op,
            why: e.to_string(),
        })?
    }

    /// Takes this process's write turn; hold it until the transaction ends.
    pub(crate) async fn writer(&self) -> MutexGuard<'_, ()> {
        self.inner.writer.lock().await
    }
}
