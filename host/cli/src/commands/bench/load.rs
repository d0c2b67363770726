//! The load generator: pre-encoded bodies sent over keep-alive connections,
//! either as fast as the host takes them ([`closed_loop`]) or at a fixed
//! rate ([`paced`]); then the routes followed until they are done
//! ([`drain`]), and the delivery histogram read from `/metrics`.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use anyhow::{Context, bail};
use bytes::Bytes;
use http::{
    HeaderValue,
    header::{AUTHORIZATION, CONTENT_TYPE},
};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::{
    task::{JoinError, JoinSet},
    time::Instant,
};

use super::workload::{Body, Shape};
use crate::{progress::Progress, table::thousands};

/// How often the routes are read while waiting for them: often, as a run
/// may last under a second; the answer comes from in-memory counters.
const POLL: Duration = Duration::from_millis(5);

/// How often progress is shown.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// The wait before sending a refused request (`429`/`503`) again.
const REFUSED_BACKOFF: Duration = Duration::from_millis(20);

/// A route that makes no progress for this long fails the run.
const STALL: Duration = Duration::from_secs(60);

/// The HTTP client of every run: keep-alive (every idle connection kept),
/// no proxy, no Nagle.
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(120))
        .build()
        .context("building the HTTP client")
}

/// The host of a run, and the client that talks to it (cheap to clone).
#[derive(Debug, Clone)]
pub struct Target {
    http: reqwest::Client,
    base: String,
    events: String,
    /// `Bearer TOKEN` of the run's admin token, on every request.
    auth: HeaderValue,
}

impl Target {
    pub fn new(http: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<Self> {
        let mut auth = HeaderValue::from_str(&format!("Bearer {token}"))
            .context("the run's token is not a valid header value")?;
        auth.set_sensitive(true);
        Ok(Self {
            http: http.clone(),
            base: base.to_owned(),
            events: format!("{base}/v1/events"),
            auth,
        })
    }

    fn get(&self, url: &str) -> reqwest::RequestBuilder {
        self.http.get(url).header(AUTHORIZATION, self.auth.clone())
    }
}

/// Client-side latencies, sorted.
#[derive(Debug, Clone, Default)]
pub struct Latencies(Vec<Duration>);

impl Latencies {
    fn new(mut v: Vec<Duration>) -> Self {
        v.sort_unstable();
        Self(v)
    }

