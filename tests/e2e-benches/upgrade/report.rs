//! The run's results: a line per swap, the summary table per variant
//! (median and worst), whether they meet the target, and the same
//! as JSON in `target/bench-results/upgrade.json`.

use std::path::{Path, PathBuf};

use semver::Version;
use serde_json::{Value, json};

use crate::{
    figures::{AFTER, BEFORE, Figures},
    load::{Counts, PER_REQUEST, POSTERS},
    stats::{Spread, round},
};

/// The target: landing → serving within this.
const TARGET_MS: f64 = 100.0;
/// ... and throughput during the swap never below this share of before.
const TARGET_RATIO: f64 = 0.5;

/// How the new version differs from the one serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Same component bytes, new manifest version: a compile cache hit.
    CacheHit,
    /// A custom section appended: a new digest, compiled anew.
    NewBytes,
}

impl Variant {
    const ALL: [Variant; 2] = [Variant::CacheHit, Variant::NewBytes];

    pub fn label(self) -> &'static str {
        match self {
            Variant::CacheHit => "cache hit",
            Variant::NewBytes => "new bytes",
        }
    }
}

/// One swap: what the run saw, and its figures once the outputs are read.
#[derive(Debug)]
pub struct Swap {
    pub n: usize,
    pub variant: Variant,
    pub version: Version,
    /// When `installed.toml` was renamed into place, Unix seconds.
    pub landed: f64,
    /// The "plugin upgraded" log line's timestamp, Unix seconds.
    pub swapped: f64,
    /// "plugin loaded" `ms`: loading (compiling, or from the cache) and
    /// pre-instantiating.
    pub load_ms: f64,
    /// "plugin upgraded" `ms`: the first instance, `init`, the swap.
    pub init_swap_ms: f64,
    /// How long the rename took: `landed` may be early by at most this.
    pub rename_ms: f64,
    pub figures: Option<Figures>,
}

impl Swap {
    fn figures(&self) -> Figures {
        self.figures.expect("figures computed")
    }

    /// Landing → the swap logged, less loading and init+swap: noticing the
    /// rename, reading and verifying the package, the reload around them.
    fn rest_ms(&self) -> f64 {
        self.figures().swapped_ms - self.load_ms - self.init_swap_ms
    }
}

/// Warns when a swap's window ran into the next one's second before (the
/// next landing came too soon after it served).
pub fn overlaps(swaps: &[Swap]) {
    for w in swaps.windows(2) {
        let served = w[0].landed + w[0].figures().serving_ms / 1e3;
        if served + AFTER > w[1].landed - BEFORE {
            println!(
                "warning: swap {}'s window overlaps swap {}'s second before; raise SETTLE",
                w[0].n, w[1].n
            );
        }
    }
}

/// A line per swap.
pub fn per_swap(swaps: &[Swap]) -> String {
    let mut out = format!(
        "\nper swap (times in ms from the landing; outputs/s in the {BEFORE:.0} s before and from the landing to serving + {AFTER:.0} s)\n{:>2} {:<10} {:<7} | {:>8} {:>6} {:>9} {:>5} {:>6} | {:>8} {:>8} {:>6} | {:>6} {:>6}\n",
        "#",
        "variant",
        "version",
        "serving",
        "load",
        "init+swap",
        "rest",
        "window",
        "before/s",
        "during/s",
        "ratio",
        "pause<",
        "pause>"
    );
    for s in swaps {
        let f = s.figures();
        out.push_str(&format!(
            "{:>2} {:<10} {:<7} | {:>8.1} {:>6.0} {:>9.0} {:>5.0} {:>6.1} | {:>8.0} {:>8.0} {:>5.2}x | {:>6.0} {:>6.0}\n",
            s.n,
            s.variant.label(),
            s.version.to_string(),
            f.serving_ms,
            s.load_ms,
            s.init_swap_ms,
            s.rest_ms(),
            f.first_window_ms,
            f.before,
            f.during,
            f.ratio(),
            f.pause_before_ms,
            f.pause_during_ms,
        ));
    }
    out.push_str("(serving = load + init+swap + rest + window; pause< / pause> = the longest time without an output stored before / during)\n");
    out
}

