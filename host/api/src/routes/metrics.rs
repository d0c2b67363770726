//! `GET /metrics`: Prometheus metrics, per plugin and for the log.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::{extract::State, http::header::CONTENT_TYPE, response::IntoResponse};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{ApiError, AppState, ErrorBody, prometheus::Exposition};

/// The metrics router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(metrics))
}

/// Prometheus metrics: the log, ingest, routes, plugins, dead letters, streams.
///
/// Counters come from each route's `RouteStats` and each plugin's
/// `PluginStats` (since the host started); the log position and dead-letter
/// counts are read from the store at scrape time.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "health",
    responses(
        (status = 200, description = "The Prometheus text exposition format, version 0.0.4", content_type = "text/plain; version=0.0.4", body = String),
        (status = 500, description = "The store could not be read (`internal`)", body = ErrorBody),
    )
)]
async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let streams = &state.config.streams;
    let store = state.bus.store();
    let last = store.last_seq().await.map_err(ApiError::internal)?;
    let mut e = Exposition::default();
    e.family(
        "cityhub_log_last_seq",
        "gauge",
        "Position of the newest event in the log.",
    );
    e.sample("cityhub_log_last_seq", &[], last as f64);

    routes(&mut e, &state.bus.routes());
    let (pending, high, max) = state.bus.pending();
    for (name, help, v) in [
        (
            "cityhub_ingest_pending_events",
            "Events waiting to be stored in the log.",
            pending,
        ),
        (
            "cityhub_ingest_pending_high_water",
            "The most events ever waiting to be stored at once.",
            high,
        ),
        (
            "cityhub_ingest_pending_max",
            "`[ingest] max-pending`: more waiting get 503.",
            max,
        ),
    ] {
        e.family(name, "gauge", help);
        e.sample(name, &[], v as f64);
    }
    e.family(
        "cityhub_stream_open",
        "gauge",
        "Clients reading `GET /v1/stream` now.",
    );
    e.sample("cityhub_stream_open", &[], streams.open() as f64);
    e.family(
        "cityhub_stream_events_sent_total",
        "counter",
        "Events sent to `GET /v1/stream` clients.",
    );
    e.sample(
        "cityhub_stream_events_sent_total",
        &[],
        streams.sent() as f64,
    );
    e.family(
        "cityhub_open311_requests_total",
        "counter",
        "Open311 requests, by endpoint (services, submit, request, requests) and outcome (ok, invalid, not_found, busy, error).",
    );
    for (endpoint, outcome, n) in state.config.open311_stats.snapshot() {
        e.sample(
            "cityhub_open311_requests_total",
            &[("endpoint", endpoint), ("outcome", outcome)],
            n as f64,
        );
    }
    e.family(
        "cityhub_auth_failures_total",
        "counter",
        "Requests refused by authentication, by reason (missing, unknown, revoked, forbidden, cross_origin).",
    );
    for (reason, n) in state.config.auth.counts() {
        e.sample(
            "cityhub_auth_failures_total",
            &[("reason", reason)],
            n as f64,
        );
    }
    let letters = store
        .dead_letter_counts()
        .await
        .map_err(ApiError::internal)?;
    e.family(
        "cityhub_dead_letters",
        "gauge",
        "Dead letters in the store, by route and status (dead, replaying, replayed).",
    );
    for (route, status, n) in &letters {
        e.sample(
            "cityhub_dead_letters",
            &[("route", route), ("status", status.as_str())],
            *n as f64,
        );
    }

    let infos = state.bus.plugins();
    let plugins: Vec<&cityhub_bus::PluginInfo> = infos.iter().collect();
    e.family(
        "cityhub_plugin_suspended",
        "gauge",
        "1 while the plugin's circuit breaker holds it suspended.",
    );
    for p in &plugins {
        let v = matches!(p.status, cityhub_bus::PluginStatus::Suspended { .. });
        e.sample(
            "cityhub_plugin_suspended",
            &[("plugin", p.plugin.name())],
            f64::from(u8::from(v)),
        );
    }

    let counter = |e: &mut Exposition,
                   name: &str,
                   help: &str,
                   get: &dyn Fn(&cityhub_runtime::PluginStats) -> u64| {
        e.family(name, "counter", help);
        for p in &plugins {
            e.sample(
                name,
                &[("plugin", p.plugin.name())],
                get(p.plugin.stats()) as f64,
            );
        }
    };
    counter(
        &mut e,
        "cityhub_plugin_events_in_total",
        "Events handed to the plugin.",
        &|s| s.events_in.load(Ordering::Relaxed),
    );
    counter(
        &mut e,
        "cityhub_plugin_events_out_total",
        "Events the plugin emitted in successful batches.",
        &|s| s.events_out.load(Ordering::Relaxed),
    );
    counter(
        &mut e,
        "cityhub_plugin_batches_ok_total",
        "Batches that succeeded.",
        &|s| s.batches_ok.load(Ordering::Relaxed),
    );
    counter(
        &mut e,
        "cityhub_plugin_batches_failed_total",
        "Batches that failed, any kind.",
        &|s| s.batches_failed.load(Ordering::Relaxed),
    );
    counter(
        &mut e,
        "cityhub_plugin_retries_total",
        "Failed batches tried again.",
        &|s| s.retries.load(Ordering::Relaxed),
    );
    counter(
        &mut e,
        "cityhub_plugin_instances_started_total",
        "Instances started (one more after each failure).",
        &|s| s.instances_started.load(Ordering::Relaxed),
    );
    counter(
        &mut e,
        "cityhub_plugin_near_deadline_total",
        "Successful calls that used 80% or more of the plugin's `time-per-batch`.",
        &|s| s.near_deadline.calls(),
    );
    counter(
        &mut e,
        "cityhub_plugin_logs_dropped_total",
        "Log records dropped for being over the plugin's per-batch budget.",
        &|s| s.logs_dropped.load(Ordering::Relaxed),
    );
    counter(
        &mut e,
        "cityhub_plugin_stdio_bytes_total",
        "Bytes the plugin wrote to its stdout and stderr (taken and discarded).",
        &|s| s.stdio_bytes.load(Ordering::Relaxed),
    );

    e.family(
        "cityhub_plugin_failures_total",
        "counter",
        "Failed batches by kind (deadline, memory_limit, trap, ...).",
    );
    for p in &plugins {
        for (kind, n) in p.plugin.stats().failures_by_kind() {
            e.sample(
                "cityhub_plugin_failures_total",
                &[("plugin", p.plugin.name()), ("kind", kind)],
                n as f64,
            );
        }
    }

    e.family(
        "cityhub_plugin_call_seconds",
        "histogram",
        "Time of one plugin call (one batch), instance start included.",
    );
    for p in &plugins {
        histogram(
            &mut e,
            "cityhub_plugin_call_seconds",
            &p.plugin.stats().call_seconds,
            &[("plugin", p.plugin.name())],
        );
    }
    if let Some(m) = &state.config.mqtt {
        mqtt(&mut e, m);
    }
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        e.finish(),
    ))
}

