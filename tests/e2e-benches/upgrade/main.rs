//! A hot upgrade under load: "the time from a new version landing to it
//! serving, and the throughput during the swap against the throughput
//! before it (target: ≤ 100 ms; never below half)". The real `cityhub
//! serve` (`--log-format json`, a fresh SQLite file) runs a city of one
//! installed package, the hostile test plugin, echoing every event it gets
//! (city.rs); [`POSTERS`] posters keep it as busy as it gets (load.rs).
//! After [`WARM_UP`], [`SWAPS`] new versions land one after the other,
//! alternating two variants:
//!
//! - **cache hit**: the same component bytes under a new version (a
//!   manifest-only change): the host takes the compiled code from its
//!   compile cache;
//! - **new bytes**: the component with a custom section appended, so that
//!   its digest is new and the host compiles it.
//!
//! A landing is the moment `installed.toml` is renamed into place (as
//! `cityhub plugin install` does; the package was written before). The
//! host notices it, reads and verifies the package, loads (compiles or
//! takes from the cache) and pre-instantiates the component, starts one
//! instance and runs `init`, and swaps; the route's next window runs the
//! new version. Per swap, read back from the log after the run (each
//! output's `recorded_at` and `pluginversion`), not polled:
//!
//! - **landing → serving**: to the `recorded_at` of the first output the
//!   new version made; split by the host's log lines into "plugin loaded"
//!   `ms` (load/compile), "plugin upgraded" `ms` (first instance, `init`
//!   and swap), the rest up to that line's timestamp (noticing the rename,
//!   reading and verifying the package), and the first window on the new
//!   version (that line → its first output stored);
//! - **throughput**: outputs stored per second in the second before the
//!   landing, and from the landing to serving + 1 s, and their ratio.
//!
//! The next landing waits [`SETTLE`] after a swap is logged, so that no
//! swap's window overlaps the next one's second before. Every input is
//! checked to be handled exactly once, in versions that ran one after the
//! other, so that the figures are those of a correct upgrade. Nothing is
//! asserted about time: the summary table is the result (also written to
//! `target/bench-results/upgrade.json`), and its last lines say whether the
//! figures meet the target. About a minute and a half after the build.
//!
//! Run with `cargo bench -p cityhub --bench upgrade`.

// A benchmark reports failure by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod city;
mod figures;
mod load;
mod report;
#[allow(dead_code)]
#[path = "../dashboard/stats.rs"]
mod stats;
#[allow(dead_code)]
#[path = "../../all/support.rs"]
mod support;

/// The bus of the city under test (tests/all/support.rs reads it).
pub const BUS: support::Backend = support::Backend::Embedded;

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use semver::Version;
use serde_json::Value;

use city::{City, PLUGIN, with_custom_section};
use figures::{Figures, Outputs, seconds, unix};
use load::{Load, POSTERS};
use report::{Swap, Variant};
use support::{Host, plugins};

/// New versions landed, half of each variant, alternating.
const SWAPS: usize = 20;
/// Load before the first landing, so that it is steady.
const WARM_UP: Duration = Duration::from_secs(3);
/// After a swap is logged, before the next landing: its first window and
/// [`figures::AFTER`], then the next one's [`figures::BEFORE`], with room.
const SETTLE: Duration = Duration::from_millis(2500);
/// The longest a swap, or the route catching up at the end, is waited for.
const PATIENCE: Duration = Duration::from_secs(120);

/// Progress lines with the time since the start.
struct Clock(Instant);