    /// The `q` quantile (nearest rank), in milliseconds; 0 with none.
    pub fn millis(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let rank = (q * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1].as_secs_f64() * 1e3
    }
}

/// What a sending phase did.
#[derive(Debug)]
pub struct Sent {
    pub events: u64,
    /// Requests refused (`429`/`503`) and sent again.
    pub refused: u64,
    /// When the first request went.
    pub started: Instant,
    /// When the last `202` came.
    pub last_ack: Instant,
    pub latencies: Latencies,
}

/// POSTs `body` until it is accepted; returns how often it was refused.
async fn post(t: &Target, content_type: &'static str, body: Bytes) -> anyhow::Result<u64> {
    let mut refused = 0;
    loop {
        let r = t
            .http
            .post(&t.events)
            .header(AUTHORIZATION, t.auth.clone())
            .header(CONTENT_TYPE, content_type)
            .body(body.clone())
            .send()
            .await
            .with_context(|| format!("posting events to {}", t.events))?;
        let status = r.status();
        let answer = r.bytes().await.context("reading the answer to a post")?;
        match status.as_u16() {
            202 => return Ok(refused),
            429 | 503 => {
                refused += 1;
                tokio::time::sleep(REFUSED_BACKOFF).await;
            }
            _ => bail!(
                "the host answered a post with HTTP {status}: {}",
                crate::table::truncate(&String::from_utf8_lossy(&answer), 300)
            ),
        }
    }
}

/// Sends every client's bodies, one request at a time per client, all
/// clients at once.
pub async fn closed_loop(
    t: &Target,
    bodies: Vec<Vec<Body>>,
    shape: &Shape,
    progress: &mut Progress,
    label: &str,
) -> anyhow::Result<Sent> {
    let total: usize = bodies.iter().map(Vec::len).sum();
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut set = JoinSet::new();
    for client in bodies {
        let (target, done, ct) = (t.clone(), done.clone(), shape.content_type);
        set.spawn(async move {
            let mut latencies = Vec::with_capacity(client.len());
            let (mut refused, mut events) = (0, 0);
            for body in client {
                let sent = Instant::now();
                refused += post(&target, ct, body.bytes).await?;
                latencies.push(sent.elapsed());
                events += body.events;
                done.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok((latencies, refused, events, Instant::now()))
        });
    }
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    let (mut latencies, mut refused, mut events, mut last_ack) = (Vec::new(), 0, 0, started);
    loop {
        tokio::select! {
            joined = set.join_next() => match joined {
                None => break,
                Some(r) => {
                    let (l, n, e, at) = r.context("a sending task failed")??;
                    latencies.extend(l);
                    refused += n;
                    events += e;
                    last_ack = last_ack.max(at);
                }
            },
            _ = tick.tick() => progress.update(&format!(
                "{label}: {} of {} requests accepted",
                thousands(done.load(Ordering::Relaxed) as i64),
                thousands(total as i64)
            )),
        }
    }
    Ok(Sent {
        events,
        refused,
        started,
        last_ack,
        latencies: Latencies::new(latencies),
    })
}

/// What the fixed-rate phase did.
#[derive(Debug)]
pub struct PacedRun {
    pub sent: Sent,
    /// Events per second asked for.
    pub rate: f64,
    /// Events accepted per second, first request to last `202`.
    pub achieved: f64,
    /// The most the sender fell behind its schedule.
    pub behind: Duration,
}

/// Sends one body every `per_request / rate` seconds whatever the answers
/// (open loop); each request's latency runs from when it was due, so a
/// slow answer is never hidden by a late send.
pub async fn paced(
    t: &Target,
    bodies: Vec<Body>,
    per_request: u64,
    rate: f64,
    progress: &mut Progress,
    label: &str,
) -> anyhow::Result<PacedRun> {
    let content_type = if per_request == 1 {
        Shape::single().content_type
    } else {
        Shape::batch().content_type
    };
    let total = bodies.len();
    let started = Instant::now();
    let mut set = JoinSet::new();
    let (mut latencies, mut refused, mut events, mut last_ack) =
        (Vec::with_capacity(total), 0, 0, started);
    let mut behind = Duration::ZERO;
    let mut shown = started;
    let mut reap = |r: Result<anyhow::Result<(Duration, u64, u64, Instant)>, JoinError>| {
        let (l, n, e, at) = r.context("a sending task failed")??;
        latencies.push(l);
        refused += n;
        events += e;
        last_ack = last_ack.max(at);
        anyhow::Ok(())
    };
    for (i, body) in bodies.into_iter().enumerate() {
        let due = started + Duration::from_secs_f64(i as f64 * per_request as f64 / rate);
        tokio::time::sleep_until(due).await;
        behind = behind.max(Instant::now() - due);
        let target = t.clone();
        set.spawn(async move {
            let n = post(&target, content_type, body.bytes).await?;
            let at = Instant::now();
            anyhow::Ok((at - due, n, body.events, at))
        });
        while let Some(r) = set.try_join_next() {
            reap(r)?;
        }
        if shown.elapsed() >= PROGRESS_EVERY {
            shown = Instant::now();
            progress.update(&format!(
                "{label}: {} of {} requests sent, {} in flight",
                thousands(i as i64 + 1),
                thousands(total as i64),
                set.len()
            ));
        }
    }
    while let Some(r) = set.join_next().await {
        reap(r)?;
    }
    let span = (last_ack - started).as_secs_f64().max(f64::EPSILON);
    Ok(PacedRun {
        achieved: events as f64 / span,
        rate,
        behind,
        sent: Sent {
            events,
            refused,
            started,
            last_ack,
            latencies: Latencies::new(latencies),
        },
    })
}

/// `GET /v1/routes`, the parts the bench reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Routes {
    pub last_seq: i64,
    pub routes: Vec<RouteView>,
}

/// One route of `GET /v1/routes`.
#[derive(Debug, Clone, Deserialize)]
pub struct RouteView {
    pub name: String,
    pub position: i64,
    pub stats: RouteStats,
}

/// A route's counters.
#[derive(Debug, Clone, Deserialize)]
pub struct RouteStats {
    pub events_in: u64,
    pub events_out: u64,
    pub batches_ok: u64,
    pub batches_failed: u64,
    pub dead_lettered: u64,
    pub dropped: u64,
}

impl Routes {
    /// Fails unless every batch succeeded and route `first` was handed
    /// every event sent: figures of a failing pipeline mean nothing.
    pub fn check(&self, sent: u64, first: Option<&str>) -> anyhow::Result<()> {
        for r in &self.routes {
            let s = &r.stats;
            if s.batches_failed + s.dead_lettered + s.dropped > 0 {
                bail!(
                    "route `{}` failed {} batches ({} dead letters, {} dropped): the figures would be meaningless; see the host's log",
                    r.name,
                    s.batches_failed,
                    s.dead_lettered,
                    s.dropped
                );
            }
            if Some(r.name.as_str()) == first && s.events_in < sent {
                bail!(
                    "route `{}` was handed {} events of the {sent} sent",
                    r.name,
                    s.events_in
                );
            }
        }
        Ok(())
    }

