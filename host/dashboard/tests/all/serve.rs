//! The router over a real socket: every file with its content type,
//! caching headers, ETag (and 304) and the Content-Security-Policy.

use cityhub_dashboard::{CONTENT_SECURITY_POLICY, assets, router};
use reqwest::{StatusCode, header};

/// Serves the dashboard on a free port; the address.
async fn start() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router::<()>()).await.unwrap() });
    format!("http://{addr}")
}

fn header(response: &reqwest::Response, name: header::HeaderName) -> &str {
    response
        .headers()
        .get(&name)
        .unwrap_or_else(|| panic!("no `{name}` on {}", response.url()))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn every_file_is_served_with_its_type_etag_and_policy() {
    let base = start().await;
    let client = reqwest::Client::new();
    for asset in assets() {
        let url = format!("{base}/assets/{}", asset.path);
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        assert_eq!(
            header(&response, header::CONTENT_TYPE),
            asset.content_type(),
            "{url}"
        );
        assert_eq!(header(&response, header::ETAG), asset.etag(), "{url}");
        assert_eq!(
            header(&response, header::CACHE_CONTROL),
            "no-cache",
            "{url}"
        );
        assert_eq!(
            header(&response, header::CONTENT_SECURITY_POLICY),
            CONTENT_SECURITY_POLICY
        );
        assert_eq!(header(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(response.bytes().await.unwrap(), asset.body, "{url}");
    }
}

#[tokio::test]
async fn the_page_is_at_the_root() {
    let base = start().await;
    let response = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let policy = header(&response, header::CONTENT_SECURITY_POLICY).to_owned();
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
    assert!(
        policy.contains("script-src 'self';") && !policy.contains("unsafe-inline"),
        "{policy}"
    );
    let body = response.text().await.unwrap();
    assert!(body.starts_with("<!doctype html>") && body.contains("<html lang=\"vi\">"));
}

#[tokio::test]
async fn a_matching_if_none_match_gets_304_without_a_body() {
    let base = start().await;
    let client = reqwest::Client::new();
    let first = client
        .get(format!("{base}/assets/js/main.js"))
        .send()
        .await
        .unwrap();
    let etag = header(&first, header::ETAG).to_owned();
    for sent in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
        "*".to_owned(),
    ] {
        let again = client
            .get(format!("{base}/assets/js/main.js"))
            .header(header::IF_NONE_MATCH, &sent)
            .send()
            .await
            .unwrap();
        assert_eq!(
            again.status(),
            StatusCode::NOT_MODIFIED,
            "If-None-Match: {sent}"
        );
        assert_eq!(header(&again, header::ETAG), etag);
        assert_eq!(
            header(&again, header::CONTENT_SECURITY_POLICY),
            CONTENT_SECURITY_POLICY
        );
        assert!(again.bytes().await.unwrap().is_empty());
    }
    let stale = client
        .get(format!("{base}/"))
        .header(header::IF_NONE_MATCH, "\"not-this-one\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
    assert!(!stale.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_file_is_a_json_404_naming_it() {
    let base = start().await;
    for path in ["/assets/js/nope.js", "/assets/JS/MAIN.JS", "/assets/"] {
        let response = reqwest::get(format!("{base}{path}")).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            header(&response, header::CONTENT_SECURITY_POLICY),
            CONTENT_SECURITY_POLICY
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}: {body}");
    }
    let response = reqwest::get(format!("{base}/assets/js/nope.js"))
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`js/nope.js`"),
        "{body}"
    );
}

#[tokio::test]
async fn head_answers_like_get_without_the_body() {
    let base = start().await;
    let response = reqwest::Client::new()
        .head(format!("{base}/assets/css/dashboard.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, header::CONTENT_TYPE),
        "text/css; charset=utf-8"
    );
    assert!(response.headers().contains_key(header::ETAG));
}
