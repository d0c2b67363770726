//! `cityhub bench`: a load generator that drives this very binary
//! (`cityhub serve`, started as a child process per run) over HTTP and
//! reports throughput and latency, on SQLite and on PostgreSQL.
//!
//! Every figure is measured against a baseline taken in the same run: the
//! same requests to a host with no routes, which only accepts and stores
//! them (`x baseline` in the report). Each run gets a fresh host and a fresh
//! store: a SQLite file in a temporary folder, or a new PostgreSQL database
//! (`cityhub_bench_<pid>_<n>`, dropped afterwards).
//!
//! The scenarios ([`Scenario`]): readings through the traffic plugin in
//! batches of 100 per request and one per request (throughput: events sent
//! ÷ time from the first request to the route's position reaching the last
//! event); the same at a fixed rate (latency: HTTP `202` client-side, and
//! log arrival → outputs committed from the route's delivery histogram); and
//! a two-plugin chain with fan-out (traffic → alerts, and a tap on the
//! hostile test plugin).
//!
//! Files: [`session`] runs the scenarios, [`city`] writes each run's
//! city.toml, [`store`] makes its store, [`server`] runs the host,
//! [`workload`] makes the readings, [`load`] sends them and watches the
//! routes, [`report`] prints and saves the results.

mod city;
mod load;
mod report;
mod server;
mod session;
mod store;
mod workload;

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::{Context, bail};
use serde_json::json;

use self::{
    city::{Components, RouteSettings},
    report::Backend,
    session::Session,
};
use super::plugin::build;
use crate::progress::Progress;