/// `[mqtt]`: the connection and the messages by topic filter and outcome.
fn mqtt(e: &mut Exposition, m: &cityhub_mqtt::MqttStats) {
    e.family(
        "cityhub_mqtt_connected",
        "gauge",
        "1 while connected to the `[mqtt]` broker, else 0.",
    );
    e.sample(
        "cityhub_mqtt_connected",
        &[],
        f64::from(u8::from(m.connected())),
    );
    e.family(
        "cityhub_mqtt_messages_total",
        "counter",
        "MQTT messages by topic filter and outcome (ingested, duplicate, not_json, invalid, refused, unmatched); each acked once stored or dropped.",
    );
    for (filter, outcome, n) in m.messages() {
        e.sample(
            "cityhub_mqtt_messages_total",
            &[("filter", &filter), ("outcome", outcome.as_str())],
            n as f64,
        );
    }
    for (name, help, n) in [
        (
            "cityhub_mqtt_connects_total",
            "Connections made to the `[mqtt]` broker (the first and each reconnection).",
            m.connects(),
        ),
        (
            "cityhub_mqtt_ingest_retries_total",
            "Ingests of MQTT messages refused for backpressure and tried again (the messages stay unacked meanwhile).",
            m.retries(),
        ),
    ] {
        e.family(name, "counter", help);
        e.sample(name, &[], n as f64);
    }
}

