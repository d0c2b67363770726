//! The auth layer: every guarded route's request is authenticated (a
//! `Bearer` token, else the `cityhub_session` cookie), looked up by hash in
//! the store, and checked against the [`Permission`] the route needs; the
//! handler then finds the [`Principal`] in the request's extensions.
//! Refusals are `401`/`403` in the API's JSON format, or in GeoReport's
//! for `/open311`. One store read per request; a revoked token is refused
//! at its next request.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use cityhub_auth::{Permission, Role, token};
use cityhub_store::AuditEntry;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

use super::{Principal, failures::Reason, principal::origin};
use crate::{ApiError, AppState, routes::open311::GeoReportError};

/// The session cookie's name.
pub const COOKIE: &str = "cityhub_session";

/// How a guarded router answers a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `{"error": {"code", "message"}}`.
    Json,
    /// `[{"code", "description"}]` (Open311 GeoReport v2).
    GeoReport,
}

/// What a request of a method needs: a permission, or `None` for an open
/// operation (no token needed, none looked at).
pub type Need = fn(&Method) -> Option<Permission>;

#[derive(Debug, Clone)]
struct Guard {
    state: AppState,
    need: Need,
    format: Format,
}

/// Guards every route of `router`: a request needs a token whose role holds
/// `need(method)`. Routes added to `router` after this call are not guarded.
pub fn guard(
    router: OpenApiRouter<AppState>,
    state: &AppState,
    format: Format,
    need: Need,
) -> OpenApiRouter<AppState> {
    let guard = Guard {
        state: state.clone(),
        need,
        format,
    };
    router.route_layer(axum::middleware::from_fn_with_state(guard, check))
}

async fn check(State(g): State<Guard>, mut req: Request, next: Next) -> Response {
    let Some(need) = (g.need)(req.method()) else {
        return next.run(req).await;
    };
    let what = format!("{} {}", req.method(), req.uri().path());
    let from = origin(req.extensions());
    match authenticate(&g.state, req.method(), req.headers(), &what, &from, need).await {
        Ok(principal) => {
            req.extensions_mut().insert(principal);
            next.run(req).await
        }
        Err(refusal) => refusal.respond(g.format),
    }
}

/// A refused request: the error, and why (for the failure counters).
#[derive(Debug)]
pub struct Refusal {
    /// The answer.
    pub error: ApiError,
}

impl Refusal {
    fn respond(self, format: Format) -> Response {
        let unauthenticated = self.error.status == StatusCode::UNAUTHORIZED;
        let mut response = match format {
            Format::Json => self.error.into_response(),
            Format::GeoReport => GeoReportError {
                status: self.error.status,
                descriptions: vec![self.error.message],
                retry_after: self.error.retry_after,
            }
            .into_response(),
        };
        if unauthenticated {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        self.respond(Format::Json)
    }
}

/// How the token came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    Bearer,
    Cookie,
}

const CREATE_HINT: &str = "send `Authorization: Bearer <token>`; create one with `cityhub token create --role operator --name NAME`";

async fn authenticate(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    what: &str,
    from: &str,
    need: Permission,
) -> Result<Principal, Refusal> {
    let stats = &state.config.auth;
    let (secret, via) = match credentials(headers) {
        Ok(Some(c)) => c,
        Ok(None) => {
            stats.count(Reason::Missing);
            return Err(unauthenticated(format!("no token: {CREATE_HINT}")));
        }
        Err(message) => {
            stats.count(Reason::Missing);
            return Err(unauthenticated(message));
        }
    };
    let principal = lookup(state, &secret, from, what).await?;
    if via == Via::Cookie && !is_safe(method) && !same_origin(headers) {
        stats.count(Reason::CrossOrigin);
        return Err(Refusal {
            error: ApiError::new(
                StatusCode::FORBIDDEN,
                "cross_origin",
                format!(
                    "{what} came with the session cookie but without an `Origin` equal to the \
                     host: the dashboard's own page may change things; other sites and scripts \
                     send `Authorization: Bearer <token>`"
                ),
            ),
        });
    }
    if !principal.role.holds(need) {
        stats.count(Reason::Forbidden);
        return Err(forbidden(&principal, need, what));
    }
    Ok(principal)
}

