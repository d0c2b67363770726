//! The results: a line per run while the bench goes, then one table of
//! scenario × store with each figure, its baseline (the same requests to a
//! host with no routes, measured in the same session), the ratio, the
//! target and whether it is met; `--json` writes the same as JSON.

use std::{fmt, time::Duration};

use serde_json::{Value, json};

use super::{
    city::RouteSettings,
    load::{self, Latencies, PacedRun},
    server::{self, Problems},
};
use crate::table::{render, thousands};

/// The scenarios in the order they are reported.
pub const ORDER: [&str; 4] = ["batch-100", "single", "latency", "chain"];

/// A store the bench runs on.
pub use cityhub_store::Backend;

/// One scenario's result on one store.
#[derive(Debug)]
pub struct Outcome {
    pub scenario: &'static str,
    pub backend: Backend,
    /// `events/s` or `ms`.
    pub unit: &'static str,
    pub value: f64,
    /// `value` is only a lower bound (past a histogram's last bucket).
    pub at_least: bool,
    pub baseline: f64,
    pub higher_is_better: bool,
    pub target: Option<f64>,
    /// False when the fixed rate was not kept: the target is then not met.
    pub sustained: bool,
    /// Lines printed under the table.
    pub notes: Vec<String>,
    pub details: Value,
}

impl Outcome {
    fn ratio(&self) -> f64 {
        if self.baseline > 0.0 {
            self.value / self.baseline
        } else {
            0.0
        }
    }

    fn met(&self) -> Option<bool> {
        let target = self.target?;
        let ok = if self.higher_is_better {
            self.value >= target
        } else {
            self.value <= target
        };
        Some(ok && self.sustained)
    }

    fn figure(&self, v: f64) -> String {
        match self.unit {
            "ms" => format!("{v:.1} ms"),
            unit => format!("{} {unit}", thousands(v.round() as i64)),
        }
    }
}

/// A throughput run's figures.
#[derive(Debug)]
pub struct Throughput {
    pub events: u64,
    /// Events per second, first request to the end (last `202`, or the
    /// routes' positions reaching the last event).
    pub rate: f64,
    /// From the first request to the last `202`.
    pub accepted_in: Duration,
    /// From the first request to the end.
    pub total: Duration,
    pub refused: u64,
    pub http: Latencies,
    pub routes: Option<load::Routes>,
    /// Time spent in plugin calls.
    pub plugins: Vec<load::PluginTime>,
    pub server: server::Problems,
}

/// A fixed-rate run: the sending side, and (with a route) the route's
/// delivery histogram.
#[derive(Debug)]
pub struct Paced {
    pub run: PacedRun,
    pub delivery: Option<Vec<(f64, u64)>>,
    pub server: Problems,
}

/// A latency quantile read from histogram buckets.
#[derive(Debug, Clone, Copy)]
struct Quantile {
    ms: f64,
    /// It lies past the last finite bucket: `ms` is only a lower bound.
    beyond: bool,
}

impl fmt::Display for Quantile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let more = if self.beyond { "> " } else { "" };
        write!(f, "{more}{:.1} ms", self.ms)
    }
}

impl Paced {
    /// Delivery latency quantile `q`, interpolated in the buckets.
    fn delivery(&self, q: f64) -> Option<Quantile> {
        let buckets = self.delivery.as_deref()?;
        let ms = cityhub_runtime::quantile(buckets, q)? * 1e3;
        let total = buckets.last()?.1 as f64;
        let finite = buckets.iter().rev().nth(1).map_or(0, |b| b.1) as f64;
        Some(Quantile {
            ms,
            beyond: finite < q * total,
        })
    }

    fn sustained(&self) -> bool {
        self.run.achieved >= 0.95 * self.run.rate
    }

    /// One line for progress.
    pub fn summary(&self) -> String {
        let l = &self.run.sent.latencies;
        let mut s = format!(
            "{} events/s achieved; HTTP 202 p50 {:.1} ms, p99 {:.1} ms",
            thousands(self.run.achieved.round() as i64),
            l.millis(0.5),
            l.millis(0.99)
        );
        if let (Some(p50), Some(p99)) = (self.delivery(0.5), self.delivery(0.99)) {
            s.push_str(&format!("; delivery p50 {p50}, p99 {p99}"));
        }
        s
    }
}

