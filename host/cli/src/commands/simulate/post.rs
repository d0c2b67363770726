//! [`Sender`]: posts the simulator's events to a running host, in order.
//!
//! CloudEvents go in batch mode (`application/cloudevents-batch+json`) to
//! `/v1/events`, at most [`MAX_BATCH`] per request and never faster than
//! `--rate`, field reports among them (`--reports events`). With
//! `--reports open311` field reports go one by one, form-encoded, to the
//! host's Open311 endpoint, and the `service_request_id` it answers
//! replaces the simulator's id in later `city.fieldreport.progress` events.
//!
//! A `429`/`503` is waited out (its `Retry-After`, at most
//! [`MAX_RETRY_AFTER`]) and the same request sent again, so no event is
//! lost; a refused batch (`400`, `413`) is sent again event by event so
//! that only the events at fault are counted as rejected, with the host's
//! message. A host that cannot be reached is retried [`RECONNECTS`] times.
//!
//! Every request carries `--token` as `Authorization: Bearer`; the token is
//! checked (`GET /v1/session`) before anything is sent, and a `401`/`403`
//! stops the run with what role is needed and how to get a token.

use std::{collections::HashMap, time::Duration};

use anyhow::{Context, bail};
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::{event::Outgoing, summary::Counts};
use crate::client::{auth_headers, refused};

/// The most events in one request.
pub const MAX_BATCH: usize = 100;
/// The longest wait a `Retry-After` may ask for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// How often a lost connection is retried (1 s, 2 s, 4 s…) before giving up.
const RECONNECTS: u32 = 5;
/// The Open311 endpoint.
const OPEN311: &str = "/open311/v2/requests.json";
/// The role a token needs to post events.
const ROLE: &str = "source";
/// The roles that may post events (`source`, and those holding all it holds).
const POSTING_ROLES: [&str; 3] = ["source", "integrator", "admin"];

/// What the host did with one event.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Accepted,
    Duplicate,
    Rejected(String),
}

/// Posts events to one host and counts what happened.
#[derive(Debug)]
pub struct Sender {
    http: reqwest::Client,
    base: String,
    /// Simulator id of a report → the host's `service_request_id`.
    requests: HashMap<String, String>,
    /// When sending began, for `--rate`.
    started: Instant,
    rate: f64,
    /// Whether requests carry a token (for the message of a `401`).
    has_token: bool,
    pub counts: Counts,
}

