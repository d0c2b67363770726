//! `cityhub demo`: the whole city on one command, from a fresh clone. Makes
//! its tokens ([`tokens`]: `source` for the simulator, `operator` for the
//! dashboard), builds and starts the host ([`host`]: `serve --config
//! city.toml --build` as a child of this binary, on embedded SQLite as
//! city.toml says), waits for `/healthz`, prints where to look with a
//! ready sign-in link, and runs the simulator: ordinary days
//! in every sector, and two simulated hours in, the fruit-season jam at
//! Hữu Nghị. Runs until Ctrl-C (or `--for`), then stops the simulator,
//! prints its summary, and stops the host gently.

mod host;
mod tokens;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use anyhow::Context;
use cityhub_config::CityConfig;

use super::simulate::{
    ReportsVia, SimTime,
    driver::{self, Plan},
    scenario::{Kind, Scenario},
};
use crate::progress::Progress;

/// Simulated time before the jam begins.
const LEAD_IN: i64 = 2 * 3600;

/// Arguments of `demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The city configuration.
    #[arg(long, short, default_value = "city.toml")]
    config: PathBuf,
    /// Simulated seconds per wall second (300: an hour every 12 s).
    #[arg(long, default_value_t = 300.0)]
    speed: f64,
    /// The simulator's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop by itself after this long (wall time), such as `2m`.
    #[arg(long = "for", value_name = "DURATION", value_parser = humantime::parse_duration)]
    run_for: Option<Duration>,
    /// The simulated start, RFC 3339 (default: now).
    #[arg(long)]
    start: Option<String>,
    /// Where the host listens; overrides `[server] listen`.
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Use the plugins as built (skip `--build`; the components must exist).
    #[arg(long)]
    no_build: bool,
    /// How the simulator sends citizens' field reports: `events` (to
    /// `/v1/events`, on simulated time) or `open311` (to the Open311
    /// endpoint, where the host stamps its wall clock: see `cityhub
    /// simulate --help`).
    #[arg(long, value_enum, default_value_t = ReportsVia::Events)]
    reports: ReportsVia,
}

/// Runs the demo until Ctrl-C or `--for`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(args.speed.is_finite() && args.speed > 0.0) {
        anyhow::bail!(
            "`--speed {}` must be a positive number of simulated seconds per second, such as 300",
            args.speed
        );
    }
    if !args.config.exists() {
        anyhow::bail!(
            "no `{}` here: run `cityhub demo` from the repository's root (where city.toml is), or pass `--config FILE`",
            args.config.display()
        );
    }
    let config = match CityConfig::load(&args.config) {
        Ok(c) => c,
        Err(d) => {
            eprintln!(
                "{d}\n\ncityhub demo: not starting; fix the errors above (`cityhub check` lists them too)"
            );
            return Ok(ExitCode::from(2));
        }
    };
    let start = match &args.start {
        Some(s) => SimTime::parse(s)?,
        None => SimTime::now(),
    };
    let listen = args.listen.unwrap_or(config.server.listen);
    let folder = args.config.parent().map(PathBuf::from).unwrap_or_default();
    let log = folder.join(".cityhub").join("demo-host.log");
    // The store the host will open (`serve` reads the same variable).
    let store = std::env::var("CITYHUB_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or(config.store_url);
    crate::client::block_on(demo(args, listen, log, start, store))?
}

async fn demo(
    args: Args,
    listen: SocketAddr,
    log: PathBuf,
    start: SimTime,
    store: String,
) -> anyhow::Result<ExitCode> {
    let tokens = tokens::make(&store).await?;
    let mut progress = Progress::new();
    let mut host =
        host::Host::start(&args.config, listen, !args.no_build, log, &mut progress).await?;
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let run_for = args.run_for;
    let stopper = tokio::spawn(async move {
        let timer = async {
            match run_for {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = timer => {}
        }
        let _ = stop_tx.send(true);
        // Keep the sender alive until the simulator has seen it.
        std::future::pending::<()>().await;
    });
    print!(
        "{}",
        where_to_look(&host, &tokens, &args.config, args.speed, start)
    );
    let plan = Plan {
        url: host.url.clone(),
        token: Some(tokens.simulator.clone()),
        seed: args.seed,
        speed: args.speed,
        rate: 5000.0,
        duration: None,
        events: None,
        start,
        scenario: Scenario {
            kind: Kind::BorderQueue,
            onset: start.plus(LEAD_IN),
        },
        reports: args.reports,
        record: None,
        dry_run: false,
    };
    let result = driver::simulate(&plan, stop, &mut progress).await;
    stopper.abort();
    let summary = result.context("the simulator stopped")?;
    print!("{}", summary.text());
    eprintln!("demo: stopping the host (its log: {})", host.log.display());
    host.stop();
    Ok(ExitCode::SUCCESS)
}

/// The block printed once the host answers.
fn where_to_look(
    host: &host::Host,
    tokens: &tokens::Tokens,
    config: &Path,
    speed: f64,
    start: SimTime,
) -> String {
    let u = &host.url;
    let hour = 3600.0 / speed;
    format!(
        "\ncityhub demo: Lạng Sơn simulated from {start} at {speed}× (a simulated hour every {hour:.0} s);\n\
         the fruit-season jam at Hữu Nghị (QL1A) begins {lead} simulated hours in (≈{lead_wall:.0} s from now).\n\n\
         Đăng nhập Trung tâm điều hành (mã cán bộ điều hành `{operator_name}`, chỉ hiện lần này):\n\
         Sign in to the operations centre (the operator token `{operator_name}`, shown only now):\n\
         \x20 {u}/#token={operator}\n\n\
         \x20 dashboard        {u}/   (Vietnamese; the language button switches to English)\n\
         \x20 ops API          {u}/v1/ops/alerts, kpis, incidents, map, health\n\
         \x20 live events      {u}/v1/stream?type=city.ioc.>   (server-sent events)\n\
         \x20 the log          {u}/v1/events?type=city.ioc.alert   (any type pattern: city.>, city.traffic.>)\n\
         \x20 field reports    {u}/open311/v2/requests.json\n\
         \x20 API document     {u}/v1/openapi.json\n\
         \x20 metrics          {u}/metrics\n\
         \x20 host log         {log}\n\n\
         The API needs a token too (`Authorization: Bearer`); an admin's, for every endpoint:\n\
         \x20 cityhub token create --role admin --name your-name --config {config}\n\n\
         Ctrl-C stops the simulator, then the host.\n\n",
        operator = tokens.operator,
        operator_name = tokens::OPERATOR,
        config = config.display(),
        start = start.rfc3339(),
        lead = LEAD_IN / 3600,
        lead_wall = LEAD_IN as f64 / speed,
        log = host.log.display(),
    )
}
