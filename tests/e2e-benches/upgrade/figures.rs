//! From the stored outputs to the figures: every output read back from the
//! log (its `recorded_at`, the input it answers and the `pluginversion`
//! that made it), checked (each input handled once, one version at a time),
//! and per swap the time from landing to serving and the outputs per second
//! before and during it.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use crate::{city::OUTPUT_TYPE, support::Host};

/// The second before a landing, the throughput baseline.
pub const BEFORE: f64 = 1.0;
/// How long after serving the "during" window goes on.
pub const AFTER: f64 = 1.0;

/// One output of the plugin.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// `recorded_at`, Unix seconds.
    pub at: f64,
    /// The input it answers (its subject).
    pub input: u64,
    /// The version that made it, as an index into [`Outputs::versions`].
    pub version: usize,
}

/// Every output, in log order.
pub struct Outputs {
    pub list: Vec<Output>,
    /// The `pluginversion`s met, in order of first appearance.
    pub versions: Vec<String>,
    /// Every `at`, sorted, for counting by time.
    times: Vec<f64>,
}

#[derive(Deserialize)]
struct Page {
    events: Vec<Logged>,
    next: Option<i64>,
}

#[derive(Deserialize)]
struct Logged {
    recorded_at: String,
    event: Event,
}

#[derive(Deserialize)]
struct Event {
    subject: Option<String>,
    pluginversion: Option<String>,
}

/// Unix seconds of an RFC 3339 UTC time (`recorded_at`, a log line's
/// `timestamp`).
pub fn unix(rfc3339: &str) -> f64 {
    let t = humantime::parse_rfc3339_weak(rfc3339)
        .unwrap_or_else(|e| panic!("`{rfc3339}` is not an RFC 3339 UTC time: {e}"));
    seconds(t)
}

pub fn seconds(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

impl Outputs {
    /// Reads every output from `GET /v1/events`, 1,000 a page; `progress`
    /// hears the count every 200 pages.
    pub async fn read(host: &Host, progress: impl Fn(usize)) -> Self {
        let (mut list, mut versions) = (Vec::new(), Vec::<String>::new());
        let mut after = 0;
        for page_no in 1.. {
            let url = host.url(&format!(
                "/v1/events?type={OUTPUT_TYPE}&after={after}&limit=1000"
            ));
            let bytes = host
                .http
                .get(url)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let page: Page = serde_json::from_slice(&bytes).unwrap();
            for e in &page.events {
                let v = e.event.pluginversion.as_deref().unwrap_or("-");
                let version = versions.iter().position(|x| x == v).unwrap_or_else(|| {
                    versions.push(v.to_owned());
                    versions.len() - 1
                });
                let subject = e.event.subject.as_deref().unwrap_or("-");
                list.push(Output {
                    at: unix(&e.recorded_at),
                    input: subject.parse().unwrap_or_else(|_| {
                        panic!("an output answers `{subject}`, not an id posted")
                    }),
                    version,
                });
            }
            match page.next {
                Some(next) if !page.events.is_empty() => after = next,
                _ => break,
            }
            if page_no % 200 == 0 {
                progress(list.len());
            }
        }
        let mut times: Vec<f64> = list.iter().map(|o| o.at).collect();
        times.sort_by(f64::total_cmp);
        Self {
            list,
            versions,
            times,
        }
    }

    /// Checks that each of the `posted` inputs (ids `0..posted`) was handled
    /// exactly once, and that the versions ran one at a time in the order
    /// `expected` (never back and forth).
    pub fn check(&self, posted: u64, expected: &[String]) {
        let mut seen = vec![0u8; usize::try_from(posted).unwrap()];
        let mut foreign = 0;
        for o in &self.list {
            match usize::try_from(o.input).ok().and_then(|i| seen.get_mut(i)) {
                Some(n) => *n = n.saturating_add(1),
                None => foreign += 1,
            }
        }
        let lost = seen.iter().filter(|n| **n == 0).count();
        let twice = seen.iter().filter(|n| **n > 1).count();
        assert!(
            lost == 0 && twice == 0 && foreign == 0,
            "of {posted} inputs, {lost} were not handled and {twice} handled more than once; {foreign} outputs answer no input posted"
        );
        let mut runs: Vec<&str> = Vec::new();
        for o in &self.list {
            let v = self.versions[o.version].as_str();
            if runs.last() != Some(&v) {
                runs.push(v);
            }
        }
        assert_eq!(
            runs, expected,
            "the versions did not run one after the other"
        );
    }

    /// Outputs stored in `[from, to)`.
    fn count(&self, from: f64, to: f64) -> usize {
        self.times.partition_point(|t| *t < to) - self.times.partition_point(|t| *t < from)
    }

    /// The longest time in `[from, to)` with no output stored, in seconds.
    fn longest_pause(&self, from: f64, to: f64) -> f64 {
        let (a, b) = (
            self.times.partition_point(|t| *t < from),
            self.times.partition_point(|t| *t < to),
        );
        std::iter::once(from)
            .chain(self.times[a..b].iter().copied())
            .chain(std::iter::once(to))
            .collect::<Vec<f64>>()
            .windows(2)
            .map(|w| w[1] - w[0])
            .fold(0.0, f64::max)
    }

    /// The first output of `version`, Unix seconds.
    fn first_of(&self, version: &str) -> Option<f64> {
        let i = self.versions.iter().position(|v| v == version)?;
        self.list
            .iter()
            .filter(|o| o.version == i)
            .map(|o| o.at)
            .reduce(f64::min)
    }
}

/// One swap's figures.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// Landing → the first output of the new version stored, ms.
    pub serving_ms: f64,
    /// Landing → the host's "plugin upgraded" log line, ms.
    pub swapped_ms: f64,
    /// The swap's log line → the first output of the new version, ms.
    pub first_window_ms: f64,
    /// Outputs per second in the second before landing.
    pub before: f64,
    /// Outputs per second from landing to serving + [`AFTER`].
    pub during: f64,
    /// The longest time without an output stored, ms, before and during.
    pub pause_before_ms: f64,
    pub pause_during_ms: f64,
}

impl Figures {
    /// For the swap to `version`, landed at `landed` and logged as swapped
    /// at `swapped` (Unix seconds).
    pub fn of(outputs: &Outputs, version: &str, landed: f64, swapped: f64) -> Self {
        let serving = outputs
            .first_of(version)
            .unwrap_or_else(|| panic!("no output of version {version}"));
        assert!(
            serving > landed,
            "version {version} served before it landed ({serving} <= {landed})"
        );
        let end = serving + AFTER;
        Self {
            serving_ms: (serving - landed) * 1e3,
            swapped_ms: (swapped - landed) * 1e3,
            first_window_ms: (serving - swapped) * 1e3,
            before: outputs.count(landed - BEFORE, landed) as f64 / BEFORE,
            during: outputs.count(landed, end) as f64 / (end - landed),
            pause_before_ms: outputs.longest_pause(landed - BEFORE, landed) * 1e3,
            pause_during_ms: outputs.longest_pause(landed, end) * 1e3,
        }
    }

    /// Throughput during the swap / before it.
    pub fn ratio(&self) -> f64 {
        self.during / self.before
    }
}
