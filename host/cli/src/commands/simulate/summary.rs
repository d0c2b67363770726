//! What a run did: [`Counts`] kept while sending, and the [`Summary`]
//! printed at the end (text, or JSON with `--json`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::{event::ReportsVia, scenario::Figures};
use crate::table::thousands;

/// The most distinct rejection messages kept.
const KEPT_MESSAGES: usize = 5;

/// Events by what happened to them.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Counts {
    /// Accepted (or, in a dry run, generated), by type.
    pub accepted: BTreeMap<String, u64>,
    /// Already stored before (same source and id).
    pub duplicates: u64,
    /// Refused by the host, by type.
    pub rejected: BTreeMap<String, u64>,
    /// The first few distinct reasons.
    pub rejections: Vec<String>,
    /// Requests sent again after `429`/`503` or a lost connection.
    pub retries: u64,
    pub requests: u64,
}

impl Counts {
    /// Counts `event` as stored.
    pub fn accept(&mut self, event: &Value, duplicate: bool) {
        *self.accepted.entry(ty(event)).or_default() += 1;
        self.duplicates += u64::from(duplicate);
    }

    /// Counts `event` as refused, for `why`.
    pub fn reject(&mut self, event: &Value, why: String) {
        let ty = ty(event);
        let why = format!("{ty}: {why}");
        if self.rejections.len() < KEPT_MESSAGES && !self.rejections.contains(&why) {
            self.rejections.push(why);
        }
        *self.rejected.entry(ty).or_default() += 1;
    }

    /// Every event dealt with.
    pub fn sent(&self) -> u64 {
        self.accepted.values().sum::<u64>() + self.rejected.values().sum::<u64>()
    }

    pub fn total_accepted(&self) -> u64 {
        self.accepted.values().sum()
    }

    pub fn total_rejected(&self) -> u64 {
        self.rejected.values().sum()
    }
}

fn ty(event: &Value) -> String {
    event["type"].as_str().unwrap_or("(no type)").to_owned()
}

/// The end of a run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub scenario: &'static str,
    /// How field reports were sent (`--reports`).
    pub reports: ReportsVia,
    pub seed: u64,
    pub dry_run: bool,
    /// Simulated span: the run's start and where it stopped.
    pub simulated_from: String,
    pub simulated_to: String,
    pub simulated_seconds: i64,
    pub wall_seconds: f64,
    pub generated: u64,
    pub counts: Counts,
    /// The border-queue scenario's end state, from the events stored.
    pub figures: Option<Figures>,
}

impl Summary {
    /// The summary for people.
    pub fn text(&self) -> String {
        let c = &self.counts;
        let verb = if self.dry_run {
            "generated (dry run, nothing posted)"
        } else {
            "accepted"
        };
        let mut out = format!(
            "simulated `{}` (seed {}, `--reports {}`) from {} to {} ({}) in {:.1} s\n{} events {verb}",
            self.scenario,
            self.seed,
            self.reports.name(),
            self.simulated_from,
            self.simulated_to,
            span(self.simulated_seconds),
            self.wall_seconds,
            thousands(c.total_accepted() as i64),
        );
        if !self.dry_run {
            out.push_str(&format!(
                " ({} already stored), {} rejected, {} retries, {} requests",
                thousands(c.duplicates as i64),
                thousands(c.total_rejected() as i64),
                thousands(c.retries as i64),
                thousands(c.requests as i64)
            ));
        }
        out.push('\n');
        let width = c
            .accepted
            .keys()
            .chain(c.rejected.keys())
            .map(String::len)
            .max()
            .unwrap_or(0);
        let types: std::collections::BTreeSet<&String> =
            c.accepted.keys().chain(c.rejected.keys()).collect();
        for t in types {
            out.push_str(&format!(
                "  {t:<width$}  {:>7}",
                thousands(c.accepted.get(t).copied().unwrap_or(0) as i64)
            ));
            if let Some(r) = c.rejected.get(t) {
                out.push_str(&format!("  ({} rejected)", thousands(*r as i64)));
            }
            out.push('\n');
        }
        for r in &c.rejections {
            out.push_str(&format!("rejected: {r}\n"));
        }
        if let Some(f) = &self.figures {
            out.push_str(&format!(
                "border queue at {} ({}) at {}: {} trucks waiting, growing {}/h, cleared {}/h; \
                 {} t of perishable cargo waiting ({} declarations); {} field reports naming {}\n",
                super::places::gate(&f.gate).map_or(f.gate.as_str(), |g| g.name),
                f.road,
                f.observed_at,
                thousands(f.queue_length),
                f.growth_per_hour,
                f.clearance_per_hour,
                f.perishable_tonnes,
                f.waiting_declarations,
                f.reports,
                f.road
            ));
        }
        out
    }
}

/// `6h`, `1h30m`, `45m`.
fn span(secs: i64) -> String {
    let (h, m) = (secs / 3600, secs / 60 % 60);
    match (h, m) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}
