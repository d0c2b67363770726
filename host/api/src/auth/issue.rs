//! Making and revoking tokens, with their audit records: what `POST
//! /v1/tokens`, `DELETE /v1/tokens/{id}` and the CLI's `cityhub token` all
//! call, so that each change is recorded the same way.

use axum::http::StatusCode;
use cityhub_auth::{Role, token};
use cityhub_store::{AuditEntry, NewToken, Store, TokenRow};
use serde_json::json;

use crate::ApiError;

/// A token just made: its row and the token itself, shown this once.
#[derive(Debug, Clone)]
pub struct Issued {
    /// As stored.
    pub row: TokenRow,
    /// The token (`chub_…`); only its hash is stored.
    pub token: String,
}

/// Why a token could not be made or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// A bad name or no randomness.
    #[error(transparent)]
    Invalid(#[from] cityhub_auth::Error),
    /// `vendor` tokens belong to the registry.
    #[error(
        "the `vendor` role is for the plugin registry, not a host: add the vendor there with \
         `cityhub registry vendor add NAME`, which prints its token"
    )]
    VendorRole,
    /// No token that is not revoked has this id or name.
    #[error(
        "no token with id or name `{0}` (or it is already revoked): `cityhub token list` shows them"
    )]
    NotFound(String),
    /// The store refused (a name taken) or failed.
    #[error(transparent)]
    Store(#[from] cityhub_store::Error),
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        let (status, code, field) = match e {
            TokenError::Invalid(cityhub_auth::Error::InvalidName { .. }) => {
                (StatusCode::BAD_REQUEST, "invalid_name", Some("name"))
            }
            TokenError::Invalid(_) => return ApiError::internal(e),
            TokenError::VendorRole => (StatusCode::BAD_REQUEST, "vendor_role", Some("role")),
            TokenError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", None),
            TokenError::Store(cityhub_store::Error::TokenNameTaken { .. }) => {
                (StatusCode::CONFLICT, "name_taken", Some("name"))
            }
            TokenError::Store(source) => return super::store_failed("changing tokens", source),
        };
        let mut out = ApiError::new(status, code, e.to_string());
        out.field = field.map(str::to_owned);
        out
    }
}

/// Makes a token named `name` with `role`, stores its hash and records
/// `token.created` by `actor` from `origin`. The `vendor` role is refused.
pub async fn issue_token(
    store: &Store,
    name: &str,
    role: Role,
    actor: &str,
    origin: &str,
) -> Result<Issued, TokenError> {
    token::check_name(name)?;
    if role == Role::Vendor {
        return Err(TokenError::VendorRole);
    }
    let secret = token::generate()?;
    let row = store
        .create_token(NewToken {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_owned(),
            role: role.as_str().to_owned(),
            hash: token::hash(&secret),
            created_by: actor.to_owned(),
        })
        .await?;
    store
        .audit(AuditEntry {
            actor: actor.to_owned(),
            action: "token.created".into(),
            target: row.name.clone(),
            detail: json!({"id": row.id, "role": row.role}),
            origin: origin.to_owned(),
        })
        .await?;
    Ok(Issued { row, token: secret })
}

/// Revokes the live token with id or name `id_or_name` and records
/// `token.revoked` by `actor` from `origin`. Its next request is refused.
pub async fn revoke_token(
    store: &Store,
    id_or_name: &str,
    actor: &str,
    origin: &str,
) -> Result<TokenRow, TokenError> {
    let row = store
        .revoke_token(id_or_name, actor)
        .await?
        .ok_or_else(|| TokenError::NotFound(id_or_name.to_owned()))?;
    store
        .audit(AuditEntry {
            actor: actor.to_owned(),
            action: "token.revoked".into(),
            target: row.name.clone(),
            detail: json!({"id": row.id, "role": row.role}),
            origin: origin.to_owned(),
        })
        .await?;
    Ok(row)
}
