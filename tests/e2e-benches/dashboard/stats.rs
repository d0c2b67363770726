//! The figures of one run: each marker's timings, their median / p95 / max
//! per phase, the load/idle ratios, the printed table and its JSON twin.

use serde_json::{Value, json};

/// The marker timings kept per marker, in the order of the table: the key in
/// the page's `timing(id)` and the row's label.
pub const TIMINGS: [(&str, &str); 5] = [
    ("accepted", "POST answered 202 (stored)"),
    ("arrived", "on /v1/stream (bench's own)"),
    ("shown", "in #live-events (DOM)"),
    ("painted", "painted (next frame)"),
    ("updated", "#live-events next changed"),
];

/// The timing the requirement is about: the marker on screen.
pub const ON_SCREEN: &str = "painted";

/// Median, 95th percentile (nearest rank) and maximum of some values.
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    pub n: usize,
    pub median: f64,
    pub p95: f64,
    pub max: f64,
}

impl Spread {
    /// `None` without values.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let rank = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
        Some(Self {
            n: v.len(),
            median: rank(0.5),
            p95: rank(0.95),
            max: v[v.len() - 1],
        })
    }

    pub fn json(self) -> Value {
        json!({"n": self.n, "median": round(self.median), "p95": round(self.p95), "max": round(self.max)})
    }
}

/// One phase's results: the markers' timings (JSON objects of the page's
/// `timing(id)`), the page's `stats(from, to)`, its heap samples and the
/// host's figures.
#[derive(Debug)]
pub struct Phase {
    pub name: String,
    pub markers: Vec<Value>,
    pub page: Value,
    pub host: Value,
}

impl Phase {
    /// The values of timing `key` over the markers that have it.
    pub fn values(&self, key: &str) -> Vec<f64> {
        self.markers
            .iter()
            .filter_map(|m| m[key].as_f64())
            .collect()
    }

    pub fn spread(&self, key: &str) -> Option<Spread> {
        Spread::of(&self.values(key))
    }

    /// How many markers were shown in the live list.
    pub fn shown(&self) -> usize {
        self.values("shown").len()
    }

    /// Long-task time per second of the phase, in ms.
    pub fn long_task_ms_per_s(&self) -> f64 {
        self.page["longTaskMs"].as_f64().unwrap_or(0.0) / self.seconds()
    }

    pub fn fps(&self) -> f64 {
        self.page["frames"].as_f64().unwrap_or(0.0) / self.seconds()
    }

    /// The visible screen's refetches past the events it refetches for:
    /// median, p95, max in ms, and how many such events had none.
    pub fn refetch(&self) -> Option<Spread> {
        let r = &self.page["refetch"];
        Some(Spread {
            n: r["n"].as_u64()? as usize,
            median: r["median"].as_f64()?,
            p95: r["p95"].as_f64()?,
            max: r["max"].as_f64()?,
        })
    }

    pub fn refetch_missing(&self) -> u64 {
        self.page["refetchMissing"].as_u64().unwrap_or(0)
    }

    /// `median/p95 (n)`, and `+k missing` when some events had no refetch.
    fn refetch_cell(&self) -> String {
        let missing = match self.refetch_missing() {
            0 => String::new(),
            k => format!(" +{k}!"),
        };
        self.refetch().map_or_else(
            || format!("-{missing}"),
            |s| format!("{:.0}/{:.0} ({}){missing}", s.median, s.p95, s.n),
        )
    }

    pub fn seconds(&self) -> f64 {
        self.page["seconds"].as_f64().unwrap_or(1.0).max(0.001)
    }

    pub fn json(&self) -> Value {
        let latency: serde_json::Map<String, Value> = TIMINGS
            .iter()
            .map(|(key, _)| {
                let s = self.spread(key).map_or(Value::Null, Spread::json);
                ((*key).to_owned(), s)
            })
            .collect();
        json!({
            "name": self.name,
            "markersSent": self.markers.len(),
            "markersShown": self.shown(),
            "latencyMs": latency,
            "page": self.page,
            "pageDerived": {
                "longTaskMsPerSecond": round(self.long_task_ms_per_s()),
                "fps": round(self.fps()),
            },
            "host": self.host,
            "markers": self.markers,
        })
    }
}

