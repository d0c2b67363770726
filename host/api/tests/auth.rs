//! Access to the API, against an in-process host on a real SQLite file:
//! every operation of the served OpenAPI document without a token (401),
//! with each role (403 exactly when the role lacks the operation's
//! permission), revoked and unknown tokens, the dashboard's cookie session
//! and its same-origin rule, and the audit log of it all (admin only,
//! filterable, recording this test's own admin actions).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;

use cityhub_auth::{Permission, Role};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use support::Host;

/// The permission each operation needs, written from the contract's table
/// independently of the routers. An operation this does not know fails the
/// matrix test, so a new endpoint cannot go unchecked.
fn expected(method: &str, path: &str) -> Option<Permission> {
    use Permission as P;
    let post = method == "post";
    match path {
        "/healthz" => None,
        "/v1/session" if method != "get" => None,
        "/v1/session" | "/v1/openapi.json" => Some(P::ReadApiDoc),
        "/v1/events" if post => Some(P::IngestEvents),
        "/v1/events" | "/v1/stream" => Some(P::ReadEvents),
        "/metrics" => Some(P::ReadMetrics),
        "/v1/audit" => Some(P::Administer),
        p if p.starts_with("/v1/tokens") => Some(P::Administer),
        p if p.starts_with("/v1/ops/") => Some(if post { P::ActOnAlerts } else { P::ReadOps }),
        p if p.starts_with("/open311/v2/") => Some(if post { P::IngestEvents } else { P::ReadOps }),
        p if ["/v1/routes", "/v1/plugins", "/v1/deadletters"]
            .iter()
            .any(|prefix| p.starts_with(prefix)) =>
        {
            Some(P::ManageDelivery)
        }
        _ => panic!(
            "`{method} {path}` is served but has no expected permission here: add it to the \
             contract's table (issue 7) and to `expected`"
        ),
    }
}

/// A body for `method path` good enough to get past authentication.
fn body_for(method: &str, path: &str, role: &str) -> Option<String> {
    if method != "post" {
        return None;
    }
    Some(match path {
        "/v1/events" => support::event("city.test.matrix", &format!("m-{role}")).to_string(),
        "/v1/tokens" => json!({"name": format!("matrix-{role}"), "role": "operator"}).to_string(),
        "/v1/session" => json!({"token": "chub_not-a-token"}).to_string(),
        _ => "{}".to_owned(),
    })
}

