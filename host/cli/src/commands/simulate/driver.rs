//! [`simulate`]: steps the [`World`] minute by minute, holds each minute
//! back until it is due on the wall clock ([`Pace`]), sends it
//! ([`Sender`]), records it, shows progress, and sums up.
//!
//! Called by `cityhub simulate` and by `cityhub demo` (which stops it with
//! `stop`). A dry run ignores the pace: it generates as fast as it can.

use std::{path::PathBuf, time::Duration};

use serde_json::Value;
use tokio::{sync::watch, time::Instant};

use super::{
    clock::{Pace, SimTime},
    event::ReportsVia,
    post::{MAX_BATCH, Sender},
    record::Recorder,
    scenario::{self, Kind, Scenario},
    summary::{Counts, Summary},
    world::World,
};
use crate::{progress::Progress, table::thousands};

/// What to simulate and where to send it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The host, `http://host:port`.
    pub url: String,
    /// The API token (role `source`), if the host asks for one.
    pub token: Option<String>,
    pub seed: u64,
    /// Simulated seconds per wall second.
    pub speed: f64,
    /// Most events per wall second.
    pub rate: f64,
    /// Simulated time to cover (its last minute included, so that a count
    /// due at the end is made); `None`: until `events` or `stop`.
    pub duration: Option<Duration>,
    /// Most events to generate.
    pub events: Option<u64>,
    pub start: SimTime,
    pub scenario: Scenario,
    /// How field reports are sent (`--reports`).
    pub reports: ReportsVia,
    pub record: Option<PathBuf>,
    pub dry_run: bool,
}

/// Runs `plan` until its duration or event count is reached or `stop`
/// turns true; returns the summary.
pub async fn simulate(
    plan: &Plan,
    mut stop: watch::Receiver<bool>,
    progress: &mut Progress,
) -> anyhow::Result<Summary> {
    let mut sender = Sender::new(&plan.url, plan.token.as_deref(), plan.rate)?;
    if !plan.dry_run {
        sender.check().await?;
    }
    let mut recorder = plan.record.as_deref().map(Recorder::create).transpose()?;
    let mut world = World::new(plan.seed, plan.scenario, plan.start, plan.reports);
    let end = plan.duration.map(|d| plan.start.plus(d.as_secs() as i64));
    let pace = Pace::new(plan.start, plan.speed);
    let wall = Instant::now();
    let mut jam_events: Vec<Value> = Vec::new();
    let mut generated: u64 = 0;
    let mut buffer = Vec::new();
    let mut shown = Instant::now();
    loop {
        let limit_reached = plan.events.is_some_and(|n| generated >= n);
        if *stop.borrow() || limit_reached || end.is_some_and(|e| world.now() > e) {
            break;
        }
        let mut minute = world.minute();
        if let Some(n) = plan.events {
            minute.truncate((n - generated) as usize);
        }
        generated += minute.len() as u64;
        buffer.extend(minute);
        if plan.dry_run {
            let events: Vec<Value> = buffer.drain(..).map(|o| o.json().clone()).collect();
            events.iter().for_each(|e| sender.counts.accept(e, false));
            keep_jam(&plan.scenario, &events, &mut jam_events);
            if let Some(r) = &mut recorder {
                r.write(&events)?;
            }
            continue;
        }
        // Send when this minute is due, unless the next is due already too
        // and the batch has room.
        let due = pace.due(world.now());
        if buffer.len() < MAX_BATCH && pace.due(world.now().plus(60)) <= Instant::now() {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep_until(due) => {}
            Ok(()) = stop.changed() => {}
        }
        let stored = sender.send(std::mem::take(&mut buffer)).await?;
        keep_jam(&plan.scenario, &stored, &mut jam_events);
        if let Some(r) = &mut recorder {
            r.write(&stored)?;
        }
        if shown.elapsed() >= Duration::from_millis(250) {
            shown = Instant::now();
            progress.update(&line(plan, world.now(), &sender.counts));
        }
    }
    if !buffer.is_empty() {
        let stored = sender.send(buffer).await?;
        keep_jam(&plan.scenario, &stored, &mut jam_events);
        if let Some(r) = &mut recorder {
            r.write(&stored)?;
        }
    }
    if let Some(r) = &mut recorder {
        r.finish()?;
    }
    progress.finish();
    Ok(Summary {
        scenario: plan.scenario.kind.name(),
        reports: plan.reports,
        seed: plan.seed,
        dry_run: plan.dry_run,
        simulated_from: plan.start.rfc3339(),
        simulated_to: world.now().rfc3339(),
        simulated_seconds: world.now().since(plan.start),
        wall_seconds: wall.elapsed().as_secs_f64(),
        generated,
        counts: sender.counts,
        figures: (plan.scenario.kind == Kind::BorderQueue)
            .then(|| scenario::figures(&jam_events, scenario::GATE, scenario::ROAD))
            .flatten(),
    })
}

/// Keeps the events the scenario's figures are computed from.
fn keep_jam(s: &Scenario, events: &[Value], kept: &mut Vec<Value>) {
    if s.kind != Kind::BorderQueue {
        return;
    }
    kept.extend(
        events
            .iter()
            .filter(|e| {
                matches!(
                    e["type"].as_str(),
                    Some("city.ecommerce.declaration" | "city.fieldreport.submitted")
                ) || (e["type"] == "city.traffic.gate-count" && e["data"]["gate"] == scenario::GATE)
            })
            .cloned(),
    );
}

fn line(plan: &Plan, now: SimTime, c: &Counts) -> String {
    let of = plan
        .duration
        .map(|d| {
            format!(
                " of {}",
                humantime::format_duration(Duration::from_secs(d.as_secs()))
            )
        })
        .unwrap_or_default();
    let elapsed =
        humantime::format_duration(Duration::from_secs(now.since(plan.start).max(0) as u64));
    format!(
        "simulate {}: {} (+{elapsed}{of}) · {} events sent · {} rejected · {} retries",
        plan.scenario.kind.name(),
        now.rfc3339(),
        thousands(c.total_accepted() as i64),
        thousands(c.total_rejected() as i64),
        thousands(c.retries as i64),
    )
}