    /// `outputs: readings→traffic 37,500, …`.
    pub fn outputs_note(&self) -> String {
        let parts: Vec<String> = self
            .routes
            .iter()
            .map(|r| {
                format!(
                    "{} {} in / {} out in {} calls",
                    r.name,
                    thousands(r.stats.events_in as i64),
                    thousands(r.stats.events_out as i64),
                    thousands(r.stats.batches_ok as i64)
                )
            })
            .collect();
        format!("routes: {}", parts.join("; "))
    }

    pub fn json(&self) -> Value {
        self.routes
            .iter()
            .map(|r| {
                json!({
                    "name": r.name,
                    "events_in": r.stats.events_in,
                    "events_out": r.stats.events_out,
                    "calls": r.stats.batches_ok,
                })
            })
            .collect()
    }
}

/// The host's routes now.
pub async fn routes(t: &Target) -> anyhow::Result<Routes> {
    let url = format!("{}/v1/routes", t.base);
    let r = t
        .get(&url)
        .send()
        .await
        .with_context(|| format!("reading {url}"))?;
    let r = r
        .error_for_status()
        .with_context(|| format!("reading {url}"))?;
    r.json().await.with_context(|| format!("decoding {url}"))
}

/// Waits until every route in `names` has committed past `until` (with
/// `settle`, past the end of the log too, as the chain's routes feed each
/// other). Returns when that was first seen, confirmed by one more read
/// (a commit's outputs may be announced just after its position).
pub async fn drain(
    t: &Target,
    names: &[&str],
    until: i64,
    settle: bool,
    progress: &mut Progress,
    label: &str,
) -> anyhow::Result<(Instant, Routes)> {
    let done = |r: &Routes| {
        let end = if settle { until.max(r.last_seq) } else { until };
        names
            .iter()
            .all(|n| r.routes.iter().any(|v| v.name == *n && v.position >= end))
    };
    let mut first_done: Option<(Instant, i64)> = None;
    let mut moved = (Instant::now(), i64::MIN);
    let mut shown = Instant::now();
    loop {
        let r = routes(t).await?;
        let now = Instant::now();
        match first_done {
            Some((at, seq)) if done(&r) && r.last_seq == seq => return Ok((at, r)),
            _ if done(&r) => first_done = Some((now, r.last_seq)),
            _ => first_done = None,
        }
        let least = r.routes.iter().map(|v| v.position).min().unwrap_or(0);
        if least > moved.1 {
            moved = (now, least);
        } else if now - moved.0 > STALL {
            bail!(
                "the routes made no progress for {} s (at {least} of {}): {:?}",
                STALL.as_secs(),
                r.last_seq,
                r.routes
            );
        }
        if shown.elapsed() >= PROGRESS_EVERY {
            shown = now;
            progress.update(&format!(
                "{label}: routes at {} of {}",
                thousands(least),
                thousands(until.max(if settle { r.last_seq } else { 0 }))
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// `GET /metrics`, as text.
pub async fn metrics(t: &Target) -> anyhow::Result<Metrics> {
    let url = format!("{}/metrics", t.base);
    let text = t
        .get(&url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .with_context(|| format!("reading {url}"))?
        .text()
        .await
        .with_context(|| format!("reading {url}"))?;
    Ok(Metrics(text))
}

/// A Prometheus exposition of the host.
#[derive(Debug)]
pub struct Metrics(String);

/// The time one plugin spent in its calls.
#[derive(Debug, Clone)]
pub struct PluginTime {
    pub plugin: String,
    pub calls: u64,
    pub seconds: f64,
}

impl Metrics {
    /// The cumulative buckets of route `route`'s
    /// `cityhub_route_delivery_seconds`, as `(upper bound in seconds, count)`.
    pub fn delivery_buckets(&self, route: &str) -> anyhow::Result<Vec<(f64, u64)>> {
        let buckets = parse_buckets(&self.0, "cityhub_route_delivery_seconds", route);
        if buckets.is_empty() {
            bail!("`/metrics` has no `cityhub_route_delivery_seconds` for route `{route}`");
        }
        Ok(buckets)
    }

    /// Calls and seconds of each plugin (`cityhub_plugin_call_seconds`).
    pub fn plugin_time(&self) -> Vec<PluginTime> {
        let value = |line: &str| line.rsplit(' ').next()?.parse::<f64>().ok();
        let plugin = |line: &str| {
            Some(
                line.split("plugin=\"")
                    .nth(1)?
                    .split('"')
                    .next()?
                    .to_owned(),
            )
        };
        let mut out: Vec<PluginTime> = Vec::new();
        for line in self.0.lines() {
            let (sum, rest) = if let Some(r) = line.strip_prefix("cityhub_plugin_call_seconds_sum{")
            {
                (true, r)
            } else if let Some(r) = line.strip_prefix("cityhub_plugin_call_seconds_count{") {
                (false, r)
            } else {
                continue;
            };
            let (Some(name), Some(v)) = (plugin(rest), value(rest)) else {
                continue;
            };
            let i = match out.iter().position(|p| p.plugin == name) {
                Some(i) => i,
                None => {
                    out.push(PluginTime {
                        plugin: name,
                        calls: 0,
                        seconds: 0.0,
                    });
                    out.len() - 1
                }
            };
            if sum {
                out[i].seconds = v;
            } else {
                out[i].calls = v as u64;
            }
        }
        out
    }
}

/// `NAME_bucket{route="ROUTE",...,le="B"} N` lines, in order.
fn parse_buckets(text: &str, name: &str, route: &str) -> Vec<(f64, u64)> {
    let prefix = format!("{name}_bucket{{");
    let want = format!("route=\"{route}\"");
    text.lines()
        .filter(|l| l.starts_with(&prefix) && l.contains(&want))
        .filter_map(|l| {
            let le = l.split("le=\"").nth(1)?.split('"').next()?;
            let bound = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().ok()?
            };
            let count = l.rsplit(' ').next()?.parse::<f64>().ok()?;
            Some((bound, count as u64))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let l = Latencies::new((1..=100).rev().map(Duration::from_millis).collect());
        assert_eq!(l.millis(0.5), 50.0);
        assert_eq!(l.millis(0.99), 99.0);
        assert_eq!(l.millis(1.0), 100.0);
        assert_eq!(Latencies::default().millis(0.5), 0.0);
    }

    #[test]
    fn plugin_time_is_read_from_the_exposition() {
        let m = Metrics(
            "cityhub_plugin_call_seconds_bucket{plugin=\"traffic\",le=\"0.001\"} 3\n\
             cityhub_plugin_call_seconds_sum{plugin=\"traffic\"} 0.25\n\
             cityhub_plugin_call_seconds_count{plugin=\"traffic\"} 10\n"
                .to_owned(),
        );
        let t = m.plugin_time();
        assert_eq!(t.len(), 1);
        assert_eq!(
            (t[0].plugin.as_str(), t[0].calls, t[0].seconds),
            ("traffic", 10, 0.25)
        );
    }

    #[test]
    fn histogram_buckets_are_read_from_the_exposition() {
        let text = "# TYPE cityhub_route_delivery_seconds histogram\n\
            cityhub_route_delivery_seconds_bucket{route=\"readings\",plugin=\"traffic\",le=\"0.001\"} 3\n\
            cityhub_route_delivery_seconds_bucket{route=\"other\",plugin=\"traffic\",le=\"0.001\"} 9\n\
            cityhub_route_delivery_seconds_bucket{route=\"readings\",plugin=\"traffic\",le=\"+Inf\"} 10\n\
            cityhub_route_delivery_seconds_sum{route=\"readings\",plugin=\"traffic\"} 0.5\n";
        assert_eq!(
            parse_buckets(text, "cityhub_route_delivery_seconds", "readings"),
            vec![(0.001, 3), (f64::INFINITY, 10)]
        );
    }
}
