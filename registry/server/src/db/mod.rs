//! [`Db`]: the registry's database, SQLite or PostgreSQL, behind one handle.
//!
//! As in `cityhub-store`, an enum over the two concrete pools rather than
//! `sqlx::AnyPool`: the SQLite settings (WAL, `busy_timeout`, create the file)
//! are typed options, and `Any` maps booleans poorly. The SQL is written once
//! in [`sql`], generic over the backend; [`with_pool!`] instantiates it for
//! the pool at hand. Each backend has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`), kept in step.

mod open;
pub(crate) mod sql;

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};

/// A backend the registry runs on.
pub(crate) trait Backend: sqlx::Database {
    /// The statement that opens a write transaction.
    const BEGIN_WRITE: &'static str;
}

impl Backend for Sqlite {
    /// Takes the write lock at once, so a transaction that reads before it
    /// writes cannot fail half-way with `SQLITE_BUSY`.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
}

impl Backend for Postgres {
    const BEGIN_WRITE: &'static str = "BEGIN";
}

/// The registry's database. Cheap to clone: clones share the pool.
#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of `$db`; the body
/// is written once and compiled for each backend.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

impl Db {
    /// Waits for running statements, then closes every connection.
    pub(crate) async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}
