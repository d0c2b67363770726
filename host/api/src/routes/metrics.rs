//! `GET /metrics`: Prometheus metrics, per plugin and for the log.

use std::sync::atomic::Ordering;

use axum::{
    Router, extract::State, http::header::CONTENT_TYPE, response::IntoResponse, routing::get,
};

use crate::{ApiError, AppState, prometheus::Exposition};

/// The metrics router.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

/// Counters come from each plugin's `PluginStats` (since the host started);
/// the log position and each consumer's lag (events in the log it has not
/// passed yet) are read from the store at scrape time.
async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let store = state.bus.store();
    let last = store.last_seq().await.map_err(ApiError::internal)?;
    let mut e = Exposition::default();
    e.family(
        "cityhub_log_last_seq",
        "gauge",
        "Position of the newest event in the log.",
    );
    e.sample("cityhub_log_last_seq", &[], last as f64);

    let plugins = state.bus.plugins();
    let mut lags = Vec::with_capacity(plugins.len());
    for p in plugins {
        let position = store
            .position(&cityhub_bus::consumer_id(p.plugin.name()))
            .await
            .map_err(ApiError::internal)?;
        lags.push((p.plugin.name(), (last - position).max(0)));
    }
    e.family(
        "cityhub_consumer_lag_events",
        "gauge",
        "Log entries a plugin's consumer has not yet passed.",
    );
    for (name, lag) in &lags {
        e.sample(
            "cityhub_consumer_lag_events",
            &[("plugin", name)],
            *lag as f64,
        );
    }

    let counter = |e: &mut Exposition,
                   name: &str,
                   help: &str,
                   get: &dyn Fn(&cityhub_runtime::PluginStats) -> u64| {
        e.family(name, "counter", help);
        for p in plugins {
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

    e.family(
        "cityhub_plugin_failures_total",
        "counter",
        "Failed batches by kind (deadline, memory_limit, trap, ...).",
    );
    for p in plugins {
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
    for p in plugins {
        let h = &p.plugin.stats().call_seconds;
        let buckets = h.cumulative();
        for (bound, count) in &buckets {
            let le = if bound.is_infinite() {
                "+Inf".to_owned()
            } else {
                bound.to_string()
            };
            e.sample(
                "cityhub_plugin_call_seconds_bucket",
                &[("plugin", p.plugin.name()), ("le", &le)],
                *count as f64,
            );
        }
        e.sample(
            "cityhub_plugin_call_seconds_sum",
            &[("plugin", p.plugin.name())],
            h.sum_seconds(),
        );
        let count = buckets.last().map_or(0, |b| b.1);
        e.sample(
            "cityhub_plugin_call_seconds_count",
            &[("plugin", p.plugin.name())],
            count as f64,
        );
    }
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        e.finish(),
    ))
}
