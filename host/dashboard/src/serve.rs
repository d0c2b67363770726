//! The dashboard's router: `GET /` and `GET /assets/{*file}` (`HEAD` too),
//! answered from the embedded table with caching and security headers.
//!
//! Every answer, `404` and `304` included, carries the
//! [`CONTENT_SECURITY_POLICY`], `X-Content-Type-Options: nosniff` and
//! `Referrer-Policy: no-referrer`. Files are revalidated on each use
//! (`Cache-Control: no-cache`: their URLs carry no version, the module
//! imports name them plainly) and a matching `If-None-Match` gets `304`
//! with no body.

use axum::{
    Router,
    extract::Path,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::assets::{self, Asset};

/// Only the host's own files, no inline script or style, no plugins, no
/// framing; `connect-src 'self'` covers `fetch` and the `EventSource`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The page at `/` and its files at `/assets/…`, for any router state `S`
/// (the host merges it into its own router).
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/assets/", get(listing))
        .route("/assets/{*file}", get(asset))
}

async fn index(headers: HeaderMap) -> Response {
    serve(assets::find("index.html"), "index.html", &headers)
}

/// There is no listing of the files: a `404` like any unknown file.
async fn listing(headers: HeaderMap) -> Response {
    serve(None, "", &headers)
}

async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    serve(assets::find(&file), &file, &headers)
}

/// The asset's answer: `200` with the body, `304` when the client holds the
/// same version, `404` (the API's JSON error shape) when there is none.
fn serve(asset: Option<&'static Asset>, wanted: &str, headers: &HeaderMap) -> Response {
    let Some(asset) = asset else {
        let body = serde_json::json!({"error": {
            "code": "not_found",
            "message": format!("no dashboard file `{wanted}`; the dashboard is at `/` and its files under `/assets/`"),
            "field": null,
        }});
        let mut response = (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
        secure(response.headers_mut());
        return response;
    };
    let etag = asset.etag();
    let mut response = if client_has(headers, etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut ok = asset.body.into_response();
        ok.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type()),
        );
        ok
    };
    let out = response.headers_mut();
    out.insert(header::ETAG, HeaderValue::from_static(etag));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    secure(out);
    response
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak tags compare by
/// their opaque part, as RFC 9110 asks for `If-None-Match`.
fn client_has(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

fn secure(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn if_none_match_lists_weak_tags_and_star() {
        let tag = "\"abc\"";
        assert!(client_has(&with("\"abc\""), tag));
        assert!(client_has(&with("\"x\", W/\"abc\""), tag));
        assert!(client_has(&with("*"), tag));
        assert!(!client_has(&with("\"abcd\""), tag));
        assert!(!client_has(&HeaderMap::new(), tag));
    }
}
