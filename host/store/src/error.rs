//! The crate's one error type. Messages are lowercase, name the thing in
//! backticks and say how to fix it; a store URL is always shown with its
//! password replaced by `***` (see [`crate::open::redact`]).

use crate::Seq;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The URL names no backend we support.
    #[error(
        "store URL `{url}` is not supported: use `sqlite://path/to/file.db` or \
         `postgres://user@host:5432/database`"
    )]
    UnsupportedUrl {
        /// The URL, password redacted.
        url: String,
    },
    /// The URL names an in-memory SQLite database, which would lose the log on exit.
    #[error(
        "store URL `{url}` names an in-memory SQLite database, but the host needs a file: \
         use e.g. `sqlite://.cityhub/events.db`"
    )]
    InMemory {
        /// The URL, password redacted.
        url: String,
    },
    /// A `?name=value` option of a SQLite URL is unknown or has a bad value.
    #[error(
        "store URL `{url}` has an invalid option `{option}`: the only SQLite option is \
         `durable=normal` (the default) or `durable=full`"
    )]
    InvalidOption {
        /// The URL, password redacted.
        url: String,
        /// The offending `name=value`.
        option: String,
    },
    /// Connecting (or creating the SQLite file or its folder) failed.
    #[error(
        "cannot open store `{url}`: {source}; check that the database is running and reachable, or that the folder is writable"
    )]
    Open {
        /// The URL, password redacted.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Running the embedded migrations failed.
    #[error("cannot migrate store `{url}`: {source}; was it written by a newer cityhub?")]
    Migrate {
        /// The URL, password redacted.
        url: String,
        /// The migrator's error.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// A statement failed.
    #[error("store operation `{op}` failed: {source}")]
    Database {
        /// The operation, e.g. `append`.
        op: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A consumer's position would move backwards.
    #[error(
        "consumer `{consumer}` is at position {current} and cannot move back to {requested}: \
         positions only move forward; reprocess by using a new consumer name"
    )]
    PositionBackwards {
        /// The consumer.
        consumer: String,
        /// Its committed position.
        current: Seq,
        /// The position refused.
        requested: Seq,
    },
    /// A commit made on a view another node has since changed: a route
    /// input already done (its mark in `route_done`), or plugin state whose
    /// version moved. Nothing was applied; run the window again on what is
    /// committed now.
    #[error(
        "commit of `{consumer}` refused: {what}; another node committed first, so the window \
         runs again on the newer state"
    )]
    Conflict {
        /// The consumer that committed.
        consumer: String,
        /// What changed under it.
        what: String,
    },
    /// A position below zero.
    #[error("position {position} for consumer `{consumer}` is negative: positions start at 0")]
    NegativePosition {
        /// The consumer.
        consumer: String,
        /// The position refused.
        position: Seq,
    },
    /// A write's task ended without finishing (the runtime is shutting down,
    /// or the task panicked); its transaction was rolled back.
    #[error("store operation `{op}` was interrupted: {why}; nothing of it was written, try again")]
    Interrupted {
        /// The operation.
        op: &'static str,
        /// Why.
        why: String,
    },
    /// A stored dead letter no longer parses.
    #[error("dead letter {id} is corrupt: {why}; delete it or restore the store from a backup")]
    CorruptDeadLetter {
        /// Its id (0 when unknown).
        id: i64,
        /// What is wrong.
        why: String,
    },
    /// Another host process runs on this store (see [`crate::HostClaim`]).
    #[error("{store} is in use by {holder}: two hosts would each deliver every event; {fix}")]
    InUse {
        /// "the SQLite store `FILE`", or "the PostgreSQL database".
        store: String,
        /// Who holds it.
        holder: String,
        /// What to do.
        fix: &'static str,
    },
    /// A token's name is already used by a token not revoked.
    #[error(
        "a token named `{name}` already exists: choose another name, or revoke it first \
         (`cityhub token revoke {name}`)"
    )]
    TokenNameTaken {
        /// The name.
        name: String,
    },
    /// A stored row of `table` (tokens, audit log) no longer reads back.
    #[error("row `{key}` of `{table}` is corrupt: {why}; restore the database from a backup")]
    CorruptRow {
        /// The table.
        table: &'static str,
        /// The row's key (id or seq).
        key: String,
        /// What does not read back.
        why: String,
    },
    /// A stored row no longer reads back as a valid event.
    #[error("stored event {seq} is corrupt: {why}; restore the database from a backup")]
    Corrupt {
        /// The event's position in the log.
        seq: Seq,
        /// What does not read back.
        why: String,
    },
}

impl Error {
    /// A closure wrapping a driver error as [`Error::Database`] for `op`.
    pub(crate) fn db(op: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |source| Self::Database { op, source }
    }
}
