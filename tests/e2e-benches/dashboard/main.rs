//! How live the operations-centre dashboard stays under the load:
//! "it updates live within a second of an event and stays responsive with
//! 10,000 events a minute flowing". The real `cityhub serve` runs the demo
//! city (every plugin, a fresh SQLite file, six simulated hours of the
//! border-queue scenario stored first); headless Chromium shows `/`. Two
//! phases, the first the baseline of the second:
//!
//! - **idle**: on `#/overview`, [`IDLE_MARKERS`] marker events one after the
//!   other, each posted from inside the page (`fetch`, so that sending and
//!   showing are timed on one clock, the page's `performance.now()`) and
//!   timed until its `#live-events [data-event-id]` item is painted; then
//!   every other screen for [`SCREEN_WINDOW`], a marker every
//!   [`MARKER_EVERY`];
//! - **load**: `cityhub simulate --rate` [`LOAD_RATE`] (10,000 events a
//!   minute posted; the plugins' outputs come on top) in the background;
//!   after [`WARM_UP`], [`WINDOW`] on `#/overview`, then every other screen
//!   as idle, a marker every [`MARKER_EVERY`].
//!
//! Throughout, the page records its long tasks, frames, the lateness of a
//! 100 ms timer and its JS heap, and, for each event of the types the
//! visible screen refetches for, the time from its arrival to the answer of
//! a `/v1/ops/*?seen=` refetch that includes it (probe.js, see measure.rs);
//! the host's log position gives the events per second it stored. The
//! tables (stats.rs) give median / p95 / max per timing and the ratio
//! load/idle; the same goes to `target/bench-results/dashboard.json`.
//! Nothing is asserted: the figures are the result, and the last lines say
//! whether they meet the requirement. Takes about four minutes
//! after the build.
//!
//! Caveat: the DevTools client enables the `Network` domain (to report
//! failed requests), so Chromium also reports every stream message to it,
//! a cost an operator's browser does not have.
//!
//! Run with `cargo bench -p cityhub --bench dashboard`.

// A benchmark reports failure by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code, unused_imports)]
#[path = "../../all/browser/mod.rs"]
mod browser;
mod measure;
mod stats;
#[allow(dead_code)]
#[path = "../../all/support.rs"]
mod support;

/// The bus of the city under test (tests/all/support.rs reads it).
pub const BUS: support::Backend = support::Backend::Embedded;

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant, SystemTime},
};

use serde_json::{Value, json};

use browser::Page;
use measure::{Clock, Pace, max_lag, show, window};
use stats::{ON_SCREEN, Phase, Spread, ratio};
use support::{Host, write_demo_city};

/// Markers on `#/overview` idle.
const IDLE_MARKERS: usize = 30;
/// The pause between idle markers, after one is shown.
const IDLE_GAP: Duration = Duration::from_millis(400);
/// Events posted per second under load: 10,000 a minute.
const LOAD_RATE: u64 = 167;
/// Load before the measured window, so that it is steady.
const WARM_UP: Duration = Duration::from_secs(5);
/// The measured window on `#/overview` under load.
const WINDOW: Duration = Duration::from_secs(60);
/// The other screens, each measured for [`SCREEN_WINDOW`] after
/// [`SCREEN_SETTLE`] (its first fetch and render when shown).
const SCREENS: [&str; 5] = ["map", "alerts", "incidents", "health", "charts"];
const SCREEN_WINDOW: Duration = Duration::from_secs(10);
const SCREEN_SETTLE: Duration = Duration::from_secs(1);
/// One marker this often under load and on the other screens.
const MARKER_EVERY: Duration = Duration::from_secs(2);
/// "Within a second", and a page saturated by long tasks or starved of
/// frames, for the verdict.
const REQUIRED_MS: f64 = 1000.0;
const SATURATED_LONG_TASK_MS_PER_S: f64 = 500.0;
const STARVED_FPS: f64 = 20.0;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    rt.block_on(run());
}