/// `load / idle`, when both exist and idle is not zero.
pub fn ratio(load: Option<f64>, idle: Option<f64>) -> Option<f64> {
    match (load, idle) {
        (Some(l), Some(i)) if i > 0.0 => Some(l / i),
        _ => None,
    }
}

/// Rounded to 0.1, for the JSON.
pub fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn cell(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.0}"))
}

fn cell_ratio(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.2}x"))
}

/// The table comparing `idle` and `load`.
pub fn table(idle: &Phase, load: &Phase) -> String {
    let mut out = String::new();
    let line = |out: &mut String, s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(
        &mut out,
        format!(
            "\nmarker latency, ms after the page sent it ({} idle markers, {} under load)",
            idle.markers.len(),
            load.markers.len()
        ),
    );
    line(
        &mut out,
        format!(
            "{:<30} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} | {:>8} {:>8}",
            "", "idle", "p95", "max", "load", "p95", "max", "ratio", "p95 ratio"
        ),
    );
    line(
        &mut out,
        format!(
            "{:<30} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} | {:>8} {:>8}",
            "", "median", "", "", "median", "", "", "median", ""
        ),
    );
    for (key, label) in TIMINGS {
        let (i, l) = (idle.spread(key), load.spread(key));
        line(
            &mut out,
            format!(
                "{label:<30} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} | {:>8} {:>8}",
                cell(i.map(|s| s.median)),
                cell(i.map(|s| s.p95)),
                cell(i.map(|s| s.max)),
                cell(l.map(|s| s.median)),
                cell(l.map(|s| s.p95)),
                cell(l.map(|s| s.max)),
                cell_ratio(ratio(l.map(|s| s.median), i.map(|s| s.median))),
                cell_ratio(ratio(l.map(|s| s.p95), i.map(|s| s.p95))),
            ),
        );
    }
    line(
        &mut out,
        format!(
            "{:<30} | {:>23} | {:>23} |",
            "markers shown / sent",
            format!("{}/{}", idle.shown(), idle.markers.len()),
            format!("{}/{}", load.shown(), load.markers.len())
        ),
    );
    line(
        &mut out,
        format!(
            "{:<30} | {:>23} | {:>23} |",
            "refetch past its events",
            idle.refetch_cell(),
            load.refetch_cell()
        ),
    );
    line(&mut out, "\nthe page".to_owned());
    let row = |out: &mut String, label: &str, i: String, l: String, r: Option<f64>| {
        line(
            out,
            format!("{label:<30} | {i:>23} | {l:>23} | {:>8}", cell_ratio(r)),
        );
    };
    let num = |p: &Phase, k: &str| p.page[k].as_f64();
    let mb = |p: &Phase, k: &str| {
        p.page[k]
            .as_f64()
            .map_or_else(|| "-".to_owned(), |b| format!("{:.1}", b / 1_048_576.0))
    };
    row(
        &mut out,
        "long tasks, ms per second",
        format!("{:.1}", idle.long_task_ms_per_s()),
        format!("{:.1}", load.long_task_ms_per_s()),
        ratio(
            Some(load.long_task_ms_per_s()),
            Some(idle.long_task_ms_per_s()),
        ),
    );
    for (label, key) in [
        ("long tasks, count", "longTaskCount"),
        ("worst long task, ms", "longTaskWorstMs"),
        ("100 ms timer late, p95 ms", "timerLatenessP95Ms"),
        ("100 ms timer late, max ms", "timerLatenessMaxMs"),
    ] {
        row(
            &mut out,
            label,
            cell(num(idle, key)),
            cell(num(load, key)),
            ratio(num(load, key), num(idle, key)),
        );
    }
    row(
        &mut out,
        "frames per second (mean)",
        format!("{:.1}", idle.fps()),
        format!("{:.1}", load.fps()),
        ratio(Some(load.fps()), Some(idle.fps())),
    );
    row(
        &mut out,
        "frames in the worst second",
        cell(num(idle, "worstSecondFrames")),
        cell(num(load, "worstSecondFrames")),
        ratio(
            num(load, "worstSecondFrames"),
            num(idle, "worstSecondFrames"),
        ),
    );
    let per_s = |p: &Phase| num(p, "liveItemsAdded").map(|n| n / p.seconds());
    row(
        &mut out,
        "live items added per second",
        cell(per_s(idle)),
        cell(per_s(load)),
        None,
    );
    row(
        &mut out,
        "JS heap MB, start -> end (max)",
        format!(
            "{} -> {} ({})",
            mb(idle, "heapStart"),
            mb(idle, "heapEnd"),
            mb(idle, "heapMax")
        ),
        format!(
            "{} -> {} ({})",
            mb(load, "heapStart"),
            mb(load, "heapEnd"),
            mb(load, "heapMax")
        ),
        None,
    );
    row(
        &mut out,
        "DOM elements at the end",
        cell(num(idle, "domNodes")),
        cell(num(load, "domNodes")),
        None,
    );
    line(&mut out, "\nthe host".to_owned());
    let host = |p: &Phase, k: &str| p.host[k].as_f64();
    for (label, key) in [
        ("log events per second", "logEventsPerSecond"),
        ("posted per second (simulate)", "postedPerSecond"),
        ("simulate retries (429/503)", "simulateRetries"),
        ("routes' worst lag at the end", "maxLagAtEnd"),
        ("catch-up after, seconds", "catchUpSeconds"),
    ] {
        row(
            &mut out,
            label,
            cell(host(idle, key)),
            cell(host(load, key)),
            None,
        );
    }
    out
}

