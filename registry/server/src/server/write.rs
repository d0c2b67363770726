//! The vendor's calls: publish, yank, unyank. Each needs a vendor token in
//! `Authorization: Bearer`, checked before the body is read.

use axum::{
    Json,
    body::Body,
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode, header},
};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt as _;

use super::{AppState, Metrics};
use crate::{
    Error, Published, Vendor, YankState,
    registry::{plugin_name, plugin_version},
};

/// `name` and `version` from the path.
type Coordinates = Result<Path<(String, String)>, PathRejection>;

/// `PUT /v1/plugins/{name}/{version}`: `201` with what was published.
pub(super) async fn publish(
    State(state): State<AppState>,
    path: Coordinates,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Published>), Error> {
    let result = async {
        let (name, version) = coordinates(path)?;
        let vendor = authenticate(&state, &headers).await?;
        plugin_name(&name)?;
        plugin_version(&version)?;
        let announced = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > state.max_upload) {
            return Err(Error::TooLarge {
                max: state.max_upload,
            });
        }
        let _turn = state
            .uploads
            .acquire()
            .await
            .map_err(|e| Error::Interrupted(e.to_string()))?;
        let bytes = read_body(body, state.max_upload).await?;
        // On a task of its own: a client hanging up must not stop a publish
        // between writing the file and committing its row.
        let registry = state.registry.clone();
        tokio::spawn(async move { registry.publish(&vendor, &name, &version, bytes).await })
            .await
            .map_err(|e| Error::Interrupted(e.to_string()))?
    }
    .await;
    let published = state.metrics.count(result, Metrics::published)?;
    Ok((StatusCode::CREATED, Json(published)))
}

/// `POST /v1/plugins/{name}/{version}/yank`.
pub(super) async fn yank(
    State(state): State<AppState>,
    path: Coordinates,
    headers: HeaderMap,
) -> Result<Json<YankState>, Error> {
    set_yanked(state, path, headers, true).await
}

/// `POST /v1/plugins/{name}/{version}/unyank`.
pub(super) async fn unyank(
    State(state): State<AppState>,
    path: Coordinates,
    headers: HeaderMap,
) -> Result<Json<YankState>, Error> {
    set_yanked(state, path, headers, false).await
}

async fn set_yanked(
    state: AppState,
    path: Coordinates,
    headers: HeaderMap,
    yanked: bool,
) -> Result<Json<YankState>, Error> {
    let result = async {
        let (name, version) = coordinates(path)?;
        let vendor = authenticate(&state, &headers).await?;
        state
            .registry
            .set_yanked(&vendor, &name, &version, yanked)
            .await
    }
    .await;
    Ok(Json(state.metrics.count(result, Metrics::yank_changed)?))
}

/// The path's two segments; a segment that does not decode is an invalid name.
pub(super) fn coordinates(path: Coordinates) -> Result<(String, String), Error> {
    path.map(|Path(p)| p).map_err(|e| Error::InvalidName {
        why: format!("the path does not read: {}", e.body_text()),
    })
}

/// The vendor whose token `Authorization: Bearer` carries.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Vendor, Error> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(Error::MissingToken)?;
    state.registry.authenticate(token).await
}

/// The whole body, refusing it once it passes `max` bytes.
async fn read_body(body: Body, max: u64) -> Result<Bytes, Error> {
    let mut stream = body.into_data_stream();
    let mut bytes = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::UploadCut(e.to_string()))?;
        if (bytes.len() + chunk.len()) as u64 > max {
            return Err(Error::TooLarge { max });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.freeze())
}