async fn run() {
    let clock = Clock(Instant::now());
    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let tmp = tempfile::tempdir().unwrap();
    let config = write_demo_city(tmp.path(), |_| {});
    // Warnings only (and the serving line `Host` waits for): the log is kept
    // in memory for the whole run.
    let host = Host::start_logging(&config, "warn,cityhub::commands::serve=info");
    clock.say(&format!("host serving the demo city at {}", host.url("/")));

    // Data on every screen first, as in an operations centre that has run
    // for a while: six simulated hours of the border-queue scenario.
    let seeded = simulate(&host, &["--seed", "7", "--scenario", "border-queue"])
        .args(["--duration", "6h", "--speed", "100000", "--rate", "20000"])
        .output()
        .await
        .unwrap();
    assert!(
        seeded.status.success(),
        "simulate failed: {}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let caught_up = catch_up(&host).await;
    clock.say(&format!(
        "seeded: {} log events, routes caught up in {caught_up:.1}s",
        measure::last_seq(&host).await
    ));

    // Precise `performance.memory` (else coarse and refreshed rarely).
    let browser = browser::Browser::launch_with(&["--enable-precise-memory-info"]).await;
    let page = measure::open(&host, &browser).await;
    clock.say("dashboard open on #/overview, stream connected, probe installed");

    clock.say(&format!(
        "idle: {IDLE_MARKERS} markers on #/overview, one at a time"
    ));
    let idle = window(
        &host,
        &page,
        &clock,
        ("idle", "overview"),
        Pace::Count(IDLE_MARKERS, IDLE_GAP),
        10,
    )
    .await;
    let idle_screens = tour(&host, &page, &clock, "idle").await;

    let (mut load, load_screens) = load_phase(&host, &page, &clock).await;
    load.host["catchUpSeconds"] = catch_up(&host).await.into();

    let table = stats::table(&idle, &load) + &stats::screens_table(&idle_screens, &load_screens);
    println!("{table}");
    let verdict = verdict(&load, &load_screens);
    for line in verdict["lines"].as_array().into_iter().flatten() {
        println!("{}", line.as_str().unwrap_or_default());
    }
    let problems: Vec<String> = page.problems().iter().map(ToString::to_string).collect();
    if !problems.is_empty() {
        println!("the page reported {} problem(s):", problems.len());
        for p in problems.iter().take(20) {
            println!("  {p}");
        }
    }
    let duration = clock.0.elapsed().as_secs_f64();
    let screens: serde_json::Map<String, Value> = idle_screens
        .iter()
        .zip(&load_screens)
        .zip(SCREENS)
        .map(|((i, l), s)| (s.to_owned(), json!({"idle": i.json(), "load": l.json()})))
        .collect();
    let file = write_results(&json!({
        "command": "cargo bench -p cityhub --bench dashboard",
        "startedAt": started_at,
        "durationSeconds": stats::round(duration),
        "settings": {
            "idleMarkers": IDLE_MARKERS,
            "loadRatePerSecond": LOAD_RATE,
            "warmUpSeconds": WARM_UP.as_secs(),
            "windowSeconds": WINDOW.as_secs(),
            "screenWindowSeconds": SCREEN_WINDOW.as_secs(),
            "markerEverySeconds": MARKER_EVERY.as_secs(),
            "settleMs": measure::SETTLE_MS,
            "markerTimeoutMs": measure::MARKER_TIMEOUT_MS,
            "markerType": measure::MARKER_TYPE,
        },
        "idle": idle.json(),
        "load": load.json(),
        "screens": screens,
        "ratios": ratios(&idle, &load),
        "requirement": verdict,
        "pageProblems": problems,
    }));
    clock.say(&format!(
        "done in {duration:.0}s; results in {}",
        file.display()
    ));
}

/// `cityhub simulate --url HOST --json ARGS…` with the host's token, its
/// output captured.
fn simulate(host: &Host, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::from(host.cli());
    cmd.args(["simulate", "--url", &host.url(""), "--json"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Waits until every route has caught up with the log (at most 5 min);
/// returns the seconds it took.
async fn catch_up(host: &Host) -> f64 {
    let start = Instant::now();
    while max_lag(host).await > 0 {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the routes did not catch up with the log in 5 min: {:#}",
            host.get_json("/v1/routes").await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    start.elapsed().as_secs_f64()
}

/// Each of [`SCREENS`] for [`SCREEN_WINDOW`], then back to `#/overview`.
async fn tour(host: &Host, page: &Page, clock: &Clock, phase: &str) -> Vec<Phase> {
    let mut measured = Vec::new();
    for screen in SCREENS {
        show(page, screen).await;
        tokio::time::sleep(SCREEN_SETTLE).await;
        let p = window(
            host,
            page,
            clock,
            (phase, screen),
            Pace::Every(SCREEN_WINDOW, MARKER_EVERY),
            usize::MAX,
        )
        .await;
        clock.say(&format!(
            "{}: long tasks {:.0} ms/s, {:.0} fps, refetch past its events {}",
            p.name,
            p.long_task_ms_per_s(),
            p.fps(),
            p.refetch().map_or_else(
                || "none".to_owned(),
                |s| format!(
                    "p95 {:.0} ms (n {}, {} missing)",
                    s.p95,
                    s.n,
                    p.refetch_missing()
                )
            )
        ));
        measured.push(p);
    }
    show(page, "overview").await;
    measured
}

/// The load: `simulate` in the background, `#/overview` measured, then the
/// other screens; returns when `simulate` is done.
async fn load_phase(host: &Host, page: &Page, clock: &Clock) -> (Phase, Vec<Phase>) {
    // Its simulated days follow the seed's, so that no event repeats one
    // stored already (a duplicate is not stored twice).
    let start = humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(86_400))
        .to_string();
    let screens = (SCREEN_SETTLE + SCREEN_WINDOW) * SCREENS.len() as u32;
    let events = LOAD_RATE * (WARM_UP + WINDOW + screens + Duration::from_secs(10)).as_secs();
    let rate = LOAD_RATE.to_string();
    let mut sim = simulate(host, &["--seed", "12", "--start", &start])
        .args(["--speed", "20000", "--rate", &rate])
        .args(["--events", &events.to_string()])
        .spawn()
        .unwrap();
    let stdout = sim.stdout.take().unwrap();
    let summary = tokio::spawn(async move {
        let mut text = String::new();
        let mut reader = tokio::io::BufReader::new(stdout);
        tokio::io::AsyncReadExt::read_to_string(&mut reader, &mut text)
            .await
            .map(|_| text)
    });
    clock.say(&format!(
        "load: cityhub simulate --rate {LOAD_RATE} ({events} events); #/overview measured after {WARM_UP:?} for {WINDOW:?}, then each screen"
    ));
    tokio::time::sleep(WARM_UP).await;
    let mut overview = window(
        host,
        page,
        clock,
        ("load", "overview"),
        Pace::Every(WINDOW, MARKER_EVERY),
        5,
    )
    .await;
    let screens = tour(host, page, clock, "load").await;

    clock.say("load: waiting for simulate to finish and the routes to catch up");
    let status = tokio::time::timeout(Duration::from_secs(300), sim.wait()).await;
    let summary: Value = match status {
        Ok(Ok(s)) if s.success() => {
            let text = summary.await.unwrap().unwrap_or_default();
            serde_json::from_str(&text).unwrap_or(Value::Null)
        }
        other => {
            let _ = sim.kill().await;
            panic!("simulate did not finish well: {other:?}");
        }
    };
    let accepted: u64 = summary["counts"]["accepted"]
        .as_object()
        .map(|m| m.values().filter_map(Value::as_u64).sum())
        .unwrap_or(0);
    let wall = summary["wallSeconds"].as_f64().unwrap_or(f64::NAN);
    overview.host["postedPerSecond"] = (accepted as f64 / wall).into();
    overview.host["simulateAccepted"] = accepted.into();
    overview.host["simulateWallSeconds"] = wall.into();
    overview.host["simulateRetries"] = summary["counts"]["retries"].clone();
    (overview, screens)
}

/// load / idle for the headline figures.
fn ratios(idle: &Phase, load: &Phase) -> Value {
    let pick = |p: &Phase, f: fn(Spread) -> f64| p.spread(ON_SCREEN).map(f);
    json!({
        "onScreenMedian": ratio(pick(load, |s| s.median), pick(idle, |s| s.median)),
        "onScreenP95": ratio(pick(load, |s| s.p95), pick(idle, |s| s.p95)),
        "onScreenMax": ratio(pick(load, |s| s.max), pick(idle, |s| s.max)),
        "longTaskMsPerSecond": ratio(Some(load.long_task_ms_per_s()), Some(idle.long_task_ms_per_s())),
        "fps": ratio(Some(load.fps()), Some(idle.fps())),
    })
}

/// Whether the load windows meet the requirement: within a second (at p95:
/// the overview's markers on screen and its live list's next change, and
/// on every screen the refetch past each event it refetches for, none
/// missing), responsive (no window saturated by long tasks or starved of
/// frames); and how many markers the live list showed at all.
fn verdict(overview: &Phase, screens: &[Phase]) -> Value {
    let mut late = Vec::new();
    for key in [ON_SCREEN, "updated"] {
        if let Some(s) = overview.spread(key)
            && s.p95 > REQUIRED_MS
        {
            late.push(format!(
                "{} `{key}` p95 {:.0} ms (max {:.0})",
                overview.name, s.p95, s.max
            ));
        }
    }
    for phase in std::iter::once(overview).chain(screens) {
        if let Some(s) = phase.refetch()
            && s.p95 > REQUIRED_MS
        {
            late.push(format!(
                "{}: refetch past its events p95 {:.0} ms (max {:.0}, n {})",
                phase.name, s.p95, s.max, s.n
            ));
        }
        if phase.refetch_missing() > 0 {
            late.push(format!(
                "{}: {} events never refetched past",
                phase.name,
                phase.refetch_missing()
            ));
        }
    }
    let mut busy = Vec::new();
    for phase in std::iter::once(overview).chain(screens) {
        let (tasks, fps) = (phase.long_task_ms_per_s(), phase.fps());
        if tasks > SATURATED_LONG_TASK_MS_PER_S || fps < STARVED_FPS {
            busy.push(format!(
                "{}: long tasks {tasks:.0} ms/s, {fps:.1} fps",
                phase.name
            ));
        }
    }
    let (sent, shown) = (overview.markers.len(), overview.shown());
    let per_minute = LOAD_RATE * 60;
    let judged = |ok: &[String]| {
        if ok.is_empty() {
            "met".to_owned()
        } else {
            format!("NOT met: {}", ok.join("; "))
        }
    };
    let lines = [
        format!(
            "within {REQUIRED_MS:.0} ms at p95 under {per_minute} events/min: {}",
            judged(&late)
        ),
        format!(
            "responsive (long tasks <= {SATURATED_LONG_TASK_MS_PER_S:.0} ms/s, >= {STARVED_FPS:.0} fps) under {per_minute} events/min: {}",
            judged(&busy)
        ),
        format!("markers shown in #live-events under load: {shown} of {sent}"),
    ];
    json!({
        "withinASecond": late.is_empty(),
        "responsive": busy.is_empty(),
        "late": late,
        "busy": busy,
        "markersShown": shown,
        "markersSent": sent,
        "lines": lines,
    })
}

/// Writes `results` to `target/bench-results/dashboard.json`.
fn write_results(results: &Value) -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("bench-results");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("dashboard.json");
    std::fs::write(&file, serde_json::to_string_pretty(results).unwrap()).unwrap();
    file
}
