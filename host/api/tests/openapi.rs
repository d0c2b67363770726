//! `GET /v1/openapi.json` against an in-process host: the document parses,
//! is OpenAPI 3.x, names every known endpoint, and every path and method it
//! names is served (none answers the fallback's `no such endpoint` nor
//! `405`), so the document and the router agree both ways.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::Value;
use support::Host;

/// The API's endpoints (the ops alert actions, `POST /v1/ops/alerts/{id}/…`,
/// are checked by probing): the document must name each with its method.
const KNOWN: [(&str, &str); 29] = [
    ("post", "/v1/events"),
    ("get", "/v1/events"),
    ("get", "/v1/stream"),
    ("get", "/healthz"),
    ("get", "/metrics"),
    ("get", "/v1/routes"),
    ("get", "/v1/routes/{name}"),
    ("post", "/v1/routes/{name}/replay"),
    ("get", "/v1/plugins"),
    ("post", "/v1/plugins/{name}/resume"),
    ("get", "/v1/deadletters"),
    ("get", "/v1/deadletters/{id}"),
    ("post", "/v1/deadletters/{id}/replay"),
    ("post", "/v1/deadletters/replay"),
    ("get", "/v1/openapi.json"),
    ("get", "/v1/ops/kpis"),
    ("get", "/v1/ops/history"),
    ("get", "/v1/ops/alerts"),
    ("get", "/v1/ops/alerts/{id}"),
    ("get", "/v1/ops/incidents"),
    ("get", "/v1/ops/map"),
    ("get", "/v1/ops/health"),
    ("get", "/open311/v2/services.json"),
    ("get", "/open311/v2/services/{file}"),
    ("get", "/open311/v2/requests.json"),
    ("post", "/open311/v2/requests.json"),
    ("get", "/open311/v2/requests/{file}"),
    ("get", "/open311/v2/services.xml"),
    ("post", "/open311/v2/requests.xml"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn document(host: &Host) -> Value {
    let r = host
        .client
        .get(host.url("/v1/openapi.json"))
        .send()
        .await
        .expect("get the document");
    assert_eq!(r.status(), 200);
    r.json().await.expect("the document is JSON")
}

#[tokio::test]
async fn the_document_is_openapi_3_and_names_every_known_endpoint() {
    let host = Host::start().await;
    let doc = document(&host).await;
    let version = doc["openapi"].as_str().expect("an `openapi` version");
    assert!(version.starts_with("3."), "OpenAPI 3.x, got {version}");
    assert_eq!(doc["info"]["title"], "cityhub");
    let paths = doc["paths"].as_object().expect("paths");
    for (method, path) in KNOWN {
        let op = &paths
            .get(path)
            .unwrap_or_else(|| panic!("`{path}` is not in the document"))[method];
        assert!(op.is_object(), "`{method} {path}` is not in the document");
        let summary = op["summary"].as_str().unwrap_or_default();
        assert!(!summary.is_empty(), "`{method} {path}` has no summary");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "`{method} {path}` has no tag"
        );
    }
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().expect("an operationId");
            assert!(ids.insert(id.to_owned()), "operationId `{id}` twice");
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                !responses.is_empty(),
                "`{method} {path}` documents no response"
            );
            if path.starts_with("/open311/") {
                assert_eq!(op["tags"][0], "open311", "`{method} {path}`");
            }
            // Every `{param}` in the path is a documented path parameter, once.
            for name in path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            {
                let n = op["parameters"].as_array().map_or(0, |ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path" && p["name"] == name)
                        .count()
                });
                assert_eq!(n, 1, "`{method} {path}`: path parameter `{name}`");
            }
        }
    }
    // The error schema the handlers answer with is in the document.
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert!(error["properties"]["error"].is_object(), "{error}");
}

#[tokio::test]
async fn every_documented_path_and_method_is_served() {
    let host = Host::start().await;
    let doc = document(&host).await;
    let paths = doc["paths"].as_object().expect("paths");
    let mut probed = 0;
    for (path, item) in paths {
        // A value for every `{param}`: one that names nothing.
        let concrete: Vec<String> = path
            .split('/')
            .map(|s| {
                if s.starts_with('{') {
                    "no-such-thing.json".to_owned()
                } else {
                    s.to_owned()
                }
            })
            .collect();
        let url = host.url(&concrete.join("/"));
        for method in METHODS {
            if item.get(method).is_none() {
                continue;
            }
            let r = host
                .client
                .request(method.to_uppercase().parse().expect("a method"), &url)
                .send()
                .await
                .expect("send");
            let status = r.status().as_u16();
            // `/v1/stream` answers 200 and goes on: read no body.
            let body = if status == 200 {
                String::new()
            } else {
                r.text().await.unwrap_or_default()
            };
            assert_ne!(
                status, 405,
                "`{method} {path}` is documented but not served: {body}"
            );
            assert!(
                !body.contains("no such endpoint"),
                "`{method} {path}` is documented but answers the fallback: {body}"
            );
            probed += 1;
        }
    }
    assert!(probed >= KNOWN.len(), "probed {probed} operations");

    // The fallback itself: an undocumented path is not served.
    let r = host
        .client
        .get(host.url("/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("no such endpoint"));
}
