//! Every SQL statement of the registry, written once in portable SQL and
//! generic over the backend ([`Backend`]). The [`Registry`](crate::Registry)
//! picks the pool ([`with_pool!`](super::with_pool)) and composes these.

use std::marker::PhantomData;

use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use super::Backend;
use crate::Error;

/// A row of `versions`, as stored.
#[derive(Debug, Clone)]
pub(crate) struct VersionRow {
    pub version: String,
    pub digest: String,
    pub blob: String,
    pub world: String,
    pub capabilities: String,
    pub limits: String,
    pub description: String,
    pub size: i64,
    pub yanked: bool,
    pub published_at: i64,
}

/// A vendor, as stored.
#[derive(Debug, Clone)]
pub(crate) struct VendorRow {
    pub id: String,
    pub public_key: String,
}

/// What publishing one version writes.
#[derive(Debug)]
pub(crate) struct NewVersion<'a> {
    pub name: &'a str,
    pub vendor: &'a str,
    pub row: &'a VersionRow,
}

/// How a publish's transaction ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Claim {
    /// The version is stored.
    Published,
    /// The name belongs to this other vendor; nothing was written.
    OwnedBy(String),
    /// The version exists already; nothing was written.
    Exists,
}

const VERSION_COLUMNS: &str = "version, digest, blob, world, capabilities, limits, description, \
                               size, yanked, published_at";

/// The generic SQL, as associated functions so that the bounds are written
/// once. They hold for [`sqlx::Sqlite`] and [`sqlx::Postgres`].
pub(crate) struct Sql<DB>(PhantomData<DB>);

