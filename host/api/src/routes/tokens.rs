//! `/v1/tokens`: the host's API tokens (admin only).
//!
//! - `GET /v1/tokens`: every token, revoked ones too (never the tokens
//!   themselves: only their hashes are stored).
//! - `POST /v1/tokens` with `{"name", "role"}`: `201` with the new token,
//!   shown this once.
//! - `DELETE /v1/tokens/{id}` (an id or a name): revokes it; its next
//!   request is refused.
//!
//! Each change is recorded in the audit log (`token.created`,
//! `token.revoked`) with the caller as actor.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use cityhub_auth::Role;
use cityhub_store::TokenRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    ApiError, AppState, ErrorBody,
    auth::{Caller, issue_token, revoke_token, store_failed},
};

/// The tokens router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

/// A token as listed (never the token itself).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// Its id (UUIDv7).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its role: `admin`, `integrator`, `operator` or `source`.
    pub role: String,
    /// When it was made, RFC 3339 (UTC).
    pub created_at: String,
    /// Who made it: `cli:<user>` or `token:<name>`.
    pub created_by: String,
    /// When it was revoked, or null.
    pub revoked_at: Option<String>,
    /// Who revoked it, or null.
    pub revoked_by: Option<String>,
}

impl From<&TokenRow> for TokenView {
    fn from(t: &TokenRow) -> Self {
        Self {
            id: t.id.clone(),
            name: t.name.clone(),
            role: t.role.clone(),
            created_at: t.created_at.to_string(),
            created_by: t.created_by.clone(),
            revoked_at: t.revoked_at.as_ref().map(ToString::to_string),
            revoked_by: t.revoked_by.clone(),
        }
    }
}

/// Every token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    /// Oldest first.
    pub tokens: Vec<TokenView>,
}

/// What `POST /v1/tokens` makes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// 1 to 64 of `a-z 0-9 . _ -`, starting with a letter or digit; unique
    /// among tokens not revoked.
    pub name: String,
    /// `admin`, `integrator`, `operator` or `source`.
    #[schema(value_type = String)]
    pub role: Role,
}

/// A token just made.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: String,
    /// The token: send it as `Authorization: Bearer <token>`. Shown only now.
    pub token: String,
}

/// Every token of the host, revoked ones too.
#[utoipa::path(
    get,
    path = "/v1/tokens",
    tag = "access",
    responses(
        (status = 200, description = "Every token, oldest first", body = TokenList),
        (status = 401, description = "No valid token (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    )
)]
async fn list(State(state): State<AppState>) -> Result<Json<TokenList>, ApiError> {
    let rows = state
        .bus
        .store()
        .tokens()
        .await
        .map_err(|e| store_failed("listing tokens", e))?;
    Ok(Json(TokenList {
        tokens: rows.iter().map(TokenView::from).collect(),
    }))
}

/// Makes a token; the answer holds it, shown this once.
#[utoipa::path(
    post,
    path = "/v1/tokens",
    tag = "access",
    request_body(content = NewTokenBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Made", body = CreatedToken),
        (status = 400, description = "A bad body, name (`invalid_name`) or the `vendor` role (`vendor_role`)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 409, description = "A live token has this name (`name_taken`)", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let body: NewTokenBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            "invalid_token",
            format!(
                "the body must be JSON such as {{\"name\": \"ops-desk\", \"role\": \"operator\"}} \
                 (roles: admin, integrator, operator, source): {e}"
            ),
            None,
        )
    })?;
    let issued = issue_token(
        state.bus.store(),
        &body.name,
        body.role,
        &caller.principal.actor(),
        &caller.origin,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id: issued.row.id,
            name: issued.row.name,
            role: issued.row.role,
            token: issued.token,
        }),
    ))
}

/// Revokes a token by id or name.
#[utoipa::path(
    delete,
    path = "/v1/tokens/{id}",
    tag = "access",
    params(("id" = String, Path, description = "The token's id or name")),
    responses(
        (status = 200, description = "Revoked", body = TokenView),
        (status = 401, description = "No valid token (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No live token has this id or name (`not_found`)", body = ErrorBody),
    )
)]
async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<TokenView>, ApiError> {
    let row = revoke_token(
        state.bus.store(),
        &id,
        &caller.principal.actor(),
        &caller.origin,
    )
    .await?;
    Ok(Json(TokenView::from(&row)))
}
