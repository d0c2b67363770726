//! API tokens: made, looked up by hash, listed and revoked. Only the hash of
//! a token is stored (cityhub-auth makes and hashes them); a revoked token's
//! row stays, so lists and audit records keep naming it, and its name may be
//! given to a new token.

use cityhub_cloudevents::Timestamp;
use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::{
    Error, Store,
    row::{now_micros, timestamp_from_micros},
    store::with_pool,
};

/// A token to store: [`Store::create_token`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// Its id (a UUIDv7 string).
    pub id: String,
    /// Its name, unique among tokens not revoked.
    pub name: String,
    /// Its role (`admin`, `operator`, …), as cityhub-auth writes it.
    pub role: String,
    /// The SHA-256 hex of the whole token.
    pub hash: String,
    /// Who made it: an audit actor (`cli:alice`, `token:ops-admin`).
    pub created_by: String,
}

/// A stored token (never the token itself).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// Who made it.
    pub created_by: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
    /// Who revoked it, if anyone did.
    pub revoked_by: Option<String>,
}

const COLUMNS: &str = "id, name, role, created_at, created_by, revoked_at, revoked_by";

impl Store {
    /// Stores a new token. Fails with [`Error::TokenNameTaken`] when a token
    /// not revoked already has its name. Cancel-safe (see [`Store::append`]).
    pub async fn create_token(&self, t: NewToken) -> Result<TokenRow, Error> {
        const OP: &str = "create_token";
        let store = self.clone();
        self.detached(OP, async move {
            let _turn = store.writer().await;
            let now = now_micros();
            let sql = format!(
                "INSERT INTO api_tokens (id, name, role, hash, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
            );
            with_pool!(store, pool => {
                let mut tx = pool.begin().await.map_err(Error::db(OP))?;
                let taken = sqlx::query(
                    "SELECT 1 FROM api_tokens WHERE name = $1 AND revoked_at IS NULL",
                )
                .bind(&t.name)
                .fetch_optional(&mut *tx)
                .await
                .map_err(Error::db(OP))?;
                if taken.is_some() {
                    return Err(Error::TokenNameTaken { name: t.name });
                }
                let row = sqlx::query(&sql)
                    .bind(&t.id)
                    .bind(&t.name)
                    .bind(&t.role)
                    .bind(&t.hash)
                    .bind(now)
                    .bind(&t.created_by)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(Error::db(OP))?;
                let row = token(&row, OP)?;
                tx.commit().await.map_err(Error::db(OP))?;
                Ok(row)
            })
        })
        .await
    }

    /// The token whose hash is `hash`, revoked or not (the caller checks
    /// [`TokenRow::revoked_at`]); called on every authenticated request.
    pub async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRow>, Error> {
        const OP: &str = "token_by_hash";
        let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE hash = $1");
        with_pool!(self, pool => {
            let row = sqlx::query(&sql)
                .bind(hash)
                .fetch_optional(pool)
                .await
                .map_err(Error::db(OP))?;
            row.as_ref().map(|r| token(r, OP)).transpose()
        })
    }

    /// Every token ever made, revoked ones too, oldest first.
    pub async fn tokens(&self) -> Result<Vec<TokenRow>, Error> {
        const OP: &str = "tokens";
        let sql = format!("SELECT {COLUMNS} FROM api_tokens ORDER BY created_at, id");
        with_pool!(self, pool => {
            let rows = sqlx::query(&sql).fetch_all(pool).await.map_err(Error::db(OP))?;
            rows.iter().map(|r| token(r, OP)).collect()
        })
    }

    /// Revokes the token not yet revoked whose id (tried first) or name is
    /// `id_or_name`, recording `by` (an audit actor); `None` when there is
    /// none. A revoked token is refused at its next request. Cancel-safe.
    pub async fn revoke_token(
        &self,
        id_or_name: &str,
        by: &str,
    ) -> Result<Option<TokenRow>, Error> {
        const OP: &str = "revoke_token";
        let store = self.clone();
        let (key, by) = (id_or_name.to_owned(), by.to_owned());
        self.detached(OP, async move {
            let _turn = store.writer().await;
            let now = now_micros();
            with_pool!(store, pool => {
                let mut tx = pool.begin().await.map_err(Error::db(OP))?;
                let mut revoked = None;
                for column in ["id", "name"] {
                    let sql = format!(
                        "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 \
                         WHERE {column} = $3 AND revoked_at IS NULL RETURNING {COLUMNS}"
                    );
                    let row = sqlx::query(&sql)
                        .bind(now)
                        .bind(&by)
                        .bind(&key)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(Error::db(OP))?;
                    if let Some(row) = row {
                        revoked = Some(token(&row, OP)?);
                        break;
                    }
                }
                tx.commit().await.map_err(Error::db(OP))?;
                Ok(revoked)
            })
        })
        .await
    }
}

/// Reads a [`TokenRow`] from a row of [`COLUMNS`].
fn token<R>(r: &R, op: &'static str) -> Result<TokenRow, Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let id: String = r.try_get(0).map_err(Error::db(op))?;
    let time = |micros: i64| {
        timestamp_from_micros(micros).ok_or_else(|| Error::CorruptRow {
            table: "api_tokens",
            key: id.clone(),
            why: format!("time {micros} is out of range"),
        })
    };
    let created_at = time(r.try_get(3).map_err(Error::db(op))?)?;
    let revoked_at: Option<i64> = r.try_get(5).map_err(Error::db(op))?;
    let revoked_at = revoked_at.map(time).transpose()?;
    Ok(TokenRow {
        name: r.try_get(1).map_err(Error::db(op))?,
        role: r.try_get(2).map_err(Error::db(op))?,
        created_at,
        created_by: r.try_get(4).map_err(Error::db(op))?,
        revoked_at,
        revoked_by: r.try_get(6).map_err(Error::db(op))?,
        id,
    })
}
