//! [`Registry`]: vendors, the names they own and every published version,
//! in the registry's database, with the package files in [`Blobs`].
//!
//! The HTTP server ([`crate::server`]) is a thin layer over this type, and
//! `cityhub registry vendor add` calls [`Registry::add_vendor`] directly.

mod publish;
mod read;

use std::{path::Path, time::SystemTime};

use cityhub_package::{PublicKey, VendorId};

pub(crate) use publish::{plugin_name, plugin_version};
pub use read::StoredPackage;

use crate::{
    Error, Token,
    blobs::Blobs,
    db::{
        Db,
        sql::{Sql, VendorRow},
        with_pool,
    },
};

/// The registry: open it once at start-up and clone it freely (clones share
/// the database pool).
#[derive(Debug, Clone)]
pub struct Registry {
    db: Db,
    blobs: Blobs,
}

/// A vendor the registry knows, as its token identified it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    /// Its id.
    pub id: VendorId,
    /// The key it signs with, as registered by `registry vendor add`.
    pub key: PublicKey,
}

impl Registry {
    /// Opens (creating if needed) the database at `db_url` (`sqlite://FILE`
    /// or `postgres://…`, see the crate docs) and the package folder
    /// `blobs`, bringing the schema up to date.
    pub async fn open(db_url: &str, blobs: &Path) -> Result<Self, Error> {
        let db = Db::open(db_url).await?;
        let blobs = Blobs::open(blobs).await?;
        Ok(Self { db, blobs })
    }

    /// Waits for running statements, then closes the database. Later calls
    /// fail.
    pub async fn close(&self) {
        self.db.close().await;
    }

    /// Adds vendor `id`, who signs with `key`, and returns its publishing
    /// token: shown once, stored only as its SHA-256. Refuses an `id` the
    /// registry has ([`Error::VendorExists`]).
    pub async fn add_vendor(&self, id: &VendorId, key: &PublicKey) -> Result<Token, Error> {
        add_vendor(&self.db, id, key).await
    }

    /// [`Registry::add_vendor`] on the database at `db_url`, without opening
    /// the package folder: what `cityhub registry vendor add` runs, offline.
    pub async fn add_vendor_at(
        db_url: &str,
        id: &VendorId,
        key: &PublicKey,
    ) -> Result<Token, Error> {
        let db = Db::open(db_url).await?;
        let added = add_vendor(&db, id, key).await;
        db.close().await;
        added
    }

    /// The vendor whose token is `token`, or [`Error::BadToken`]. Called
    /// on every publish and yank.
    pub async fn authenticate(&self, token: &str) -> Result<Vendor, Error> {
        let hash = Token::hash(token);
        let row = with_pool!(&self.db, pool => Sql::vendor_by_token(pool, &hash).await)?
            .ok_or(Error::BadToken)?;
        let corrupt = |why: String| Error::Corrupt {
            what: format!("vendor `{}`", row.id),
            why,
        };
        Ok(Vendor {
            id: row.id.parse().map_err(|e| corrupt(format!("{e}")))?,
            key: row
                .public_key
                .parse()
                .map_err(|e| corrupt(format!("{e}")))?,
        })
    }
}

async fn add_vendor(db: &Db, id: &VendorId, key: &PublicKey) -> Result<Token, Error> {
    let token = Token::generate()?;
    let row = VendorRow {
        id: id.to_string(),
        public_key: key.to_text(),
    };
    let hash = Token::hash(token.as_str());
    let added = with_pool!(db, pool => Sql::insert_vendor(pool, &row, &hash, now_micros()).await)?;
    if !added {
        return Err(Error::VendorExists {
            vendor: id.to_string(),
        });
    }
    tracing::info!(vendor = %id, key = %key.to_text(), "vendor added");
    Ok(token)
}

/// Now, in Unix microseconds.
fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