/// The rows of the summary: label, the value per swap, and whether the
/// worst is the smallest (a ratio) rather than the largest.
type Row = (&'static str, fn(&Swap) -> f64, bool);

const ROWS: [Row; 10] = [
    ("landing → serving, ms", |s| s.figures().serving_ms, false),
    ("  load (compile or cache), ms", |s| s.load_ms, false),
    ("  init + swap, ms", |s| s.init_swap_ms, false),
    ("  notice + read + verify, ms", Swap::rest_ms, false),
    (
        "  first window on it, ms",
        |s| s.figures().first_window_ms,
        false,
    ),
    ("outputs/s, second before", |s| s.figures().before, true),
    ("outputs/s, during", |s| s.figures().during, true),
    ("during / before", |s| s.figures().ratio(), true),
    (
        "longest pause before, ms",
        |s| s.figures().pause_before_ms,
        false,
    ),
    (
        "longest pause during, ms",
        |s| s.figures().pause_during_ms,
        false,
    ),
];

fn values(swaps: &[Swap], variant: Variant, f: fn(&Swap) -> f64) -> Vec<f64> {
    swaps
        .iter()
        .filter(|s| s.variant == variant)
        .map(f)
        .collect()
}

/// Median and worst (max, or min for throughput) of a variant's values.
fn spread(values: &[f64], smallest_worst: bool) -> (f64, f64) {
    let s = Spread::of(values).expect("swaps of each variant");
    let worst = if smallest_worst {
        values.iter().copied().fold(f64::INFINITY, f64::min)
    } else {
        s.max
    };
    (s.median, worst)
}

/// The table per variant: median and worst of each figure.
pub fn summary(swaps: &[Swap]) -> String {
    let n = |v| swaps.iter().filter(|s| s.variant == v).count();
    let mut out = format!(
        "\nhot upgrade under load: {} swaps, {POSTERS} posters x {PER_REQUEST} events a request, one installed package (hostile), SQLite\n{:<30} | {:^21} | {:^21}\n{:<30} | {:>10} {:>10} | {:>10} {:>10}\n",
        swaps.len(),
        "",
        format!("cache hit (n {})", n(Variant::CacheHit)),
        format!("new bytes (n {})", n(Variant::NewBytes)),
        "",
        "median",
        "worst",
        "median",
        "worst"
    );
    for (label, f, smallest) in ROWS {
        let cells: Vec<String> = Variant::ALL
            .iter()
            .map(|v| {
                let (median, worst) = spread(&values(swaps, *v, f), smallest);
                if label == "during / before" {
                    format!("{:>9.2}x {:>9.2}x", median, worst)
                } else {
                    format!("{median:>10.1} {worst:>10.1}")
                }
            })
            .collect();
        out.push_str(&format!("{label:<30} | {} | {}\n", cells[0], cells[1]));
    }
    let rename = swaps.iter().map(|s| s.rename_ms).fold(0.0, f64::max);
    out.push_str(&format!(
        "(worst: the largest time, the smallest throughput or ratio; times from just before the rename of installed.toml, which took at most {rename:.2} ms)\n"
    ));
    out
}

/// Whether each variant meets the target, as lines.
pub fn verdict(swaps: &[Swap]) -> Vec<String> {
    Variant::ALL
        .iter()
        .map(|v| {
            let (_, slowest) = spread(&values(swaps, *v, |s| s.figures().serving_ms), false);
            let (_, lowest) = spread(&values(swaps, *v, |s| s.figures().ratio()), true);
            let met = |ok: bool| if ok { "met" } else { "NOT met" };
            format!(
                "{}: landing → serving ≤ {TARGET_MS:.0} ms: {} (slowest {slowest:.1} ms); throughput during ≥ {TARGET_RATIO}x before: {} (lowest {lowest:.2}x)",
                v.label(),
                met(slowest <= TARGET_MS),
                met(lowest >= TARGET_RATIO)
            )
        })
        .collect()
}

/// Everything, as JSON.
pub fn json(swaps: &[Swap], started_at: &str, posted: u64, counts: Counts) -> Value {
    let each: Vec<Value> = swaps
        .iter()
        .map(|s| {
            let f = s.figures();
            json!({
                "n": s.n,
                "variant": s.variant.label(),
                "version": s.version.to_string(),
                "servingMs": round(f.serving_ms),
                "loadMs": s.load_ms,
                "initSwapMs": s.init_swap_ms,
                "renameMs": s.rename_ms,
                "restMs": round(s.rest_ms()),
                "firstWindowMs": round(f.first_window_ms),
                "outputsPerSecondBefore": round(f.before),
                "outputsPerSecondDuring": round(f.during),
                "ratio": (f.ratio() * 1000.0).round() / 1000.0,
                "pauseBeforeMs": round(f.pause_before_ms),
                "pauseDuringMs": round(f.pause_during_ms),
            })
        })
        .collect();
    let variants: serde_json::Map<String, Value> = Variant::ALL
        .iter()
        .map(|v| {
            let rows: serde_json::Map<String, Value> = ROWS
                .iter()
                .map(|(label, f, smallest)| {
                    let (median, worst) = spread(&values(swaps, *v, *f), *smallest);
                    (
                        label.trim().to_owned(),
                        json!({"median": median, "worst": worst}),
                    )
                })
                .collect();
            (v.label().to_owned(), rows.into())
        })
        .collect();
    json!({
        "command": "cargo bench -p cityhub --bench upgrade",
        "startedAt": started_at,
        "settings": {"posters": POSTERS, "eventsPerRequest": PER_REQUEST, "swaps": swaps.len(),
                     "beforeSeconds": BEFORE, "afterServingSeconds": AFTER},
        "load": {"posted": posted, "requestsAccepted": counts.accepted,
                 "requestsRefused": counts.refused, "connectionErrors": counts.errors},
        "swaps": each,
        "variants": variants,
        "verdict": verdict(swaps),
    })
}

/// Writes `results` to `target/bench-results/upgrade.json`.
pub fn write(results: &Value) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).with_file_name("bench-results");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("upgrade.json");
    std::fs::write(&file, serde_json::to_string_pretty(results).unwrap()).unwrap();
    file
}
