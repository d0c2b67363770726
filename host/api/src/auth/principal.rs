//! [`Principal`]: who a request comes from, and [`Caller`], the extractor
//! handlers use to name the actor and origin of the audit records they write.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};
use cityhub_auth::Role;
use cityhub_store::AuditEntry;

use crate::ApiError;

/// The token a request was authenticated with. The auth layer puts it in
/// the request's extensions before any handler of a guarded route runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's name.
    pub name: String,
    /// The token's role.
    pub role: Role,
}

impl Principal {
    /// The audit actor: `token:<name>`.
    pub fn actor(&self) -> String {
        format!("token:{}", self.name)
    }
}

/// Where a request came from, for audit records: the peer's `ip:port` when
/// the server was started with connection info, else `http`.
pub fn origin(parts_extensions: &axum::http::Extensions) -> String {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "http".to_owned(), |ConnectInfo(addr)| addr.to_string())
}

/// The caller of a guarded route: its [`Principal`] and origin. A handler
/// that changes something takes it and records what it did with
/// [`Caller::entry`].
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub principal: Principal,
    /// From where (see [`origin`]).
    pub origin: String,
}

impl Caller {
    /// An audit record of `action` on `target` by this caller.
    pub fn entry(&self, action: &str, target: &str, detail: serde_json::Value) -> AuditEntry {
        AuditEntry {
            actor: self.principal.actor(),
            action: action.to_owned(),
            target: target.to_owned(),
            detail,
            origin: self.origin.clone(),
        }
    }
}

impl Caller {
    /// Appends [`Caller::entry`] to the audit log. A failure to record is
    /// logged, not answered: the action itself has happened.
    pub async fn record(
        &self,
        store: &cityhub_store::Store,
        action: &str,
        target: &str,
        detail: serde_json::Value,
    ) {
        if let Err(e) = store.audit(self.entry(action, target, detail)).await {
            tracing::warn!(
                action,
                target,
                "could not record an action in the audit log: {e}"
            );
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let principal = parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| {
                ApiError::internal(format!(
                    "{} {} reached its handler without a principal: its router has no auth guard",
                    parts.method,
                    parts.uri.path()
                ))
            })?;
        Ok(Self {
            principal,
            origin: origin(&parts.extensions),
        })
    }
}