/// Per-route families: position, lag, counters and delivery latency.
fn routes(e: &mut Exposition, routes: &[cityhub_bus::RouteInfo]) {
    let gauge = |e: &mut Exposition,
                 name: &str,
                 help: &str,
                 get: &dyn Fn(&cityhub_bus::RouteInfo) -> f64| {
        e.family(name, "gauge", help);
        for r in routes {
            e.sample(
                name,
                &[
                    ("route", r.entry.name.as_str()),
                    ("plugin", r.entry.to.as_str()),
                ],
                get(r),
            );
        }
    };
    gauge(
        e,
        "cityhub_route_position",
        "The route's committed position in the log.",
        &|r| r.position as f64,
    );
    gauge(
        e,
        "cityhub_route_lag_events",
        "Log entries the route has not passed yet (its queue depth).",
        &|r| r.lag as f64,
    );
    gauge(
        e,
        "cityhub_route_max_lag_events",
        "The route's `max-lag`: beyond it ingest gets 429.",
        &|r| r.entry.max_lag as f64,
    );
    let counter = |e: &mut Exposition,
                   name: &str,
                   help: &str,
                   get: &dyn Fn(&cityhub_bus::RouteStats) -> &AtomicU64| {
        e.family(name, "counter", help);
        for r in routes {
            e.sample(
                name,
                &[
                    ("route", r.entry.name.as_str()),
                    ("plugin", r.entry.to.as_str()),
                ],
                get(&r.stats).load(Ordering::Relaxed) as f64,
            );
        }
    };
    counter(
        e,
        "cityhub_route_events_in_total",
        "Events handed to the plugin (each attempt counts).",
        &|s| &s.events_in,
    );
    counter(
        e,
        "cityhub_route_events_out_total",
        "Output events committed.",
        &|s| &s.events_out,
    );
    counter(
        e,
        "cityhub_route_batches_failed_total",
        "Plugin calls that failed, retries included.",
        &|s| &s.batches_failed,
    );
    counter(
        e,
        "cityhub_route_retries_total",
        "Failed calls tried again.",
        &|s| &s.retries,
    );
    counter(
        e,
        "cityhub_route_dead_letters_total",
        "Events given up and kept as dead letters.",
        &|s| &s.dead_lettered,
    );
    counter(
        e,
        "cityhub_route_dropped_total",
        "Events given up and dropped (`dead-letter = false`).",
        &|s| &s.dropped,
    );
    counter(
        e,
        "cityhub_route_replayed_total",
        "Dead letters replayed successfully.",
        &|s| &s.replayed,
    );
    counter(
        e,
        "cityhub_route_skipped_total",
        "Events read but not for this route (type, filter, own output).",
        &|s| &s.skipped,
    );
    counter(
        e,
        "cityhub_route_conflicts_total",
        "Windows run again because another node committed first (JetStream bus: plugin state or an input changed under them).",
        &|s| &s.conflicts,
    );
    e.family(
        "cityhub_route_withheld_total",
        "counter",
        "Events not delivered because the plugin is not approved for their data class.",
    );
    for r in routes {
        for (class, n) in r.stats.withheld() {
            e.sample(
                "cityhub_route_withheld_total",
                &[
                    ("route", r.entry.name.as_str()),
                    ("plugin", r.entry.to.as_str()),
                    ("class", class.as_str()),
                ],
                n as f64,
            );
        }
    }
    e.family(
        "cityhub_route_delivery_seconds",
        "histogram",
        "From an event's arrival in the log to the commit of its plugin's outputs.",
    );
    for r in routes {
        histogram(
            e,
            "cityhub_route_delivery_seconds",
            &r.stats.latency,
            &[
                ("route", r.entry.name.as_str()),
                ("plugin", r.entry.to.as_str()),
            ],
        );
    }
}

/// One histogram's samples (cumulative buckets, sum, count) with `base` labels.
fn histogram(
    e: &mut Exposition,
    name: &str,
    h: &cityhub_runtime::Histogram,
    base: &[(&str, &str)],
) {
    let buckets = h.cumulative();
    for (bound, count) in &buckets {
        let le = if bound.is_infinite() {
            "+Inf".to_owned()
        } else {
            bound.to_string()
        };
        let mut l = base.to_vec();
        l.push(("le", &le));
        e.sample(&format!("{name}_bucket"), &l, *count as f64);
    }
    e.sample(&format!("{name}_sum"), base, h.sum_seconds());
    e.sample(
        &format!("{name}_count"),
        base,
        buckets.last().map_or(0, |b| b.1) as f64,
    );
}
