//! `cityhub simulate`: a seeded, time-compressed Lạng Sơn posting realistic
//! events to a running host over HTTP: traffic sensors and border gates,
//! produce orders and border-trade declarations, tourism, hospitals,
//! schools, one-stop-shop dossiers, directives, and citizens' field reports.
//! Every input type of `plugins/README.md`, with full Vietnamese
//! diacritics, `time` = simulated time in `+07:00`.
//!
//! Field reports (`--reports`, [`ReportsVia`]) go by default as
//! `city.fieldreport.submitted` events in the batches to `/v1/events`, with
//! `requested_datetime` = simulated time and a simulator id as
//! `service_request_id`, so SLA, overdue and the IOC's 24-hour window run
//! on the same clock as everything else (the host's `[ingest] accepts` must
//! admit the type). `--reports open311` posts them form-encoded to the
//! host's Open311 endpoint instead, as a citizen's app would; GeoReport v2
//! has no field for a report's time, so the host stamps
//! `requested_datetime` with its wall clock, and reports then fall outside
//! the simulated day (use it to exercise the endpoint, not the scenario).
//!
//! The same `--seed` and `--start` give byte-identical events, ids
//! included. `--scenario border-queue` adds the fruit-season jam at Hữu
//! Nghị ([`scenario`]); its end figures are printed and can be recomputed
//! from `--record`.
//!
//! The parts: [`places`] (geography), [`sectors`] (one generator per
//! sector), [`world`] (all of them, minute by minute), [`clock`]
//! (compressed time), [`post`] (HTTP), [`record`], [`summary`],
//! [`driver`] (the loop).

mod clock;
pub mod driver;
mod event;
mod places;
mod post;
mod record;
mod rng;
pub mod scenario;
mod sectors;
mod summary;
mod world;

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::bail;

pub use clock::SimTime;
pub use event::ReportsVia;

use crate::progress::Progress;

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The running host's URL.
    #[arg(long, env = "CITYHUB_SERVER", default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The API token sent as `Authorization: Bearer` (role `source`,
    /// `integrator` or `admin`; an admin makes one with `cityhub token
    /// create --role source --name NAME`). Not needed with `--dry-run`.
    #[arg(
        long,
        env = "CITYHUB_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// The seed: the same seed and `--start` give the same events.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Simulated seconds per wall second (600: an hour in 6 s).
    #[arg(long, default_value_t = 600.0)]
    speed: f64,
    /// The most events to post per wall second.
    #[arg(long, default_value_t = 1000.0)]
    rate: f64,
    /// Simulated time to cover, such as `6h` (default `6h` when `--events`
    /// is not given either).
    #[arg(long, value_parser = humantime::parse_duration)]
    duration: Option<Duration>,
    /// Stop after this many events.
    #[arg(long)]
    events: Option<u64>,
    /// The simulated start, RFC 3339 (default: now), floored to the minute.
    #[arg(long)]
    start: Option<String>,
    /// What happens in the province.
    #[arg(long, value_enum, default_value_t = scenario::Kind::Normal)]
    scenario: scenario::Kind,
    /// How citizens' field reports reach the host (with `open311` the host
    /// stamps them with its wall clock, not simulated time).
    #[arg(long, value_enum, default_value_t = ReportsVia::Events)]
    reports: ReportsVia,
    /// Write every event stored (in a dry run, generated) to FILE as JSON lines.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Generate (and record) without posting anything, as fast as possible.
    #[arg(long)]
    dry_run: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `cityhub simulate`; exit code 1 if the host rejected any event.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(args.speed.is_finite() && args.speed > 0.0) {
        bail!(
            "`--speed {}` must be a positive number of simulated seconds per second, such as 600",
            args.speed
        );
    }
    if args.rate.is_nan() || args.rate <= 0.0 {
        bail!(
            "`--rate {}` must be a positive number of events per second, such as 1000",
            args.rate
        );
    }
    if args.duration.is_some_and(|d| d.as_secs() < 60) {
        bail!("`--duration` must be at least a minute of simulated time, such as `6h`");
    }
    let start = match &args.start {
        Some(s) => SimTime::parse(s)?,
        None => SimTime::now(),
    };
    let duration = match (args.duration, args.events) {
        (None, None) => Some(Duration::from_secs(6 * 3600)),
        (d, _) => d,
    };
    let plan = driver::Plan {
        url: args.url.trim_end_matches('/').to_owned(),
        token: args.token,
        seed: args.seed,
        speed: args.speed,
        rate: args.rate,
        duration,
        events: args.events,
        start,
        scenario: scenario::Scenario {
            kind: args.scenario,
            onset: start,
        },
        reports: args.reports,
        record: args.record,
        dry_run: args.dry_run,
    };
    let summary = crate::client::block_on(async {
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        let ctrl_c = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = stop_tx.send(true);
            }
        });
        let result = driver::simulate(&plan, stop, &mut Progress::new()).await;
        ctrl_c.abort();
        result
    })??;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", summary.text());
    }
    Ok(if summary.counts.total_rejected() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
