//! The DevTools client itself, on a page of its own served by a small axum
//! server: a page that errs is reported as erring (so the dashboard tests'
//! "no problem" cannot pass by seeing nothing), and clicks, typing,
//! evaluation and screenshots do what they say.

use std::time::Instant;

use axum::{Router, http::header, response::IntoResponse, routing::get};

use super::{Browser, Page, TIMEOUT};

const PAGE: &str = r#"<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>self-test</title><link rel="icon" href="data:,"></head>
<body>
<button id="press" onclick="document.body.dataset.pressed = 'yes'">Bấm</button>
<input id="name" value="cũ" onchange="document.body.dataset.changed = this.value">
<script>
console.log('fine');
console.error('an error', 42);
console.warn('a warning');
fetch('/missing');
setTimeout(() => { throw new Error('thrown later'); }, 0);
</script>
</body></html>"#;

/// Serves `PAGE` and opens it in a new browser; returns the page's URL.
async fn open() -> (String, Browser, Page) {
    let url = serve().await;
    let browser = Browser::launch().await;
    let page = browser.new_page().await;
    page.goto(&url).await;
    (url, browser, page)
}

/// Serves `PAGE` at `/` (everything else is 404) and returns its URL.
async fn serve() -> String {
    let app = Router::new().route(
        "/",
        get(|| async {
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response()
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/")
}

/// Waits until the page has reported a problem of each of `kinds`
/// (prefixes of [`Problem::kind`](super::events::Problem)).
async fn wait_reported(page: &Page, kinds: &[&str]) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let problems = page.problems();
        let missing: Vec<&&str> = kinds
            .iter()
            .filter(|k| !problems.iter().any(|p| p.kind.starts_with(**k)))
            .collect();
        if missing.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "waited {TIMEOUT:?} for problems of kinds {missing:?}\n{}",
            page.describe().await
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_client_reports_console_errors_exceptions_and_failed_requests() {
    let (url, _browser, page) = open().await;
    wait_reported(
        &page,
        &["console.error", "console.warning", "exception", "request"],
    )
    .await;
    let problems: Vec<String> = page.problems().iter().map(ToString::to_string).collect();
    let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(has("an error 42"), "{problems:#?}");
    assert!(has("a warning"), "{problems:#?}");
    assert!(has("thrown later"), "{problems:#?}");
    assert!(has("HTTP 404"), "{problems:#?}");
    assert!(has(&format!("{url}missing")), "{problems:#?}");
    assert!(!has("fine"), "console.log is not a problem: {problems:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_client_evaluates_clicks_types_and_takes_screenshots() {
    let (_, _browser, page) = open().await;
    assert_eq!(page.eval("Promise.resolve(6 * 7)").await, 42);
    assert_eq!(page.eval("document.documentElement.lang").await, "vi");
    assert_eq!(
        page.eval("[innerWidth, innerHeight]").await,
        serde_json::json!([1600, 1000])
    );
    let thrown = page.try_eval("noSuchFunction()").await.unwrap_err();
    assert!(thrown.contains("ReferenceError"), "{thrown}");

    page.click("#press").await;
    page.wait_for(
        "the click to land",
        "document.body.dataset.pressed === 'yes'",
    )
    .await;
    page.type_into("#name", "Nguyễn Văn An").await;
    assert_eq!(
        page.eval("document.body.dataset.changed").await,
        "Nguyễn Văn An"
    );

    let dir = tempfile::tempdir().unwrap();
    let png = page.screenshot(&dir.path().join("self-test.png")).await;
    assert_eq!(
        std::fs::read(dir.path().join("self-test.png")).unwrap(),
        png
    );
    // The PNG's header: 1600 × 1000 pixels.
    assert_eq!(&png[16..24], &[0, 0, 0x06, 0x40, 0, 0, 0x03, 0xe8]);
}
