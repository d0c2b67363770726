//! The page's side of the bench: opening the dashboard with the probe
//! (probe.js) installed, posting a marker from inside the page and timing
//! it, and measuring one window of time on one screen.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::{
    browser::{Browser, Page, js_string},
    stats::{ON_SCREEN, Phase},
    support::Host,
};

/// The marker's type: one the demo city accepts, with no lasting effect (a
/// `cleared` report of an unknown incident is remembered, not announced).
/// It refetches `#/map` (traffic) and `#/health` (any event), not the
/// other screens.
pub const MARKER_TYPE: &str = "city.traffic.incident-report";
/// A marker that reached the stream and is still not shown this long after
/// counts as not shown (the page showed its batch without it).
pub const SETTLE_MS: u64 = 1500;
/// The longest a marker is waited for.
pub const MARKER_TIMEOUT_MS: u64 = 5000;
/// How long after a window its figures are read, so that the refetches
/// past its last events are counted (`#/charts` refetches at most every
/// 2 s).
const LATE_REFETCH: std::time::Duration = std::time::Duration::from_secs(3);

/// The event types each screen refetches for, as `/v1/stream?type=`
/// patterns ("": every event): those of each screen's `wants` in
/// host/dashboard/assets/js/screens/*.js, to keep in step with them.
pub const WANTS: [(&str, &str); 6] = [
    ("overview", "city.ioc.kpi,city.ioc.alert,cityhub.ops.>"),
    (
        "map",
        "city.traffic.>,city.tourism.visitors,city.health.beds,city.fieldreport.>,cityhub.clock.tick",
    ),
    ("alerts", "city.ioc.alert,cityhub.ops.>"),
    ("incidents", "city.fieldreport.>,cityhub.clock.tick"),
    ("health", ""),
    ("charts", "city.ioc.kpi"),
];

/// Progress lines with the time since the start.
#[derive(Debug)]
pub struct Clock(pub Instant);

impl Clock {
    pub fn say(&self, what: &str) {
        println!("[{:>4.0}s] {what}", self.0.elapsed().as_secs_f64());
    }
}

/// The dashboard on `#/overview`, signed in with the host's admin token
/// (the probe posts its markers from the page), its stream connected, its
/// KPI tiles filled, and the probe installed with its own stream open.
pub async fn open(host: &Host, browser: &Browser) -> Page {
    let page = browser.new_page().await;
    page.sign_in(&host.url(""), &host.token, "#/overview").await;
    page.wait_for(
        "the KPI tiles",
        "document.querySelector('#kpi-tiles [data-kpi-sector]')",
    )
    .await;
    let probe = include_str!("probe.js").replace("__MARKER_TYPE__", MARKER_TYPE);
    page.eval(&probe).await;
    page.wait_for(
        "the probe's own stream to open",
        "window.cityhubBench.streamOpen",
    )
    .await;
    let longtask = page
        .eval("PerformanceObserver.supportedEntryTypes.includes('longtask')")
        .await;
    assert_eq!(longtask, true, "this Chromium does not report long tasks");
    page
}

/// Shows `#/screen` and waits until its section is the visible one.
pub async fn show(page: &Page, screen: &str) {
    page.eval(&format!(
        "location.hash = {}",
        js_string(&format!("#/{screen}"))
    ))
    .await;
    page.wait_for(
        &format!("`#/{screen}` to be shown"),
        &format!("document.querySelector('section[data-screen=\"{screen}\"]:not([hidden])')"),
    )
    .await;
}

/// The page's clock.
async fn now(page: &Page) -> f64 {
    page.eval("performance.now()").await.as_f64().unwrap_or(0.0)
}

/// The newest log position (`/v1/ops/health`'s `last_seq`).
pub async fn last_seq(host: &Host) -> u64 {
    host.get_json("/v1/ops/health").await["last_seq"]
        .as_u64()
        .unwrap_or(0)
}

