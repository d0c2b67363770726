//! An in-process host for the API's tests: a real SQLite file, a bus with
//! no plugins, the whole router served on a loopback port (with the peer's
//! address, as `cityhub serve` does), and an admin token its client sends.

#![allow(dead_code)]

use std::{net::SocketAddr, sync::Arc, time::Duration};

use cityhub_api::{ApiConfig, AppState, auth::issue_token, routes::stream::Streams};
use cityhub_auth::Role;
use cityhub_bus::{Bus, BusOptions};
use cityhub_cloudevents::CloudEvent;
use cityhub_store::Store;
use serde_json::{Value, json};

/// A running host; dropped at the end of the test with its runtime.
pub struct Host {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The bus behind it.
    pub bus: Arc<Bus>,
    /// Its live streams.
    pub streams: Arc<Streams>,
    /// A client for it that sends [`Host::admin`] as a bearer token.
    pub client: reqwest::Client,
    /// The admin token `client` sends, named `test-admin`.
    pub admin: String,
    _dir: tempfile::TempDir,
}

impl Host {
    /// Starts a host on a fresh SQLite file.
    pub async fn start() -> Self {
        Self::start_with_log(&[]).await
    }

    /// Starts a host on a SQLite file that holds `events` already (stored
    /// before the bus starts, so they are not in its in-memory tail).
    pub async fn start_with_log(events: &[Value]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("log.db").display());
        let store = Store::open(&url).await.expect("open the store");
        let events: Vec<CloudEvent> = events
            .iter()
            .map(|e| CloudEvent::from_json_value(e).expect("a valid event"))
            .collect();
        store.append(&events).await.expect("store the log");
        let bus = Bus::start(store, vec![], vec![], BusOptions::default())
            .await
            .expect("start the bus");
        // No clock ticks in the log while a test runs: only what it posts.
        bus.set_tick(Duration::from_secs(24 * 3600));
        let config = ApiConfig::default();
        let streams = config.streams.clone();
        let app = cityhub_api::router(AppState {
            bus: bus.clone(),
            config: Arc::new(config),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
        });
        let admin = token(&bus, Role::Admin, "test-admin").await;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {admin}").parse().expect("a header value"),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("a client");
        Self {
            base,
            bus,
            streams,
            client,
            admin,
            _dir: dir,
        }
    }

    /// A new token of `role` named `name` (made as `cityhub token create` does).
    pub async fn token(&self, role: Role, name: &str) -> String {
        token(&self.bus, role, name).await
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The body of `GET path`.
    pub async fn text(&self, path: &str) -> String {
        let r = self.client.get(self.url(path)).send().await.expect("get");
        r.text().await.expect("a body")
    }

    /// Posts `events` (a batch, at most 1000, none posted before) and
    /// returns the log position of each.
    pub async fn post(&self, events: &[Value]) -> Vec<i64> {
        let before = self.bus.last_seq();
        let r = self
            .client
            .post(self.url("/v1/events"))
            .header("content-type", "application/cloudevents-batch+json")
            .body(Value::Array(events.to_vec()).to_string())
            .send()
            .await
            .expect("post events");
        assert_eq!(r.status(), 202, "{}", r.text().await.unwrap_or_default());
        let ids: Vec<String> = events
            .iter()
            .map(|e| e["id"].as_str().expect("id").to_owned())
            .collect();
        let page: Value = self
            .client
            .get(self.url(&format!("/v1/events?after={before}&limit=1000")))
            .send()
            .await
            .expect("get events")
            .json()
            .await
            .expect("json");
        ids.iter()
            .map(|id| {
                page["events"]
                    .as_array()
                    .expect("events")
                    .iter()
                    .find(|e| e["event"]["id"] == json!(id))
                    .and_then(|e| e["seq"].as_i64())
                    .expect("the posted event is in the log")
            })
            .collect()
    }
}

async fn token(bus: &Bus, role: Role, name: &str) -> String {
    issue_token(bus.store(), name, role, "cli:test", "cli")
        .await
        .expect("make a token")
        .token
}

/// A structured-mode CloudEvent of type `ty` with id `id`.
pub fn event(ty: &str, id: &str) -> Value {
    json!({
        "specversion": "1.0",
        "id": id,
        "source": "/test/api",
        "type": ty,
        "time": "2026-11-27T08:00:00+07:00",
        "datacontenttype": "application/json",
        "data": {"n": id},
    })
}