/// The PostgreSQL server the scenario databases are made on, by default.
const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Arguments of `bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stores to measure on.
    #[arg(long, value_enum, default_value_t = BackendChoice::Both)]
    backend: BackendChoice,
    /// A PostgreSQL database to connect to; each run creates (and drops) a
    /// database of its own on that server.
    #[arg(long, value_name = "URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    /// Events per throughput run in batch mode (`batch`, `chain`).
    #[arg(long, value_name = "N", default_value_t = 200_000)]
    events: u64,
    /// Events of the one-per-request run (`single`); default: a quarter of `--events`.
    #[arg(long, value_name = "N")]
    single_events: Option<u64>,
    /// Concurrent HTTP connections of the throughput runs.
    #[arg(long, value_name = "C", default_value_t = 32)]
    clients: usize,
    /// Events per second of the fixed-rate (`latency`) run.
    #[arg(long, value_name = "EVENTS_PER_S", default_value_t = 20_000.0)]
    rate: f64,
    /// How long the fixed-rate run lasts, in seconds.
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    seconds: f64,
    /// Events per request of the fixed-rate run (one request every
    /// `N / rate` seconds).
    #[arg(long, value_name = "N", default_value_t = 20)]
    paced_batch: u64,
    /// The cityhub checkout holding `plugins/traffic`, `plugins/alerts` and
    /// `tests/plugins/hostile` (each with its `plugin.wasm` once built).
    #[arg(long, value_name = "DIR", default_value = ".")]
    plugins: PathBuf,
    /// Build the three plugins first (`cityhub plugin build` on each).
    #[arg(long)]
    build: bool,
    /// Use this component for plugin NAME (`traffic`, `alerts`, `hostile`)
    /// instead of its folder's `plugin.wasm`; may be repeated.
    #[arg(long = "component", value_name = "NAME=PATH", value_parser = parse_component)]
    components: Vec<(String, PathBuf)>,
    /// The scenarios to run (default: all), comma-separated.
    #[arg(long, value_enum, value_delimiter = ',')]
    scenarios: Vec<Scenario>,
    /// `batch-size` of the readings route.
    #[arg(long, value_name = "N", default_value_t = RouteSettings::default().batch_size)]
    batch_size: u32,
    /// `concurrency` of the readings route (lanes by `data.refRoadSegment`).
    #[arg(long, value_name = "N", default_value_t = RouteSettings::default().concurrency)]
    concurrency: u32,
    /// `linger` of the readings route, such as `2ms`.
    #[arg(long, value_name = "DURATION", default_value = "0ms", value_parser = humantime::parse_duration)]
    linger: Duration,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// Which stores `--backend` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum BackendChoice {
    Sqlite,
    Postgres,
    Both,
}

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scenario {
    /// Readings → traffic plugin → stored outputs, 100 events per request.
    Batch,
    /// The same, one event per request.
    Single,
    /// The same at a fixed rate: HTTP and delivery latency.
    Latency,
    /// Readings → traffic → congestion → alerts and → a tap (hostile).
    Chain,
}

fn parse_component(s: &str) -> Result<(String, PathBuf), String> {
    let (name, path) = s.split_once('=').ok_or_else(|| {
        format!("expected NAME=PATH, such as `traffic=target/traffic.wasm`: got `{s}`")
    })?;
    if !["traffic", "alerts", "hostile"].contains(&name) {
        return Err(format!(
            "`{name}` is not a plugin of the bench: use `traffic`, `alerts` or `hostile`"
        ));
    }
    Ok((name.to_owned(), PathBuf::from(path)))
}

/// Runs the selected scenarios on the selected stores, prints the report
/// (and writes `--json`). Exit code 0 whether or not targets are met: a
/// benchmark reports, it does not judge.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if cfg!(debug_assertions) {
        eprintln!(
            "\n!!! WARNING: this `cityhub` is a DEBUG build: every figure below is meaningless.\n\
             !!! Run the bench as `cargo run --release -p cityhub -- bench --build`.\n"
        );
    }
    check(&args)?;
    let scenarios = if args.scenarios.is_empty() {
        vec![
            Scenario::Batch,
            Scenario::Single,
            Scenario::Latency,
            Scenario::Chain,
        ]
    } else {
        args.scenarios.clone()
    };
    let root = &args.plugins;
    if args.build {
        for name in ["traffic", "alerts", "hostile"] {
            if args.components.iter().all(|(n, _)| n != name) {
                build::build(&Components::dir(root, name))?;
            }
        }
    }
    let components = Components::locate(root, &args.components)?;
    let route = RouteSettings {
        batch_size: args.batch_size,
        concurrency: args.concurrency,
        linger: args.linger,
    };
    let backends = match args.backend {
        BackendChoice::Sqlite => vec![Backend::Sqlite],
        BackendChoice::Postgres => vec![Backend::Postgres],
        BackendChoice::Both => vec![Backend::Sqlite, Backend::Postgres],
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    if backends.contains(&Backend::Postgres) {
        rt.block_on(store::check_postgres(&args.database_url))?;
    }
    let tmp = tempfile::Builder::new()
        .prefix("cityhub-bench-")
        .tempdir()
        .context("creating a temporary folder")?;
    eprintln!("{}", report::settings(&route, &args_summary(&args)));
    let mut session = Session {
        args: &args,
        rt: &rt,
        dir: tmp.path(),
        components,
        route,
        runs: 0,
        progress: Progress::new(),
        http: load::http_client()?,
    };
    let mut outcomes = Vec::new();
    for backend in backends {
        outcomes.extend(session.backend(backend, &scenarios)?);
    }
    session.progress.finish();
    println!("{}", report::table(&outcomes));
    if cfg!(debug_assertions) {
        println!(
            "!!! a DEBUG build measured these: rerun with `cargo run --release -p cityhub -- bench --build`"
        );
    }
    if let Some(file) = &args.json {
        let doc = report::json(&outcomes, &route, &args_summary(&args));
        let text = serde_json::to_string_pretty(&doc).context("encoding the results")?;
        std::fs::write(file, text + "\n")
            .with_context(|| format!("writing `{}`", file.display()))?;
        eprintln!("results written to {}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn check(args: &Args) -> anyhow::Result<()> {
    if args.clients == 0 || args.clients > workload::SEGMENTS {
        bail!(
            "`--clients` must be 1 to {} (each client owns its road segments)",
            workload::SEGMENTS
        );
    }
    if args.events < 100 || args.single_events.is_some_and(|n| n == 0) {
        bail!("`--events` must be at least 100 and `--single-events` at least 1");
    }
    if !(args.rate > 0.0 && args.seconds > 0.0 && args.paced_batch > 0) {
        bail!("`--rate`, `--seconds` and `--paced-batch` must be above 0");
    }
    Ok(())
}

/// The load settings, for the report.
fn args_summary(args: &Args) -> serde_json::Value {
    json!({
        "events": args.events,
        "single_events": single_events(args),
        "clients": args.clients,
        "rate": args.rate,
        "seconds": args.seconds,
        "paced_batch": args.paced_batch,
        "segments": workload::SEGMENTS,
        "build": if cfg!(debug_assertions) { "debug" } else { "release" },
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
    })
}

/// Events of the one-per-request runs.
fn single_events(args: &Args) -> u64 {
    args.single_events.unwrap_or((args.events / 4).max(1))
}