/// The routes' worst lag behind the log.
pub async fn max_lag(host: &Host) -> u64 {
    host.get_json("/v1/routes").await["routes"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|r| r["lag"].as_u64())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// Posts one marker from inside the page and waits until it is painted, or
/// counted as not shown; returns its timings (probe.js `timing`) and id.
pub async fn marker(page: &Page, label: &str, n: usize) -> Value {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let id = format!("bench-{label}-{n}-{}-{nanos}", std::process::id());
    let event = json!({
        "specversion": "1.0",
        "id": id,
        "source": "/bench/dashboard",
        "type": MARKER_TYPE,
        "subject": id,
        "time": "2026-11-27T08:10:00+07:00",
        "datacontenttype": "application/json",
        "data": {
            "incidentId": id,
            "category": "breakdown",
            "road": "QL1B",
            "location": {"type": "Point", "coordinates": [106.548, 21.872]},
            "description": "bench marker",
            "status": "cleared",
            "observedAt": "2026-11-27T08:10:00+07:00"
        }
    });
    let (id_js, body_js) = (js_string(&id), js_string(&event.to_string()));
    page.eval(&format!("window.cityhubBench.post({id_js}, {body_js})"))
        .await;
    let mut timing = page
        .eval(&format!(
            "window.cityhubBench.wait({id_js}, {SETTLE_MS}, {MARKER_TIMEOUT_MS})"
        ))
        .await;
    timing["id"] = id.into();
    timing
}

/// How markers are sent in a window.
#[derive(Debug, Clone, Copy)]
pub enum Pace {
    /// This many, each after the previous one was shown and a pause.
    Count(usize, Duration),
    /// One every `.1` for `.0`.
    Every(Duration, Duration),
}

/// Measures the visible screen, `screen`, while markers are sent at
/// `pace`: the markers' timings, the page's figures over the window (with
/// the refetches for the events of the screen's [`WANTS`]) and the host's
/// log events per second. `clock` hears every `report`-th marker.
pub async fn window(
    host: &Host,
    page: &Page,
    clock: &Clock,
    (phase, screen): (&str, &str),
    pace: Pace,
    report: usize,
) -> Phase {
    let name = format!("{phase} #/{screen}");
    let wants = WANTS
        .iter()
        .find(|(s, _)| *s == screen)
        .map_or("", |(_, w)| *w);
    page.eval(&format!("window.cityhubBench.watch({})", js_string(wants)))
        .await;
    let (seq0, t0, from) = (last_seq(host).await, Instant::now(), now(page).await);
    let mut markers = Vec::new();
    let mut mark = Instant::now();
    let mut seq_mark = seq0;
    loop {
        let done = match pace {
            Pace::Count(n, _) => markers.len() >= n,
            Pace::Every(d, _) => t0.elapsed() >= d,
        };
        if done {
            break;
        }
        let started = Instant::now();
        let m = marker(page, &format!("{phase}-{screen}"), markers.len()).await;
        markers.push(m);
        if markers.len() % report == 0 {
            let seq = last_seq(host).await;
            let rate = (seq - seq_mark) as f64 / mark.elapsed().as_secs_f64();
            (seq_mark, mark) = (seq, Instant::now());
            clock.say(&format!(
                "{name}: {} markers, the last on screen after {}; host storing {rate:.0} events/s, worst route lag {}",
                markers.len(),
                markers[markers.len() - 1][ON_SCREEN]
                    .as_f64()
                    .map_or_else(|| "- (not shown)".to_owned(), |x| format!("{x:.0} ms")),
                max_lag(host).await
            ));
        }
        match pace {
            // a pause after each marker
            Pace::Count(_, pause) => tokio::time::sleep(pause).await,
            // one every period, from its start
            Pace::Every(_, every) => tokio::time::sleep_until((started + every).into()).await,
        }
    }
    let to = now(page).await;
    let secs = t0.elapsed().as_secs_f64();
    let seq1 = last_seq(host).await;
    let lag = max_lag(host).await;
    tokio::time::sleep(LATE_REFETCH).await;
    let figures = page
        .eval(&format!("window.cityhubBench.stats({from}, {to})"))
        .await;
    Phase {
        name,
        markers,
        page: figures,
        host: json!({
            "logEventsPerSecond": (seq1 - seq0) as f64 / secs,
            "maxLagAtEnd": lag,
        }),
    }
}