/// Looks `secret` up by its hash: the token's [`Principal`], or a `401`
/// naming why (unknown, revoked), recorded as `auth.failed` (rate-capped,
/// see [`super::failures`]). `what` names the request in the record.
pub async fn lookup(
    state: &AppState,
    secret: &str,
    origin: &str,
    what: &str,
) -> Result<Principal, Refusal> {
    let store = state.bus.store();
    let row = if token::looks_valid(secret) {
        store
            .token_by_hash(&token::hash(secret))
            .await
            .map_err(|e| Refusal {
                error: super::store_failed("looking up a token", e),
            })?
    } else {
        None
    };
    let (reason, name, message) = match row {
        None => (
            Reason::Unknown,
            None,
            format!("unknown token: this host has no such token; {CREATE_HINT}"),
        ),
        Some(row) if row.revoked_at.is_some() => (
            Reason::Revoked,
            Some(row.name.clone()),
            format!(
                "token `{}` was revoked{}; ask an admin for a new one (`cityhub token create`)",
                row.name,
                row.revoked_by
                    .as_deref()
                    .map(|by| format!(" by `{by}`"))
                    .unwrap_or_default()
            ),
        ),
        Some(row) => {
            let role = row.role.parse::<Role>().map_err(|e| Refusal {
                error: ApiError::internal(format!("token `{}`: {e}", row.name)),
            })?;
            return Ok(Principal {
                name: row.name,
                role,
            });
        }
    };
    let stats = &state.config.auth;
    stats.count(reason);
    if let Some(suppressed) = stats.admit_record() {
        let entry = AuditEntry {
            actor: "anonymous".into(),
            action: "auth.failed".into(),
            target: what.to_owned(),
            detail: json!({"reason": reason.as_str(), "token": name, "suppressed": suppressed}),
            origin: origin.to_owned(),
        };
        if let Err(e) = store.audit(entry).await {
            tracing::warn!("could not record a failed sign-in in the audit log: {e}");
        }
    }
    Err(unauthenticated(message))
}

fn unauthenticated(message: String) -> Refusal {
    Refusal {
        error: ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message),
    }
}

fn forbidden(p: &Principal, need: Permission, what: &str) -> Refusal {
    let roles: Vec<&str> = need.roles().into_iter().map(Role::as_str).collect();
    Refusal {
        error: ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "token `{}` has role `{}`, which lacks the permission `{need}` that {what} needs; \
                 roles that hold it: {}",
                p.name,
                p.role,
                roles.join(", ")
            ),
        ),
    }
}

/// The token and how it came: `Authorization: Bearer`, else the session
/// cookie. An `Authorization` header of another scheme is an error.
fn credentials(headers: &HeaderMap) -> Result<Option<(String, Via)>, String> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or_default().trim();
        return match value.split_once(' ') {
            Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") && !t.trim().is_empty() => {
                Ok(Some((t.trim().to_owned(), Via::Bearer)))
            }
            _ => Err(format!(
                "the `Authorization` header must be `Bearer <token>`; {CREATE_HINT}"
            )),
        };
    }
    Ok(session_cookie(headers).map(|t| (t, Via::Cookie)))
}

/// The `cityhub_session` cookie's value, if the request carries one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether `Origin` names the host the request was sent to (`Host`).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(origin), Some(host)) = (header(header::ORIGIN), header(header::HOST)) else {
        return false;
    };
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|o| o.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn bearer_wins_over_the_cookie_and_other_schemes_are_refused() {
        let h = headers(&[
            (header::AUTHORIZATION, "bearer chub_a"),
            (header::COOKIE, "cityhub_session=chub_b"),
        ]);
        assert_eq!(credentials(&h), Ok(Some(("chub_a".into(), Via::Bearer))));
        let h = headers(&[(header::COOKIE, "x=1; cityhub_session=chub_b")]);
        assert_eq!(credentials(&h), Ok(Some(("chub_b".into(), Via::Cookie))));
        assert_eq!(credentials(&HeaderMap::new()), Ok(None));
        let h = headers(&[(header::AUTHORIZATION, "Basic dXNlcjpwdw==")]);
        assert!(credentials(&h).unwrap_err().contains("Bearer <token>"));
    }

    #[test]
    fn same_origin_compares_origin_with_host() {
        let h = headers(&[
            (header::ORIGIN, "http://127.0.0.1:8080"),
            (header::HOST, "127.0.0.1:8080"),
        ]);
        assert!(same_origin(&h));
        let h = headers(&[
            (header::ORIGIN, "http://evil.example"),
            (header::HOST, "127.0.0.1:8080"),
        ]);
        assert!(!same_origin(&h));
        assert!(!same_origin(&headers(&[(header::HOST, "127.0.0.1:8080")])));
        let h = headers(&[(header::ORIGIN, "null"), (header::HOST, "127.0.0.1:8080")]);
        assert!(!same_origin(&h));
    }
}