impl Clock {
    fn say(&self, what: &str) {
        println!("[{:>5.1}s] {what}", self.0.elapsed().as_secs_f64());
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let clock = Clock(Instant::now());
    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let city = City::new();
    let base = std::fs::read(plugins::HOSTILE_WASM).unwrap();
    let first = Version::new(1, 0, 0);
    city.stage(&first, base.clone());
    let _ = city.activate(&first);
    let host = Arc::new(Host::start_with(&city.config()));
    clock.say(&format!(
        "host serving {PLUGIN} {first} (installed package) at {}",
        host.url("/")
    ));

    let load = Load::start(&host);
    let mut outs = Outs::now(&host).await;
    tokio::time::sleep(WARM_UP).await;
    clock.say(&format!(
        "load: {POSTERS} posters; host handling {}",
        outs.rate(&host).await
    ));

    let mut swaps = Vec::new();
    let mut component = base.clone();
    for n in 1..=SWAPS {
        let variant = if n % 2 == 1 {
            Variant::CacheHit
        } else {
            Variant::NewBytes
        };
        let version = Version::new(1, 0, n as u64);
        if variant == Variant::NewBytes {
            let tag = version.to_string();
            component = with_custom_section(&base, "cityhub-bench", tag.as_bytes());
        }
        city.stage(&version, component.clone());
        let (landed, rename) = city.activate(&version);
        let mut swap = swapped(&host, n, variant, &version, seconds(landed)).await;
        swap.rename_ms = rename.as_secs_f64() * 1e3;
        let landed = swap.landed;
        clock.say(&format!(
            "swap {n:>2}/{SWAPS} {:<10} → {version}: swapped {:>4.0} ms after landing (load {:.0} ms, init+swap {:.0} ms); host handling {}",
            variant.label(),
            (swap.swapped - landed) * 1e3,
            swap.load_ms,
            swap.init_swap_ms,
            outs.rate(&host).await
        ));
        swaps.push(swap);
        tokio::time::sleep(SETTLE).await;
    }

    let (posted, counts) = load.stop().await;
    clock.say(&format!(
        "load stopped: {posted} events posted in {} requests ({} refused with 429/503 and sent again, {} connection errors); waiting for the route",
        counts.accepted + counts.refused + counts.errors,
        counts.refused,
        counts.errors
    ));
    outs.wait_for(&host, posted).await;
    let outputs = Outputs::read(&host, |n| {
        clock.say(&format!("reading outputs back: {n} of {posted}"));
    })
    .await;
    let expected: Vec<String> = std::iter::once(first.to_string())
        .chain(swaps.iter().map(|s| s.version.to_string()))
        .collect();
    outputs.check(posted, &expected);
    clock.say(&format!(
        "checked: each of {posted} events handled exactly once; versions ran one after the other, {} → {}",
        expected[0],
        expected[expected.len() - 1]
    ));

    for s in &mut swaps {
        s.figures = Some(Figures::of(
            &outputs,
            &s.version.to_string(),
            s.landed,
            s.swapped,
        ));
    }
    report::overlaps(&swaps);
    println!("{}", report::per_swap(&swaps));
    println!("{}", report::summary(&swaps));
    for line in report::verdict(&swaps) {
        println!("{line}");
    }
    let file = report::write(&report::json(&swaps, &started_at, posted, counts));
    clock.say(&format!("done; results in {}", file.display()));
}

/// Waits for the host's log to say `version` was swapped in (or refused:
/// the bench fails); takes the parts from its lines.
async fn swapped(host: &Host, n: usize, variant: Variant, version: &Version, landed: f64) -> Swap {
    let v = version.to_string();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let logs = host.logs();
        let message =
            |l: &Value, start: &str| l["message"].as_str().is_some_and(|m| m.starts_with(start));
        if let Some(refused) = logs
            .iter()
            .find(|l| message(l, "new version refused") && l["version"] == v.as_str())
        {
            panic!("version {v} was refused: {refused:#}");
        }
        let loaded = logs
            .iter()
            .find(|l| message(l, "plugin loaded") && l["version"] == v.as_str());
        let upgraded = logs
            .iter()
            .find(|l| message(l, "plugin upgraded") && l["to"] == v.as_str());
        if let (Some(loaded), Some(upgraded)) = (loaded, upgraded) {
            return Swap {
                n,
                variant,
                version: version.clone(),
                landed,
                swapped: unix(upgraded["timestamp"].as_str().unwrap()),
                load_ms: loaded["ms"].as_f64().unwrap(),
                init_swap_ms: upgraded["ms"].as_f64().unwrap(),
                rename_ms: 0.0,
                figures: None,
            };
        }
        assert!(
            Instant::now() < deadline,
            "version {v} was not swapped in within {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The route's committed outputs (`GET /v1/routes`), for progress lines.
struct Outs {
    count: u64,
    at: Instant,
}

impl Outs {
    async fn now(host: &Host) -> Self {
        Self {
            count: events_out(host).await,
            at: Instant::now(),
        }
    }

    /// Outputs per second since the last call, and the route's lag.
    async fn rate(&mut self, host: &Host) -> String {
        let next = Self::now(host).await;
        let rate = (next.count - self.count) as f64 / (next.at - self.at).as_secs_f64();
        *self = next;
        let routes = host.get_json("/v1/routes").await;
        format!(
            "{rate:.0} outputs/s, route lag {}",
            routes["routes"][0]["lag"]
        )
    }

    /// Waits until the route has made `n` outputs.
    async fn wait_for(&mut self, host: &Host, n: u64) {
        let deadline = Instant::now() + PATIENCE;
        while events_out(host).await < n {
            assert!(
                Instant::now() < deadline,
                "the route did not handle the {n} events posted within {PATIENCE:?}: {:#}",
                host.get_json("/v1/routes").await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn events_out(host: &Host) -> u64 {
    host.get_json("/v1/routes").await["routes"][0]["stats"]["events_out"]
        .as_u64()
        .unwrap_or(0)
}
