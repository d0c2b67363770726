//! `/v1/session`: the dashboard's sign-in. `POST` with `{"token"}` checks
//! the token and sets it as the `cityhub_session` cookie (HttpOnly,
//! SameSite=Strict, Path=/), which then authenticates the page's requests
//! like a bearer token; unsafe requests must also come from the page's own
//! origin. `GET` names the signed-in token; `DELETE` clears the cookie.
//! A failed sign-in is recorded in the audit log as `auth.failed` (rate
//! capped); a successful one as `session.signed-in`.

use axum::{
    Json,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    ApiError, AppState, ErrorBody,
    auth::{COOKIE, Caller, lookup, origin},
};

/// The session router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_in, whoami, sign_out))
}

/// `POST /v1/session`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// An API token (`chub_…`).
    pub token: String,
}

/// Who is signed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The token's name.
    pub name: String,
    /// Its role.
    pub role: String,
}

/// Signs in with a token: sets the session cookie.
#[utoipa::path(
    post,
    path = "/v1/session",
    tag = "access",
    security(()),
    request_body(content = SignIn, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed in; `Set-Cookie: cityhub_session=…`", body = SessionView),
        (status = 400, description = "A bad body (`invalid_sign_in`)", body = ErrorBody),
        (status = 401, description = "An unknown or revoked token (`unauthenticated`)", body = ErrorBody),
    )
)]
async fn sign_in(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let from = origin(req.extensions());
    let limit = state.config.max_body;
    let body = axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| ApiError::too_large(limit))?;
    let body: SignIn = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            "invalid_sign_in",
            format!("the body must be JSON such as {{\"token\": \"chub_…\"}}: {e}"),
            Some("token"),
        )
    })?;
    let principal = match lookup(&state, body.token.trim(), &from, "POST /v1/session").await {
        Ok(p) => p,
        Err(refusal) => return Ok(refusal.into_response()),
    };
    let caller = Caller {
        principal,
        origin: from,
    };
    state
        .bus
        .store()
        .audit(caller.entry(
            "session.signed-in",
            &caller.principal.name,
            json!({"role": caller.principal.role}),
        ))
        .await
        .map_err(|e| crate::auth::store_failed("recording a sign-in", e))?;
    let cookie = format!(
        "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
        body.token.trim()
    );
    let mut response = Json(view(&caller)).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// The signed-in token (or the bearer token's) name and role.
#[utoipa::path(
    get,
    path = "/v1/session",
    tag = "access",
    responses(
        (status = 200, description = "Who is signed in", body = SessionView),
        (status = 401, description = "Not signed in (`unauthenticated`)", body = ErrorBody),
    )
)]
async fn whoami(caller: Caller) -> Json<SessionView> {
    Json(view(&caller))
}

/// Signs out: clears the session cookie (the token stays valid).
#[utoipa::path(
    delete,
    path = "/v1/session",
    tag = "access",
    security(()),
    responses((status = 204, description = "Signed out; the cookie is cleared"))
)]
async fn sign_out() -> Response {
    // `COOKIE`, expired.
    const CLEAR: &str = "cityhub_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
    (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, HeaderValue::from_static(CLEAR))],
    )
        .into_response()
}

fn view(caller: &Caller) -> SessionView {
    SessionView {
        name: caller.principal.name.clone(),
        role: caller.principal.role.to_string(),
    }
}
