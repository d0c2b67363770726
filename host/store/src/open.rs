//! [`Store::open`]: from a URL to a migrated connection pool.
//!
//! `sqlite://relative/path.db`, `sqlite:///absolute/path.db` (the path is
//! taken literally, not percent-decoded; `?durable=full` is the only option)
//! or `postgres://user:password@host:5432/database` (also `postgresql://`,
//! with libpq-style options). Errors show the URL with its password as `***`.

use std::{path::PathBuf, str::FromStr, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use tokio::sync::Mutex;

use crate::{
    Error, Store,
    store::{Inner, Pool},
};

/// How long a SQLite connection waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// SQLite connections: one writes at a time, the others read concurrently
/// (WAL); each is a thread, so keep a few.
const SQLITE_CONNECTIONS: u32 = 4;

/// What a URL asks for. (No `Debug`: the options hold the password.)
enum Target {
    Sqlite {
        path: PathBuf,
        synchronous: SqliteSynchronous,
    },
    Postgres(Box<PgConnectOptions>),
}

impl Store {
    /// Opens (creating if needed) the store at `url` and brings its schema up
    /// to date with the embedded migrations. Call once at start-up and clone
    /// the store; see the crate docs for the URL forms. A PostgreSQL server
    /// that refuses connections is retried for up to 30 seconds (a database
    /// starting alongside the host) before this fails.
    pub async fn open(url: &str) -> Result<Store, Error> {
        let shown = redact(url);
        let mut file = None;
        let pool = match parse(url, &shown)? {
            Target::Sqlite { path, synchronous } => {
                file = Some(path.clone());
                Pool::Sqlite(open_sqlite(path, synchronous, &shown).await?)
            }
            Target::Postgres(options) => {
                let pool = PgPoolOptions::new()
                    .connect_with(*options)
                    .await
                    .map_err(|source| Error::Open {
                        url: shown.clone(),
                        source,
                    })?;
                sqlx::migrate!("./migrations/postgres")
                    .run(&pool)
                    .await
                    .map_err(|source| Error::Migrate {
                        url: shown.clone(),
                        source,
                    })?;
                Pool::Postgres(pool)
            }
        };
        let store = Store {
            inner: std::sync::Arc::new(Inner {
                pool,
                writer: Mutex::new(()),
                file,
            }),
        };
        tracing::info!(backend = %store.backend(), url = %shown, "store opened");
        Ok(store)
    }
}

async fn open_sqlite(
    path: PathBuf,
    synchronous: SqliteSynchronous,
    shown: &str,
) -> Result<sqlx::SqlitePool, Error> {
    let open_error = |source| Error::Open {
        url: shown.to_owned(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| open_error(sqlx::Error::Io(e)))?;
    }
    // Processes opening one file at once (the host starting while `cityhub
    // token create` runs, say) would race to set up WAL and to apply the
    // migrations: one of them failing on "database is locked" or "table
    // already exists". An advisory lock on `<file>.lock` lets them open it
    // one after another; it is held only while opening.
    let lock = open_lock(&path)
        .await
        .map_err(|e| open_error(sqlx::Error::Io(e)))?;
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .busy_timeout(BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(SQLITE_CONNECTIONS)
        .connect_with(options)
        .await
        .map_err(open_error)?;
    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .map_err(|source| Error::Migrate {
            url: shown.to_owned(),
            source,
        })?;
    drop(lock);
    Ok(pool)
}

/// Takes the exclusive lock on `<db>.lock` (created if missing), waiting
/// for another process that holds it; released when the file is dropped.
async fn open_lock(db: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        file.lock()?;
        Ok(file)
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Reads a store URL; `shown` is the URL for error messages.
fn parse(url: &str, shown: &str) -> Result<Target, Error> {
    let unsupported = || Error::UnsupportedUrl {
        url: shown.to_owned(),
    };
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let options = PgConnectOptions::from_str(url).map_err(|source| Error::Open {
            url: shown.to_owned(),
            source,
        })?;
        return Ok(Target::Postgres(Box::new(options)));
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(unsupported)?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path == ":memory:" || path.is_empty() && query.contains("mode=memory") {
        return Err(Error::InMemory {
            url: shown.to_owned(),
        });
    }
    let mut synchronous = SqliteSynchronous::Normal;
    for option in query.split('&').filter(|o| !o.is_empty()) {
        synchronous = match option {
            "durable=normal" => SqliteSynchronous::Normal,
            "durable=full" => SqliteSynchronous::Full,
            "mode=memory" => {
                return Err(Error::InMemory {
                    url: shown.to_owned(),
                });
            }
            _ => {
                return Err(Error::InvalidOption {
                    url: shown.to_owned(),
                    option: option.to_owned(),
                });
            }
        };
    }
    if path.is_empty() {
        return Err(unsupported());
    }
    Ok(Target::Sqlite {
        path: PathBuf::from(path),
        synchronous,
    })
}

/// `url` with the password of its user info (`user:password@`) and any
/// `password=` option replaced by `***`, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = match base.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let authority = match authority.rsplit_once('@') {
                Some((userinfo, host)) => match userinfo.split_once(':') {
                    Some((user, _password)) => format!("{user}:***@{host}"),
                    None => authority.to_owned(),
                },
                None => authority.to_owned(),
            };
            format!("{scheme}://{authority}{path}")
        }
        None => base.to_owned(),
    };
    if let Some(query) = query {
        let options: Vec<String> = query
            .split('&')
            .map(|o| match o.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => o.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&options.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_wherever_they_are() {
        assert_eq!(
            redact("postgres://u:s3cret@db:5432/x"),
            "postgres://u:***@db:5432/x"
        );
        assert_eq!(redact("postgres://u:p@ss@db/x"), "postgres://u:***@db/x");
        assert_eq!(
            redact("postgres://u@db/x?password=s3cret&sslmode=require"),
            "postgres://u@db/x?password=***&sslmode=require"
        );
        assert_eq!(redact("sqlite://data/e.db"), "sqlite://data/e.db");
    }

    #[test]
    fn reads_sqlite_urls() {
        let path = |url: &str| match parse(url, url) {
            Ok(Target::Sqlite { path, synchronous }) => (path, synchronous),
            _ => panic!("{url} is not a SQLite file"),
        };
        assert_eq!(path("sqlite://data/e.db").0, PathBuf::from("data/e.db"));
        assert_eq!(
            path("sqlite:///var/lib/e.db").0,
            PathBuf::from("/var/lib/e.db")
        );
        assert!(matches!(path("sqlite://e.db").1, SqliteSynchronous::Normal));
        assert!(matches!(
            path("sqlite://e.db?durable=full").1,
            SqliteSynchronous::Full
        ));
    }

    #[test]
    fn refuses_memory_and_unknown_urls_saying_what_to_do() {
        let err = |url: &str| {
            parse(url, &redact(url))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(
            err("sqlite::memory:").contains("in-memory SQLite database, but the host needs a file")
        );
        assert!(err("sqlite://:memory:").contains("use e.g. `sqlite://.cityhub/events.db`"));
        assert!(err("sqlite://?mode=memory").contains("in-memory"));
        assert!(err("sqlite://e.db?durable=yes").contains("invalid option `durable=yes`"));
        assert!(err("mysql://u:pw@h/db").contains("`mysql://u:***@h/db` is not supported"));
        assert!(err("sqlite://").contains("is not supported"));
    }
}
