//! `cityhub replay --route R (--since RFC3339 | --after SEQ)`: runs a route
//! of a running host again from a time or log position
//! (`POST /v1/routes/{R}/replay`), then follows `GET /v1/routes/{R}` until
//! the route's position reaches the end of the log as it was when asked.

use std::{
    process::ExitCode,
    time::{Duration, Instant},
};

use serde::Deserialize;
use serde_json::json;

use crate::{
    client::{ServerArgs, block_on, segment},
    progress::Progress,
    table::thousands,
};

/// How often the route's position is read.
const POLL: Duration = Duration::from_millis(200);

/// Arguments of `replay`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("from").required(true).args(["since", "after"])))]
pub struct Args {
    /// The route to run again.
    #[arg(long, value_name = "ROUTE")]
    route: String,
    /// From the first event recorded at or after this time (RFC 3339, such
    /// as `2026-11-27T08:00:00+07:00`).
    #[arg(long, value_name = "RFC3339")]
    since: Option<String>,
    /// From the event after this log position (`0`: the whole log).
    #[arg(long, value_name = "SEQ")]
    after: Option<u64>,
    /// Return once the replay has started, without following it.
    #[arg(long)]
    no_wait: bool,
    #[command(flatten)]
    server: ServerArgs,
}

/// The answer of `POST /v1/routes/{R}/replay`.
#[derive(Debug, Deserialize)]
struct Started {
    from: i64,
    to: i64,
}

/// The parts of `GET /v1/routes/{R}` that show progress.
#[derive(Debug, Deserialize)]
struct RouteView {
    /// The plugin it delivers to.
    to: String,
    position: i64,
    suspended: bool,
    stats: Stats,
}

/// Counters since the route (re)started, which a replay does.
#[derive(Debug, Deserialize)]
struct Stats {
    dead_lettered: u64,
}

/// Prints the replay's range, progress on stderr, and a summary.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let client = args.server.client()?;
    let path = format!("/v1/routes/{}", segment(&args.route));
    let body = match (&args.since, args.after) {
        (Some(since), _) => json!({ "since": since }),
        (None, after) => json!({ "after": after.unwrap_or(0) }),
    };
    let route = &args.route;
    block_on(async {
        let start = Instant::now();
        let s: Started = client.post(&format!("{path}/replay"), Some(&body)).await?;
        let total = (s.to - s.from).max(0);
        if args.no_wait {
            println!(
                "replaying route `{route}` from log position {} to {} ({} events); `GET {path}` shows its progress (`position`)",
                s.from,
                s.to,
                thousands(total)
            );
            return Ok(ExitCode::SUCCESS);
        }
        let mut progress = Progress::new();
        let mut hinted = false;
        let r = loop {
            let r: RouteView = client.get(&path, &[]).await?;
            let done = (r.position - s.from).clamp(0, total);
            progress.update(&format!(
                "replaying route {route}: {}/{} ({}%)",
                thousands(done),
                thousands(total),
                percent(done, total)
            ));
            if r.position >= s.to {
                break r;
            }
            if r.suspended && !hinted {
                hinted = true;
                progress.note(&format!(
                    "route `{route}` is waiting: plugin `{}` is suspended by its circuit breaker; `cityhub plugin resume {}` resumes it now",
                    r.to, r.to
                ));
            }
            tokio::time::sleep(POLL).await;
        };
        progress.finish();
        let secs = start.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { total as f64 / secs } else { 0.0 };
        let dead = match r.stats.dead_lettered {
            0 => String::new(),
            n => format!(
                "; {} dead-lettered (`cityhub deadletters list --route {route}`)",
                thousands(i64::try_from(n).unwrap_or(i64::MAX))
            ),
        };
        println!(
            "replayed route `{route}`: {} events (log positions {} to {}) in {secs:.1} s ({} events/s){dead}",
            thousands(total),
            s.from,
            s.to,
            thousands(rate.round() as i64)
        );
        Ok(ExitCode::SUCCESS)
    })?
}

/// `done` of `total` in whole percent; an empty replay is complete.
fn percent(done: i64, total: i64) -> i64 {
    if total <= 0 { 100 } else { done * 100 / total }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percent_of_nothing_is_all() {
        assert_eq!(percent(0, 0), 100);
        assert_eq!(percent(12_000, 50_000), 24);
        assert_eq!(percent(50_000, 50_000), 100);
    }
}