impl<DB> Sql<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// Adds a vendor; `false` if one with this id exists (nothing changed).
    pub async fn insert_vendor(
        pool: &Pool<DB>,
        vendor: &VendorRow,
        token_sha256: &str,
        now: i64,
    ) -> Result<bool, Error> {
        const OP: &str = "add vendor";
        let row = sqlx::query::<DB>(
            "INSERT INTO vendors (id, public_key, token_sha256, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO NOTHING RETURNING id",
        )
        .bind(vendor.id.as_str())
        .bind(vendor.public_key.as_str())
        .bind(token_sha256)
        .bind(now)
        .fetch_optional(pool)
        .await
        .map_err(Error::db(OP))?;
        Ok(row.is_some())
    }

    /// The vendor whose token hashes to `token_sha256`.
    pub async fn vendor_by_token(
        pool: &Pool<DB>,
        token_sha256: &str,
    ) -> Result<Option<VendorRow>, Error> {
        const OP: &str = "find vendor";
        let row = sqlx::query::<DB>("SELECT id, public_key FROM vendors WHERE token_sha256 = $1")
            .bind(token_sha256)
            .fetch_optional(pool)
            .await
            .map_err(Error::db(OP))?;
        row.map(|r| {
            Ok(VendorRow {
                id: r.try_get(0)?,
                public_key: r.try_get(1)?,
            })
        })
        .transpose()
        .map_err(Error::db(OP))
    }

    /// The vendor owning plugin `name`, if anyone published it.
    pub async fn owner(pool: &Pool<DB>, name: &str) -> Result<Option<String>, Error> {
        const OP: &str = "find owner";
        let row = sqlx::query::<DB>("SELECT vendor FROM plugins WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await
            .map_err(Error::db(OP))?;
        row.map(|r| r.try_get(0)).transpose().map_err(Error::db(OP))
    }

    /// In one transaction: claims `name` for the vendor if nobody owns it,
    /// then stores the version unless the name is another vendor's or the
    /// version exists. Safe against concurrent publishes on both backends:
    /// the unique keys decide, and a loser writes nothing.
    pub async fn publish(pool: &Pool<DB>, new: &NewVersion<'_>, now: i64) -> Result<Claim, Error> {
        const OP: &str = "publish";
        let db = Error::db(OP);
        let mut tx = pool.begin_with(DB::BEGIN_WRITE).await.map_err(db)?;
        sqlx::query::<DB>(
            "INSERT INTO plugins (name, vendor, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(new.name)
        .bind(new.vendor)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(Error::db(OP))?;
        let owner: String = sqlx::query::<DB>("SELECT vendor FROM plugins WHERE name = $1")
            .bind(new.name)
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(Error::db(OP))?;
        if owner != new.vendor {
            return Ok(Claim::OwnedBy(owner));
        }
        let r = new.row;
        let stored = sqlx::query::<DB>(
            "INSERT INTO versions (name, version, digest, blob, world, capabilities, limits, \
             description, size, yanked, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (name, version) DO NOTHING RETURNING version",
        )
        .bind(new.name)
        .bind(r.version.as_str())
        .bind(r.digest.as_str())
        .bind(r.blob.as_str())
        .bind(r.world.as_str())
        .bind(r.capabilities.as_str())
        .bind(r.limits.as_str())
        .bind(r.description.as_str())
        .bind(r.size)
        .bind(r.yanked)
        .bind(r.published_at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(Error::db(OP))?;
        if stored.is_none() {
            return Ok(Claim::Exists);
        }
        tx.commit().await.map_err(Error::db(OP))?;
        Ok(Claim::Published)
    }

    /// Every version of `name`, in no particular order.
    pub async fn versions(pool: &Pool<DB>, name: &str) -> Result<Vec<VersionRow>, Error> {
        const OP: &str = "read versions";
        let sql = format!("SELECT {VERSION_COLUMNS} FROM versions WHERE name = $1");
        let rows = sqlx::query::<DB>(&sql)
            .bind(name)
            .fetch_all(pool)
            .await
            .map_err(Error::db(OP))?;
        rows.iter()
            .map(Self::version_row)
            .collect::<Result<_, _>>()
            .map_err(Error::db(OP))
    }

    /// One version of `name`.
    pub async fn version(
        pool: &Pool<DB>,
        name: &str,
        version: &str,
    ) -> Result<Option<VersionRow>, Error> {
        const OP: &str = "read version";
        let sql =
            format!("SELECT {VERSION_COLUMNS} FROM versions WHERE name = $1 AND version = $2");
        let row = sqlx::query::<DB>(&sql)
            .bind(name)
            .bind(version)
            .fetch_optional(pool)
            .await
            .map_err(Error::db(OP))?;
        row.as_ref()
            .map(Self::version_row)
            .transpose()
            .map_err(Error::db(OP))
    }

    /// Sets a version's `yanked`; `false` if there is no such version.
    pub async fn set_yanked(
        pool: &Pool<DB>,
        name: &str,
        version: &str,
        yanked: bool,
    ) -> Result<bool, Error> {
        const OP: &str = "yank";
        let row = sqlx::query::<DB>(
            "UPDATE versions SET yanked = $1 WHERE name = $2 AND version = $3 RETURNING version",
        )
        .bind(yanked)
        .bind(name)
        .bind(version)
        .fetch_optional(pool)
        .await
        .map_err(Error::db(OP))?;
        Ok(row.is_some())
    }

    /// Up to `limit` plugins (name, vendor) by name whose name or any
    /// version's description contains `text`, ignoring ASCII case.
    pub async fn search(
        pool: &Pool<DB>,
        text: &str,
        limit: u32,
    ) -> Result<Vec<(String, String)>, Error> {
        const OP: &str = "search";
        let pattern = format!("%{}%", like_escape(&text.to_ascii_lowercase()));
        let rows = sqlx::query::<DB>(
            "SELECT p.name, p.vendor FROM plugins p \
             WHERE LOWER(p.name) LIKE $1 ESCAPE '\\' \
                OR EXISTS (SELECT 1 FROM versions v WHERE v.name = p.name \
                           AND LOWER(v.description) LIKE $1 ESCAPE '\\') \
             ORDER BY p.name LIMIT $2",
        )
        .bind(pattern.as_str())
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(Error::db(OP))?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Error::db(OP))
    }

    fn version_row(r: &DB::Row) -> Result<VersionRow, sqlx::Error> {
        Ok(VersionRow {
            version: r.try_get(0)?,
            digest: r.try_get(1)?,
            blob: r.try_get(2)?,
            world: r.try_get(3)?,
            capabilities: r.try_get(4)?,
            limits: r.try_get(5)?,
            description: r.try_get(6)?,
            size: r.try_get(7)?,
            yanked: r.try_get(8)?,
            published_at: r.try_get(9)?,
        })
    }
}

/// `text` with LIKE's wildcards (and the escape character) escaped by `\`.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::like_escape(r"50%_a\b"), r"50\%\_a\\b");
    }
}
