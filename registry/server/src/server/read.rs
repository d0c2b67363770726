//! The public reads: search, index, download, health. No token needed.

use axum::{
    Json,
    body::Body,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::header,
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use serde::Deserialize;
use tokio::io::AsyncReadExt as _;

use super::{AppState, write::coordinates};
use crate::{Error, Index, SearchResults};

/// Results of a search when `limit` is not given, and the most it may be.
const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 100;

/// Bytes read from a package file at a time while sending it.
const CHUNK: usize = 64 << 10;

/// The query of `GET /v1/plugins`.
#[derive(Debug, Deserialize)]
pub(super) struct SearchQuery {
    q: Option<String>,
    limit: Option<String>,
}

/// `GET /v1/plugins?q=TEXT&limit=N`.
pub(super) async fn search(
    State(state): State<AppState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Json<SearchResults>, Error> {
    let Query(query) = query.map_err(|e| Error::InvalidQuery {
        param: "q",
        why: e.body_text(),
    })?;
    let limit = match query.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| Error::InvalidQuery {
                param: "limit",
                why: format!("`{text}` is not a whole number from 1 to {MAX_LIMIT}"),
            })?,
    };
    let text = query.q.unwrap_or_default();
    Ok(Json(state.registry.search(text.trim(), limit).await?))
}

/// `GET /v1/plugins/{name}`.
pub(super) async fn index(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Index>, Error> {
    Ok(Json(state.registry.index(&name).await?))
}

/// `GET /v1/plugins/{name}/{version}/package`: the file as published,
/// streamed from disk, with its digest in `X-Cityhub-Digest`.
pub(super) async fn download(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<Response, Error> {
    let (name, version) = coordinates(path)?;
    let stored = state.registry.package(&name, &version).await?;
    let file = tokio::fs::File::open(&stored.path)
        .await
        .map_err(Error::blob("open", &stored.path))?;
    state.metrics.downloaded(stored.size);
    let chunks = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0; CHUNK];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    let filename = format!("attachment; filename=\"{name}-{version}.chpkg\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.cityhub.package".to_owned(),
            ),
            (header::CONTENT_LENGTH, stored.size.to_string()),
            (header::CONTENT_DISPOSITION, filename),
            (
                header::HeaderName::from_static("x-cityhub-digest"),
                stored.digest,
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response())
}

/// `GET /healthz`: `200 {"status":"ok"}` while the process serves.
pub(super) async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}
