//! `GET /v1/audit`: the audit log, for admins: who did what, when, from
//! where, oldest first; filtered by `actor`, `action`, `since` and paged
//! with `after`.

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Query, State},
};
use cityhub_cloudevents::Timestamp;
use cityhub_store::{AuditQuery, AuditRecord, MAX_AUDIT_LIMIT};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{ApiError, AppState, ErrorBody, auth::store_failed};

/// The audit router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// One audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    /// Its position: strictly increasing.
    pub seq: i64,
    /// When, RFC 3339 (UTC).
    pub at: String,
    /// Who: `token:<name>`, `cli:<user>`, `host` or `anonymous`.
    pub actor: String,
    /// What: `token.created`, `auth.failed`, `plugin.installed`, …
    pub action: String,
    /// On what: a token, plugin, route, alert, …
    pub target: String,
    /// Anything else recorded.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// From where: the peer's `ip:port`, `cli` or `host`.
    pub origin: String,
}

impl From<AuditRecord> for AuditView {
    fn from(r: AuditRecord) -> Self {
        Self {
            seq: r.seq,
            at: r.at.to_string(),
            actor: r.actor,
            action: r.action,
            target: r.target,
            detail: r.detail,
            origin: r.origin,
        }
    }
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Oldest first.
    pub records: Vec<AuditView>,
    /// The last record's seq: pass it as `after` for the next page (null when empty).
    pub next: Option<i64>,
}

/// The audit log.
#[utoipa::path(
    get,
    path = "/v1/audit",
    tag = "access",
    params(
        ("after" = Option<i64>, Query, description = "Only records with a larger seq (the previous page's `next`)"),
        ("actor" = Option<String>, Query, description = "Only this actor's, e.g. `token:ops-admin`"),
        ("action" = Option<String>, Query, description = "Only this action, e.g. `token.created`"),
        ("since" = Option<String>, Query, description = "Only records at or after this RFC 3339 time"),
        ("limit" = Option<u32>, Query, description = "At most this many, 1 to 10000 (default 100)"),
    ),
    responses(
        (status = 200, description = "A page of the audit log", body = AuditPage),
        (status = 400, description = "A bad or unknown parameter (`invalid_query`; `field` names it)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<AuditPage>, ApiError> {
    let q = query(&params)?;
    let records = state
        .bus
        .store()
        .audit_log(&q)
        .await
        .map_err(|e| store_failed("reading the audit log", e))?;
    let next = records.last().map(|r| r.seq);
    Ok(Json(AuditPage {
        records: records.into_iter().map(AuditView::from).collect(),
        next,
    }))
}

fn query(params: &HashMap<String, String>) -> Result<AuditQuery, ApiError> {
    let bad = |f: &str, m: String| ApiError::bad_request("invalid_query", m, Some(f));
    let mut q = AuditQuery {
        limit: 100,
        ..AuditQuery::default()
    };
    for (k, v) in params {
        match k.as_str() {
            "actor" => q.actor = Some(v.clone()),
            "action" => q.action = Some(v.clone()),
            "after" => {
                q.after = v.parse().ok().filter(|n| *n >= 0).ok_or_else(|| {
                    bad(
                        "after",
                        format!("`after` must be a seq (0 or more): got `{v}`"),
                    )
                })?;
            }
            "since" => {
                q.since = Some(Timestamp::parse(v).map_err(|_| {
                    bad(
                        "since",
                        format!("`since` must be an RFC 3339 time such as 2026-11-27T08:00:00+07:00: got `{v}`"),
                    )
                })?);
            }
            "limit" => {
                q.limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_AUDIT_LIMIT).contains(n))
                    .ok_or_else(|| {
                        bad(
                            "limit",
                            format!("`limit` must be a whole number from 1 to {MAX_AUDIT_LIMIT}: got `{v}`"),
                        )
                    })?;
            }
            other => {
                return Err(bad(
                    other,
                    format!("unknown parameter `{other}`: use after, actor, action, since, limit"),
                ));
            }
        }
    }
    Ok(q)
}
