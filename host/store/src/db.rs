//! [`Db`]: what the generic SQL in [`crate::sql`] needs to know about each
//! backend beyond what sqlx abstracts.

use std::fmt::Write as _;

use sqlx::{Database, Postgres, Sqlite, postgres::PgQueryResult, sqlite::SqliteQueryResult};

/// A backend the store runs on.
pub(crate) trait Db: Database {
    /// The most bind parameters one statement may carry.
    const MAX_PARAMS: usize;
    /// The statement that opens a write transaction.
    const BEGIN_WRITE: &'static str;
    /// A statement run first in every transaction that appends to the log,
    /// or `None` when the backend needs none.
    const LOCK_LOG: Option<&'static str>;

    /// Whether an `INSERT` into `events` reports the seqs it stored with
    /// `RETURNING seq, source, id`; if not, they are found with [`Db::inserted`].
    const RETURNING: bool;

    /// How many rows an `INSERT` stored and the last seq it stored (used
    /// only without [`Db::RETURNING`]).
    fn inserted(done: &Self::QueryResult) -> (u64, i64);

    /// Writes the `n`th (1-based) bind parameter of a generated statement.
    /// Generated statements bind their parameters in textual order, so that
    /// this can be `?` where `$N` is costly.
    fn placeholder(sql: &mut String, n: usize);
}

/// Writes `rows` parenthesized groups of `per_row` placeholders, separated by
/// commas, numbering from `first`: `($1, $2), ($3, $4)` or `(?, ?), (?, ?)`.
pub(crate) fn placeholder_rows<DB: Db>(
    sql: &mut String,
    first: usize,
    rows: usize,
    per_row: usize,
) {
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..per_row {
            if col > 0 {
                sql.push_str(", ");
            }
            DB::placeholder(sql, first + row * per_row + col);
        }
        sql.push(')');
    }
}

impl Db for Sqlite {
    /// `SQLITE_MAX_VARIABLE_NUMBER` of the bundled SQLite.
    const MAX_PARAMS: usize = 32_766;
    /// `IMMEDIATE` takes the write lock at once, so a transaction that reads
    /// before it writes cannot fail with `SQLITE_BUSY` half-way, and waiting
    /// for another process honours `busy_timeout`.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    /// SQLite has one writer at a time: seqs become visible in order.
    const LOCK_LOG: Option<&'static str> = None;

    /// sqlx sends each row of a result from SQLite's worker thread to the
    /// caller separately, with a thread wake-up each: `RETURNING` 100 rows
    /// took about a third of the time of appending 100 events. Instead: an `INSERT` that stores
    /// every row (the usual case) stores them at consecutive seqs ending at
    /// `last_insert_rowid()`, since we hold the write lock. (One that skips
    /// some spends seqs on them, so then the seqs are looked up.)
    const RETURNING: bool = false;

    fn inserted(done: &SqliteQueryResult) -> (u64, i64) {
        (done.rows_affected(), done.last_insert_rowid())
    }

    /// `?`, not `$N`: for every parameter it binds, sqlx asks SQLite for the
    /// parameter's name, which SQLite finds by a linear search among the
    /// named ones; with `$N` a statement of n parameters costs O(n²), which
    /// was 30% of the time appending batches of 100 events (1,100 parameters).
    fn placeholder(sql: &mut String, _n: usize) {
        sql.push('?');
    }
}

impl Db for Postgres {
    /// The wire protocol counts parameters in 16 bits.
    const MAX_PARAMS: usize = 65_535;
    const BEGIN_WRITE: &'static str = "BEGIN";
    /// Identity values are handed out when rows are inserted, but become
    /// visible when their transaction commits: with two concurrent appenders,
    /// seq 8 can be visible before seq 7, and a consumer reading "after 6"
    /// would skip 7 for ever. Holding this lock (released at commit or
    /// rollback) from the start of every appending transaction makes appends
    /// take turns, so seqs become visible in order, across every host sharing
    /// the database. The key is an arbitrary constant (ASCII `cityhub`).
    const LOCK_LOG: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(27981971668366690)");

    /// Identity values are spent on skipped rows too, so stored rows need not
    /// have consecutive seqs; the rows all come in one message anyway.
    const RETURNING: bool = true;

    fn inserted(done: &PgQueryResult) -> (u64, i64) {
        (done.rows_affected(), 0)
    }

    fn placeholder(sql: &mut String, n: usize) {
        let _ = write!(sql, "${n}");
    }
}