/// `path` with every `{param}` replaced by a value that names nothing.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if s.starts_with('{') {
                "no-such-thing"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn send(
    host: &Host,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> (StatusCode, String) {
    let method: Method = method.to_uppercase().parse().unwrap();
    let mut req = reqwest::Client::new().request(method, host.url(&concrete(path)));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.header(header::CONTENT_TYPE, "application/json").body(b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    // `/v1/stream` answers 200 and goes on: read no body.
    let text = if status == StatusCode::OK {
        String::new()
    } else {
        r.text().await.unwrap_or_default()
    };
    (status, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_needs_a_token_whose_role_holds_its_permission() {
    let host = Host::start().await;
    let mut tokens = vec![(Role::Admin, host.admin.clone())];
    for role in [Role::Integrator, Role::Operator, Role::Source] {
        tokens.push((
            role,
            host.token(role, &format!("matrix-{role}-token")).await,
        ));
    }
    let doc: Value = host
        .client
        .get(host.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer",
        "the document declares the bearer scheme"
    );
    let mut probed = 0;
    let mut seen = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            probed += 1;
            let need = expected(method, path);
            let (status, body) =
                send(&host, method, path, None, body_for(method, path, "none")).await;
            let Some(need) = need else {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN
                        || path == "/v1/session",
                    "open `{method} {path}` refused without a token: {status} {body}"
                );
                continue;
            };
            seen.insert(need.as_str());
            // Documented as needing the bearer scheme.
            assert!(
                item[method].get("security").is_none(),
                "`{method} {path}` says it is open"
            );
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "`{method} {path}` without a token: {body}"
            );
            if path.starts_with("/open311/") {
                let v: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(v[0]["code"], 401, "GeoReport format: {body}");
                assert!(
                    v[0]["description"].as_str().unwrap().contains("Bearer"),
                    "{body}"
                );
            } else {
                let v: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(v["error"]["code"], "unauthenticated", "{body}");
                assert!(
                    v["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains("cityhub token create"),
                    "{body}"
                );
            }
            for (role, token) in &tokens {
                let (status, body) = send(
                    &host,
                    method,
                    path,
                    Some(token),
                    body_for(method, path, role.as_str()),
                )
                .await;
                if role.holds(need) {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "`{method} {path}` refused the {role} token: {status} {body}"
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "`{method} {path}` let the {role} token in: {body}"
                    );
                    assert!(
                        body.contains(need.as_str()),
                        "the 403 names the permission: {body}"
                    );
                    assert!(
                        body.contains(role.as_str()),
                        "the 403 names the role: {body}"
                    );
                }
            }
        }
    }
    assert!(probed >= 35, "probed only {probed} operations");
    let all: BTreeSet<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(seen, all, "every permission guards some operation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_revoked_tokens_are_refused_saying_which() {
    let host = Host::start().await;
    let op = host.token(Role::Operator, "desk-1").await;
    let (status, _) = send(&host, "get", "/v1/ops/kpis", Some(&op), None).await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = send(&host, "get", "/v1/ops/kpis", Some("chub_nope"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("unknown token"), "{body}");

    let r = host
        .client
        .delete(host.url("/v1/tokens/desk-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let revoked: Value = r.json().await.unwrap();
    assert_eq!(revoked["revoked_by"], "token:test-admin");
    let r = reqwest::Client::new()
        .get(host.url("/v1/ops/kpis"))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
    let body = r.text().await.unwrap();
    assert!(body.contains("`desk-1` was revoked"), "{body}");
    // Revoking it again finds no live token.
    let r = host
        .client
        .delete(host.url("/v1/tokens/desk-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cookie_session_signs_in_reads_and_acts_only_from_its_own_origin() {
    let host = Host::start().await;
    let op = host.token(Role::Operator, "ops-screen").await;
    let bare = reqwest::Client::new();

    let r = bare
        .post(host.url("/v1/session"))
        .json(&json!({"token": op}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with(&format!("cityhub_session={op}")),
        "{cookie}"
    );
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let me: Value = r.json().await.unwrap();
    assert_eq!(me, json!({"name": "ops-screen", "role": "operator"}));

    let jar = format!("cityhub_session={op}");
    let r = bare
        .get(host.url("/v1/session"))
        .header(header::COOKIE, &jar)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["name"], "ops-screen");
    let r = bare
        .get(host.url("/v1/ops/kpis"))
        .header(header::COOKIE, &jar)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // An unsafe request with the cookie: only from the host's own origin.
    let act = host.url("/v1/ops/alerts/no-such-alert/ack");
    for origin in [Some("http://evil.example"), None] {
        let mut req = bare
            .post(&act)
            .header(header::COOKIE, &jar)
            .json(&json!({}));
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "origin {origin:?}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "cross_origin");
    }
    let r = bare
        .post(&act)
        .header(header::COOKIE, &jar)
        .header(header::ORIGIN, &host.base)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), StatusCode::FORBIDDEN, "same origin");
    assert_ne!(r.status(), StatusCode::UNAUTHORIZED, "same origin");

    // A bad token does not sign in; signing out clears the cookie.
    let r = bare
        .post(host.url("/v1/session"))
        .json(&json!({"token": "chub_wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get(header::SET_COOKIE).is_none());
    let r = bare.delete(host.url("/v1/session")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(
        r.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
}

async fn audit(host: &Host, query: &str) -> Vec<Value> {
    let r = host
        .client
        .get(host.url(&format!("/v1/audit{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "/v1/audit{query}");
    let page: Value = r.json().await.unwrap();
    page["records"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_records_this_tests_admin_actions_and_failed_sign_ins() {
    let host = Host::start().await;
    // The test's own admin actions, through the API.
    let r = host
        .client
        .post(host.url("/v1/tokens"))
        .json(&json!({"name": "night-shift", "role": "operator"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let made: Value = r.json().await.unwrap();
    assert!(made["token"].as_str().unwrap().starts_with("chub_"));
    let r = host
        .client
        .delete(host.url("/v1/tokens/night-shift"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // A failed sign-in.
    let r = reqwest::Client::new()
        .post(host.url("/v1/session"))
        .json(&json!({"token": "chub_guessed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let mine = audit(&host, "?actor=token:test-admin").await;
    let actions: Vec<(&str, &str)> = mine
        .iter()
        .map(|r| (r["action"].as_str().unwrap(), r["target"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("token.created", "night-shift"),
            ("token.revoked", "night-shift")
        ]
    );
    for r in &mine {
        assert!(
            r["origin"].as_str().unwrap().starts_with("127.0.0.1:"),
            "{r}"
        );
        assert_eq!(r["detail"]["id"], made["id"]);
    }
    let failed = audit(&host, "?action=auth.failed").await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["actor"], "anonymous");
    assert_eq!(failed[0]["target"], "POST /v1/session");
    assert_eq!(failed[0]["detail"]["reason"], "unknown");

    // The whole log: the support's own token first (made as the CLI does).
    let all = audit(&host, "").await;
    assert_eq!(all[0]["actor"], "cli:test");
    assert_eq!(all[0]["target"], "test-admin");
    let seqs: Vec<i64> = all.iter().map(|r| r["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let after = audit(&host, &format!("?after={}&limit=1", seqs[0])).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["seq"], seqs[1]);
    assert!(audit(&host, "?since=2999-01-01T00:00:00Z").await.is_empty());

    // Bad queries say which parameter.
    for q in ["?limit=0", "?since=yesterday", "?who=me"] {
        let r = host
            .client
            .get(host.url(&format!("/v1/audit{q}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{q}");
    }
    // Metrics count the refusals.
    let metrics = host.text("/metrics").await;
    assert!(
        metrics.contains("cityhub_auth_failures_total{reason=\"unknown\"} 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_checked_when_made() {
    let host = Host::start().await;
    for (body, status, code) in [
        (
            json!({"name": "Bad Name", "role": "operator"}),
            400,
            "invalid_name",
        ),
        (json!({"name": "v", "role": "vendor"}), 400, "vendor_role"),
        (json!({"name": "x", "role": "root"}), 400, "invalid_token"),
        (
            json!({"name": "test-admin", "role": "operator"}),
            409,
            "name_taken",
        ),
    ] {
        let r = host
            .client
            .post(host.url("/v1/tokens"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{body}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], code, "{v}");
    }
    let list: Value = host
        .client
        .get(host.url("/v1/tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["test-admin"]);
    assert!(
        list["tokens"][0].get("token").is_none(),
        "never the token itself"
    );
}