impl Sender {
    /// A sender to the host at `base` (`http://host:port`) with `token`
    /// (if any), at most `rate` events per second.
    pub fn new(base: &str, token: Option<&str>, rate: f64) -> anyhow::Result<Self> {
        let headers = auth_headers(token)?;
        let has_token = !headers.is_empty();
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("cityhub-simulate/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            requests: HashMap::new(),
            started: Instant::now(),
            rate,
            has_token,
            counts: Counts::default(),
        })
    }

    /// Checks that a cityhub host answers at the URL and takes the token,
    /// before anything is sent.
    pub async fn check(&self) -> anyhow::Result<()> {
        let url = format!("{}/healthz", self.base);
        match self.http.get(&url).send().await {
            Ok(r) if r.status().is_success() => anyhow::Ok(()),
            Ok(r) => bail!(
                "the server at {} answered `/healthz` with HTTP {}: is it a cityhub host? pass `--url`",
                self.base,
                r.status()
            ),
            Err(_) => bail!(
                "cannot reach a cityhub host at {}: start one with `cityhub serve --config city.toml` \
                 (or run `cityhub demo`, which starts one and simulates), or pass `--url`",
                self.base
            ),
        }?;
        self.check_token().await
    }

    /// Checks the token with `GET /v1/session`: refused, or of a role that
    /// cannot post events, is an error naming the fix. A host without
    /// sign-in (`404`) is left to answer the events themselves.
    async fn check_token(&self) -> anyhow::Result<()> {
        let path = "/v1/session";
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .with_context(|| format!("asking {} who the token is", self.base))?;
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        let role = body["role"].as_str().unwrap_or_default();
        match status {
            200 if !POSTING_ROLES.contains(&role) => {
                let why = format!(
                    "the token `{}` has role `{role}`, which cannot post events",
                    body["name"].as_str().unwrap_or_default()
                );
                bail!(refused(403, &self.base, "/v1/events", &why, true, ROLE))
            }
            401 | 403 => bail!(refused(
                status,
                &self.base,
                path,
                &message(&body, status),
                self.has_token,
                ROLE
            )),
            _ => Ok(()),
        }
    }

    /// Sends `events` in order; returns those the host has (accepted or
    /// already stored), as they should be recorded.
    pub async fn send(&mut self, events: Vec<Outgoing>) -> anyhow::Result<Vec<Value>> {
        let mut kept = Vec::with_capacity(events.len());
        let mut batch: Vec<Value> = Vec::new();
        for e in events {
            match e {
                Outgoing::Event { mut json, updates } => {
                    if let Some(report) = updates {
                        let Some(id) = self.requests.get(&report) else {
                            let why =
                                "its report was not accepted by the Open311 endpoint".to_owned();
                            self.counts.reject(&json, why);
                            continue;
                        };
                        json["data"]["service_request_id"] = json!(id);
                        json["subject"] = json!(id);
                    }
                    batch.push(json);
                    if batch.len() == MAX_BATCH {
                        kept.extend(self.batch(std::mem::take(&mut batch)).await?);
                    }
                }
                Outgoing::Report { json, form } => {
                    kept.extend(self.batch(std::mem::take(&mut batch)).await?);
                    kept.extend(self.report(json, &form).await?);
                }
            }
        }
        kept.extend(self.batch(batch).await?);
        Ok(kept)
    }

    /// Posts one batch; on a refusal of the whole, each event alone.
    async fn batch(&mut self, events: Vec<Value>) -> anyhow::Result<Vec<Value>> {
        if events.is_empty() {
            return Ok(events);
        }
        self.throttle(events.len()).await;
        let verdicts = match self.post_events(&events).await? {
            Ok(v) => v,
            Err(message) if events.len() == 1 => vec![Verdict::Rejected(message)],
            Err(_) => {
                let mut v = Vec::with_capacity(events.len());
                for e in &events {
                    v.push(match self.post_events(std::slice::from_ref(e)).await? {
                        Ok(mut one) => one.pop().unwrap_or(Verdict::Accepted),
                        Err(message) => Verdict::Rejected(message),
                    });
                }
                v
            }
        };
        let mut kept = Vec::with_capacity(events.len());
        for (e, v) in events.into_iter().zip(verdicts) {
            match v {
                Verdict::Accepted => self.counts.accept(&e, false),
                Verdict::Duplicate => self.counts.accept(&e, true),
                Verdict::Rejected(mut why) => {
                    if e["type"] == "city.fieldreport.submitted" {
                        why.push_str(" (or send field reports with `--reports open311`)");
                    }
                    self.counts.reject(&e, why);
                    continue;
                }
            }
            kept.push(e);
        }
        Ok(kept)
    }

    /// `Ok(verdicts)` for `202`, `Err(message)` when the host refused the
    /// request as invalid.
    async fn post_events(
        &mut self,
        events: &[Value],
    ) -> anyhow::Result<Result<Vec<Verdict>, String>> {
        let body = serde_json::to_vec(events).context("encoding events")?;
        let (status, answer) = self
            .post("/v1/events", |r| {
                r.header(CONTENT_TYPE, "application/cloudevents-batch+json")
                    .body(body.clone())
            })
            .await?;
        match status {
            202 => {
                let duplicates: Vec<&str> = answer["duplicates"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                Ok(Ok(events
                    .iter()
                    .map(|e| match e["id"].as_str() {
                        Some(id) if duplicates.contains(&id) => Verdict::Duplicate,
                        _ => Verdict::Accepted,
                    })
                    .collect()))
            }
            400 | 413 | 415 | 422 => Ok(Err(message(&answer, status))),
            404 => bail!(
                "the server at {} has no `/v1/events` (HTTP 404): is `--url` a cityhub host?",
                self.base
            ),
            _ => bail!(
                "the host at {} answered a batch of {} events with HTTP {status}: {}",
                self.base,
                events.len(),
                message(&answer, status)
            ),
        }
    }

    /// Posts one field report to the Open311 endpoint.
    async fn report(
        &mut self,
        mut json: Value,
        form: &[(&'static str, String)],
    ) -> anyhow::Result<Option<Value>> {
        self.throttle(1).await;
        let (status, answer) = self.post(OPEN311, |r| r.form(form)).await?;
        let id = answer
            .get(0)
            .unwrap_or(&answer)
            .get("service_request_id")
            .and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            });
        match (status, id) {
            (200..=202, Some(id)) => {
                self.requests.insert(
                    json["id"].as_str().unwrap_or_default().to_owned(),
                    id.clone(),
                );
                json["data"]["service_request_id"] = json!(id);
                json["subject"] = json!(id);
                self.counts.accept(&json, false);
                Ok(Some(json))
            }
            (404, _) => {
                self.counts.reject(
                    &json,
                    format!("the host has no Open311 endpoint (`POST {OPEN311}` answered 404)"),
                );
                Ok(None)
            }
            (status, _) if status < 500 => {
                self.counts.reject(
                    &json,
                    format!("`POST {OPEN311}`: {}", message(&answer, status)),
                );
                Ok(None)
            }
            (status, _) => bail!(
                "the host at {} answered `POST {OPEN311}` with HTTP {status}: {}",
                self.base,
                message(&answer, status)
            ),
        }
    }

    /// Sends a request until it is not refused for load (`429`/`503`);
    /// returns its status and JSON body (`null` if not JSON).
    async fn post(
        &mut self,
        path: &str,
        build: impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> anyhow::Result<(u16, Value)> {
        let url = format!("{}{path}", self.base);
        let mut lost = 0;
        loop {
            self.counts.requests += 1;
            let r = match build(self.http.post(&url)).send().await {
                Ok(r) => r,
                Err(e) if (e.is_connect() || e.is_timeout()) && lost < RECONNECTS => {
                    tokio::time::sleep(Duration::from_secs(1 << lost)).await;
                    lost += 1;
                    self.counts.retries += 1;
                    continue;
                }
                Err(_) => bail!(
                    "lost the cityhub host at {} (no answer after {RECONNECTS} retries): has it stopped? \
                     The events sent so far are stored; run again with the same `--seed` and `--start` to resend the rest (duplicates are ignored)",
                    self.base
                ),
            };
            let status = r.status().as_u16();
            let wait = r
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .map_or(Duration::from_secs(1), |s| {
                    Duration::from_secs_f64(s.max(0.05))
                })
                .min(MAX_RETRY_AFTER);
            let bytes = r.bytes().await.unwrap_or_default();
            if matches!(status, 401 | 403) {
                let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                bail!(refused(
                    status,
                    &self.base,
                    path,
                    &message(&body, status),
                    self.has_token,
                    ROLE
                ));
            }
            if matches!(status, 429 | 503) {
                self.counts.retries += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            let body = serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)));
            return Ok((status, body));
        }
    }

    /// Waits until sending `n` more events keeps within `--rate`.
    async fn throttle(&mut self, n: usize) {
        if self.rate.is_finite() && self.rate > 0.0 {
            let total = (self.counts.sent() + n as u64) as f64;
            let due = self.started + Duration::from_secs_f64((total - 1.0).max(0.0) / self.rate);
            tokio::time::sleep_until(due).await;
        }
    }
}

/// The message of an API or GeoReport error body.
fn message(answer: &Value, status: u16) -> String {
    answer["error"]["message"]
        .as_str()
        .or_else(|| answer.get(0).and_then(|e| e["description"].as_str()))
        .map_or_else(
            || {
                format!(
                    "HTTP {status}: {}",
                    crate::table::truncate(&answer.to_string(), 200)
                )
            },
            str::to_owned,
        )
}
