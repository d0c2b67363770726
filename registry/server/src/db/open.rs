//! [`Db::open`]: from a URL to a migrated pool.
//!
//! `sqlite://relative/path.db` or `sqlite:///absolute/path.db` (the file and
//! its folder are created; WAL with `synchronous=FULL`, so a publish answered
//! `201` survives a power loss, at an fsync per commit — publishes are rare), or `postgres://user:password@host:5432/database`
//! (also `postgresql://`, with libpq-style options). Messages show the URL
//! with any password replaced by `***`.

use std::{str::FromStr, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use super::Db;
use crate::Error;

/// How long a SQLite connection waits for another's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Db {
    /// Opens (creating if needed) the database at `url` and brings its schema
    /// up to date. Called once at start-up (`registry serve`, `registry vendor
    /// add`).
    pub(crate) async fn open(url: &str) -> Result<Self, Error> {
        let shown = redact(url);
        let open_error = |source| Error::Open {
            url: shown.clone(),
            source,
        };
        let migrate_error = |source| Error::Migrate {
            url: shown.clone(),
            source,
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(open_error)?;
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await
                .map_err(open_error)?;
            sqlx::migrate!("./migrations/postgres")
                .run(&pool)
                .await
                .map_err(migrate_error)?;
            return Ok(Self::Postgres(pool));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|p| !p.is_empty() && !p.contains('?') && !p.contains(":memory:"))
            .ok_or_else(|| Error::UnsupportedUrl { url: shown.clone() })?;
        if let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| open_error(sqlx::Error::Io(e)))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(migrate_error)?;
        Ok(Self::Sqlite(pool))
    }
}

/// `url` with the password in `user:password@` or `password=` replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let base = match base.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user_info, host)) if user_info.contains(':') => {
                let user = user_info.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}:***@{host}")
            }
            _ => base.to_owned(),
        },
        None => base.to_owned(),
    };
    if query.is_empty() {
        return base;
    }
    let query: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => kv.to_owned(),
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://u:s3cret@db:5432/r"),
            "postgres://u:***@db:5432/r"
        );
        assert_eq!(
            redact("postgres://u@db/r?password=x&sslmode=require"),
            "postgres://u@db/r?password=***&sslmode=require"
        );
        assert_eq!(redact("sqlite://r/registry.db"), "sqlite://r/registry.db");
    }

    #[tokio::test]
    async fn unsupported_urls_say_what_is() {
        for url in [
            "mysql://h/db",
            "sqlite://",
            "sqlite::memory:",
            "registry.db",
        ] {
            let e = Db::open(url).await.unwrap_err().to_string();
            assert!(e.contains("sqlite://path/to/registry.db"), "{url}: {e}");
        }
    }
}
