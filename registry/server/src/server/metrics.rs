//! [`Metrics`]: the server's counters, served at `GET /metrics` in the
//! Prometheus text format. Counted in memory since the process started.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use axum::{extract::State, http::header, response::IntoResponse};

use super::AppState;
use crate::Error;

/// The registry server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    published: AtomicU64,
    yank_changes: AtomicU64,
    downloads: AtomicU64,
    download_bytes: AtomicU64,
    /// Refused writes (publish, yank) by error code.
    refused: Mutex<BTreeMap<String, u64>>,
}

impl Metrics {
    /// Counts a publish that stored a version.
    pub(crate) fn published(&self) {
        self.published.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a yank or unyank.
    pub(crate) fn yank_changed(&self) {
        self.yank_changes.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a download of `bytes`.
    pub(crate) fn downloaded(&self, bytes: u64) {
        self.downloads.fetch_add(1, Ordering::Relaxed);
        self.download_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Counts the outcome of a write: `done` if it succeeded, a refusal by
    /// its error code if not; returns it unchanged.
    pub(crate) fn count<T>(&self, result: Result<T, Error>, done: fn(&Self)) -> Result<T, Error> {
        match &result {
            Ok(_) => done(self),
            Err(e) => {
                if let Ok(mut map) = self.refused.lock() {
                    *map.entry(e.code().to_owned()).or_default() += 1;
                }
            }
        }
        result
    }

    /// The counters in the Prometheus text format.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        counter(
            "cityhub_registry_published_total",
            "Versions published.",
            self.published.load(Ordering::Relaxed),
        );
        counter(
            "cityhub_registry_yank_changes_total",
            "Yanks and unyanks.",
            self.yank_changes.load(Ordering::Relaxed),
        );
        counter(
            "cityhub_registry_downloads_total",
            "Package downloads started.",
            self.downloads.load(Ordering::Relaxed),
        );
        counter(
            "cityhub_registry_download_bytes_total",
            "Bytes of the packages downloaded.",
            self.download_bytes.load(Ordering::Relaxed),
        );
        let name = "cityhub_registry_refused_total";
        let _ = writeln!(
            out,
            "# HELP {name} Publishes and yanks refused, by error code.\n# TYPE {name} counter"
        );
        if let Ok(map) = self.refused.lock() {
            for (code, n) in map.iter() {
                let _ = writeln!(out, "{name}{{code=\"{code}\"}} {n}");
            }
        }
        out
    }
}

/// `GET /metrics`.
pub(super) async fn render(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.text(),
    )
}