/// The latency scenario's outcome: the figure is the delivery p99 (log
/// arrival → outputs committed), the baseline the HTTP p99 of the same
/// rate with no routes.
pub fn latency_outcome(
    backend: Backend,
    rate: f64,
    with: &Paced,
    base: &Paced,
    target_ms: f64,
) -> Outcome {
    let l = &with.run.sent.latencies;
    let b = &base.run.sent.latencies;
    let none = Quantile {
        ms: 0.0,
        beyond: false,
    };
    let p99 = with.delivery(0.99).unwrap_or(none);
    let p50 = with.delivery(0.5).unwrap_or(none);
    let mut notes = vec![
        format!(
            "delivery (log arrival → outputs committed, bucket-interpolated) p50 {p50}, p99 {p99}"
        ),
        format!(
            "HTTP 202 (exact, from when each request was due) p50 {:.1} ms, p99 {:.1} ms; no routes: p50 {:.1} ms, p99 {:.1} ms",
            l.millis(0.5),
            l.millis(0.99),
            b.millis(0.5),
            b.millis(0.99)
        ),
        format!(
            "asked {} events/s, achieved {} events/s ({}), sender behind schedule by up to {:.1} ms",
            thousands(rate as i64),
            thousands(with.run.achieved.round() as i64),
            if with.sustained() {
                "sustained"
            } else {
                "NOT sustained"
            },
            with.run.behind.as_secs_f64() * 1e3
        ),
    ];
    if !base.sustained() {
        notes.push(format!(
            "with no routes the host did not keep the rate either: {} events/s achieved",
            thousands(base.run.achieved.round() as i64)
        ));
    }
    if with.run.sent.refused > 0 {
        notes.push(format!(
            "{} requests refused (429/503) and sent again",
            with.run.sent.refused
        ));
    }
    notes.extend(with.server.note());
    Outcome {
        scenario: "latency",
        backend,
        unit: "ms",
        value: p99.ms,
        at_least: p99.beyond,
        baseline: b.millis(0.99),
        higher_is_better: false,
        target: Some(target_ms),
        sustained: with.sustained(),
        notes,
        details: json!({
            "rate": rate,
            "achieved": with.run.achieved,
            "sustained": with.sustained(),
            "events": with.run.sent.events,
            "refused_requests": with.run.sent.refused,
            "sender_behind_ms": with.run.behind.as_secs_f64() * 1e3,
            "delivery_p50_ms": p50.ms,
            "delivery_p99_ms": p99.ms,
            "delivery_p99_beyond_last_bucket": p99.beyond,
            "delivery_buckets": with.delivery.as_ref().map(|b| b
                .iter()
                .map(|(le, n)| json!([if le.is_finite() { json!(le) } else { json!("+Inf") }, n]))
                .collect::<Vec<_>>()),
            "http_p50_ms": l.millis(0.5),
            "http_p99_ms": l.millis(0.99),
            "baseline_http_p50_ms": b.millis(0.5),
            "baseline_http_p99_ms": b.millis(0.99),
            "baseline_achieved": base.run.achieved,
            "baseline_sustained": base.sustained(),
            "server_warnings": with.server.warnings,
            "server_errors": with.server.errors,
        }),
    }
}

/// A throughput scenario's outcome against the baseline run `base`.
pub fn throughput_outcome(
    scenario: &'static str,
    backend: Backend,
    r: &Throughput,
    base: &Throughput,
    target: Option<f64>,
) -> Outcome {
    let mut details = json!({
        "events": r.events,
        "seconds": r.total.as_secs_f64(),
        "accepted_seconds": r.accepted_in.as_secs_f64(),
        "accepted_per_second": r.events as f64 / r.accepted_in.as_secs_f64(),
        "refused_requests": r.refused,
        "http_p50_ms": r.http.millis(0.5),
        "http_p99_ms": r.http.millis(0.99),
        "baseline_http_p50_ms": base.http.millis(0.5),
        "baseline_http_p99_ms": base.http.millis(0.99),
        "baseline_refused_requests": base.refused,
        "server_warnings": r.server.warnings,
        "server_errors": r.server.errors,
    });
    if let Some(routes) = &r.routes {
        details["routes"] = routes.json();
    }
    let mut notes = vec![format!(
        "HTTP p50/p99 {:.1}/{:.1} ms; all accepted after {:.2} s, processed after {:.2} s",
        r.http.millis(0.5),
        r.http.millis(0.99),
        r.accepted_in.as_secs_f64(),
        r.total.as_secs_f64()
    )];
    if let Some(routes) = &r.routes {
        notes.push(routes.outputs_note());
    }
    if !r.plugins.is_empty() {
        let parts: Vec<String> = r
            .plugins
            .iter()
            .map(|p| {
                format!(
                    "{} {:.2} s in {} calls ({:.2} ms each, {:.0}% of the run)",
                    p.plugin,
                    p.seconds,
                    thousands(p.calls as i64),
                    p.seconds * 1e3 / p.calls.max(1) as f64,
                    100.0 * p.seconds / r.total.as_secs_f64()
                )
            })
            .collect();
        notes.push(format!("time in plugin calls: {}", parts.join("; ")));
        details["plugin_calls"] = r
            .plugins
            .iter()
            .map(|p| json!({"plugin": p.plugin, "calls": p.calls, "seconds": p.seconds}))
            .collect();
    }
    if r.refused > 0 {
        notes.push(format!(
            "{} requests refused (429/503) and sent again",
            r.refused
        ));
    }
    notes.extend(r.server.note());
    Outcome {
        scenario,
        backend,
        unit: "events/s",
        value: r.rate,
        at_least: false,
        baseline: base.rate,
        higher_is_better: true,
        target,
        sustained: true,
        notes,
        details,
    }
}

