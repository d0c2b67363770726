//! A fresh, empty store per run: a SQLite file in the run's folder, or a
//! new PostgreSQL database on the `--database-url` server, dropped when the
//! run is over.

use std::{fmt, path::Path};

use anyhow::Context;
use sqlx::{ConnectOptions, Connection, PgConnection, postgres::PgConnectOptions};

use super::report::Backend;

/// A run's store.
#[derive(Debug)]
pub enum FreshStore {
    /// A SQLite file.
    Sqlite(String),
    /// A PostgreSQL database of the run's own.
    Postgres(Database),
}

impl FreshStore {
    /// Makes the store: `dir/store/city.db`, or database `name` on the
    /// server of `admin_url`. The SQLite file is not beside city.toml, whose
    /// folder the host watches: as in the default layout (`.cityhub/`), its
    /// writes must not wake the configuration watcher.
    pub async fn create(
        backend: Backend,
        dir: &Path,
        admin_url: &str,
        name: &str,
    ) -> anyhow::Result<Self> {
        match backend {
            Backend::Sqlite => Ok(Self::Sqlite(format!(
                "sqlite://{}",
                dir.join("store").join("city.db").display()
            ))),
            Backend::Postgres => Ok(Self::Postgres(Database::create(admin_url, name).await?)),
        }
    }

    /// The URL for `[store] url`.
    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(url) => url.clone(),
            Self::Postgres(db) => db.url.clone(),
        }
    }
}

/// Fails now, before any run, if the PostgreSQL server of `admin` cannot
/// be reached, rather than after the SQLite runs.
pub async fn check_postgres(admin: &str) -> anyhow::Result<()> {
    let conn = connect(admin).await.with_context(|| {
        format!(
            "cannot connect to PostgreSQL at `{admin}`: start it, pass `--database-url`, or run with `--backend sqlite`"
        )
    })?;
    let _ = conn.close().await;
    Ok(())
}

/// A PostgreSQL database made for one run; dropped (`WITH (FORCE)`) with
/// this value.
pub struct Database {
    admin: String,
    name: String,
    url: String,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("name", &self.name)
            .finish()
    }
}

impl Database {
    async fn create(admin: &str, name: &str) -> anyhow::Result<Self> {
        let mut conn = connect(admin).await.with_context(|| {
            format!(
                "cannot connect to PostgreSQL at `{admin}`: start it, pass `--database-url`, or run with `--backend sqlite`"
            )
        })?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .with_context(|| format!("creating database `{name}` on `{admin}`"))?;
        let _ = conn.close().await;
        Ok(Self {
            admin: admin.to_owned(),
            name: name.to_owned(),
            url: with_database(admin, name),
        })
    }
}

impl Drop for Database {
    /// Drops the database on a thread of its own (with its own runtime), so
    /// that dropping works inside or outside an async context.
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut conn = connect(&admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                let _ = conn.close().await;
                anyhow::Ok(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "warning: could not drop the bench database `{}`; drop it with `DROP DATABASE {} WITH (FORCE)`",
                self.name, self.name
            );
        }
    }
}

/// A connection whose statements are not logged (a `DROP DATABASE` may
/// take over a second, which sqlx would log as a slow statement).
async fn connect(url: &str) -> anyhow::Result<PgConnection> {
    let options: PgConnectOptions = url
        .parse()
        .with_context(|| format!("`{url}` is not a PostgreSQL URL"))?;
    Ok(options.disable_statement_logging().connect().await?)
}

/// `admin` (`postgres://user@host:port/db?params`) with its database
/// replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let (main, query) = match admin.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (admin, None),
    };
    let authority_at = main.find("://").map_or(0, |i| i + 3);
    let base = match main[authority_at..].find('/') {
        Some(slash) => &main[..authority_at + slash],
        None => main,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "b_1"),
            "postgres://postgres@127.0.0.1:5432/b_1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "b_1"),
            "postgres://u:p@h/b_1?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "b_1"),
            "postgres://h:5432/b_1"
        );
    }
}