/// The table of each screen's window, idle and under load.
pub fn screens_table(idle: &[Phase], load: &[Phase]) -> String {
    let mut out = format!(
        "\neach screen shown in turn, idle ({:.0} s each) and under load ({:.0} s each)\n",
        idle.first().map_or(0.0, Phase::seconds),
        load.first().map_or(0.0, Phase::seconds)
    );
    let head = [
        "long tasks ms/s",
        "worst long task",
        "fps",
        "timer late p95",
        "DOM elements",
        "refetch past its events med/p95 (n)",
    ];
    out.push_str(&format!(
        "{:<14} | {:>15} | {:>15} | {:>11} | {:>15} | {:>13} | {:>35}\n",
        "", head[0], head[1], head[2], head[3], head[4], head[5]
    ));
    let mut row = format!("{:<14}", "screen");
    for width in [7, 7, 5, 7, 6, 17] {
        row.push_str(&format!(" | {:>width$} {:>width$}", "idle", "load"));
    }
    out.push_str(&row);
    out.push('\n');
    for (i, l) in idle.iter().zip(load) {
        let num = |p: &Phase, k: &str| cell(p.page[k].as_f64());
        let refetch = |p: &Phase| p.refetch_cell();
        out.push_str(&format!(
            "{:<14} | {:>7.1} {:>7.1} | {:>7} {:>7} | {:>5.0} {:>5.0} | {:>7} {:>7} | {:>6} {:>6} | {:>17} {:>17}\n",
            l.name.trim_start_matches("load "),
            i.long_task_ms_per_s(),
            l.long_task_ms_per_s(),
            num(i, "longTaskWorstMs"),
            num(l, "longTaskWorstMs"),
            i.fps(),
            l.fps(),
            num(i, "timerLatenessP95Ms"),
            num(l, "timerLatenessP95Ms"),
            num(i, "domNodes"),
            num(l, "domNodes"),
            refetch(i),
            refetch(l),
        ));
    }
    out
}