/// The settings of the session, printed first.
pub fn settings(route: &RouteSettings, load: &Value) -> String {
    format!(
        "cityhub bench ({} build, {} cores): {} events per batch run, {} per single run, {} clients, {} road segments; fixed rate {} events/s for {} s in requests of {}\n\
         route `readings` (city.traffic.reading → traffic): batch-size {}, linger {}, concurrency {}, partition-key data.refRoadSegment, max-lag {}; chain: `alerts` and `tap` (→ hostile, batch-size ≤ 100) alike, by subject",
        load["build"].as_str().unwrap_or_default(),
        load["cores"],
        thousands(load["events"].as_i64().unwrap_or(0)),
        thousands(load["single_events"].as_i64().unwrap_or(0)),
        load["clients"],
        load["segments"],
        thousands(load["rate"].as_f64().unwrap_or(0.0) as i64),
        load["seconds"],
        load["paced_batch"],
        route.batch_size,
        humantime::format_duration(route.linger),
        route.concurrency,
        thousands(super::city::MAX_LAG as i64),
    )
}

/// The final table, with the notes of each row below it.
pub fn table(outcomes: &[Outcome]) -> String {
    let rows: Vec<Vec<String>> = outcomes
        .iter()
        .map(|o| {
            let target = o.target.map_or("—".to_owned(), |t| {
                format!(
                    "{} {}",
                    if o.higher_is_better { "≥" } else { "≤" },
                    o.figure(t)
                )
            });
            let met = match o.met() {
                None => "—",
                Some(true) => "met",
                Some(false) => "NOT met",
            };
            vec![
                o.scenario.to_owned(),
                o.backend.to_string(),
                format!(
                    "{}{}",
                    if o.at_least { "> " } else { "" },
                    o.figure(o.value)
                ),
                o.figure(o.baseline),
                format!(
                    "{}{:.2}x baseline",
                    if o.at_least { "> " } else { "" },
                    o.ratio()
                ),
                target,
                met.to_owned(),
            ]
        })
        .collect();
    let mut out = String::from(
        "\nbaseline = the same requests to a host with no routes (ingest and store only), same session;\n\
         latency: figure = delivery p99, baseline = HTTP 202 p99 of the same rate with no routes\n\n",
    );
    out.push_str(&render(
        &[
            "SCENARIO", "STORE", "RESULT", "BASELINE", "RATIO", "TARGET", "MET",
        ],
        &rows,
    ));
    for o in outcomes {
        out.push_str(&format!("\n{} on {}:\n", o.scenario, o.backend));
        for n in &o.notes {
            out.push_str(&format!("  {n}\n"));
        }
    }
    out
}

/// The results as JSON.
pub fn json(outcomes: &[Outcome], route: &RouteSettings, load: &Value) -> Value {
    json!({
        "date": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        "load": load,
        "route": {
            "batch_size": route.batch_size,
            "concurrency": route.concurrency,
            "linger_ms": route.linger.as_secs_f64() * 1e3,
            "partition_key": "data.refRoadSegment",
            "max_lag": super::city::MAX_LAG,
        },
        "results": outcomes.iter().map(|o| json!({
            "scenario": o.scenario,
            "backend": o.backend.to_string(),
            "unit": o.unit,
            "value": o.value,
            "baseline": o.baseline,
            "ratio": o.ratio(),
            "target": o.target,
            "met": o.met(),
            "details": o.details,
        })).collect::<Vec<_>>(),
    })
}
