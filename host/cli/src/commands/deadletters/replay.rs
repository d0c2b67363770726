//! `cityhub deadletters replay ID... | --route R | --all [--wait]`: asks the
//! host to deliver `dead` letters again (`POST /v1/deadletters/{id}/replay`
//! or `POST /v1/deadletters/replay`), and with `--wait` follows them until
//! each is `replayed` or `dead` again.

use std::{
    collections::{BTreeMap, BTreeSet},
    process::ExitCode,
    time::{Duration, Instant},
};

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Letter, Query, Status};
use crate::{
    client::{ApiError, Client, ServerArgs, block_on},
    progress::Progress,
    table::plural,
};

/// How often `--wait` asks how the replay is going.
const POLL: Duration = Duration::from_millis(250);

/// How long nothing may change before `--wait` checks for a suspended plugin.
const STALLED: Duration = Duration::from_secs(2);

/// Arguments of `deadletters replay`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["ids", "route", "all"])))]
pub struct Args {
    /// The dead letters' ids (as `deadletters list` shows them).
    #[arg(value_name = "ID")]
    ids: Vec<i64>,
    /// Every `dead` letter of this route.
    #[arg(long, value_name = "ROUTE")]
    route: Option<String>,
    /// Every `dead` letter of every route.
    #[arg(long)]
    all: bool,
    /// Wait until each is `replayed` or `dead` again, showing progress; exit
    /// code 1 if any failed again.
    #[arg(long)]
    wait: bool,
    #[command(flatten)]
    server: ServerArgs,
}

/// The answer of both replay calls.
#[derive(Debug, Deserialize)]
struct Replaying {
    replaying: Vec<i64>,
}

/// Exit code 2 if the API refused any id (each refusal printed), else 1 if
/// `--wait` saw any fail again, else 0.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let client = args.server.client()?;
    block_on(replay(&client, args))?
}

async fn replay(client: &Client, args: Args) -> anyhow::Result<ExitCode> {
    let mut refused = false;
    let mut ids = BTreeSet::new();
    if let Some(route) = &args.route {
        let r: Replaying = client
            .post("/v1/deadletters/replay", Some(&json!({ "route": route })))
            .await?;
        ids.extend(r.replaying);
    } else if args.all {
        let r: Replaying = client
            .post("/v1/deadletters/replay", Some(&json!({})))
            .await?;
        ids.extend(r.replaying);
    } else {
        for id in &args.ids {
            let path = format!("/v1/deadletters/{id}/replay");
            match client.post::<Replaying>(&path, None).await {
                Ok(r) => ids.extend(r.replaying),
                // Refused (unknown, or not `dead`): say so, go on with the others.
                Err(e) => match e.downcast::<ApiError>() {
                    Ok(api) => {
                        eprintln!("error: {}", api.message);
                        refused = true;
                    }
                    Err(e) => return Err(e),
                },
            }
        }
    }
    // Every id refused: the errors above said it all.
    if !(refused && ids.is_empty()) {
        println!("{}", started(&ids, &args));
    }
    let mut code = if refused {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    };
    if args.wait && !ids.is_empty() {
        let outcome = wait(client, &ids, args.route.as_deref()).await?;
        println!("{}", outcome.summary(ids.len()));
        if !outcome.failed.is_empty() && !refused {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

/// `3 dead letters now replaying: 4, 5, 6`.
fn started(ids: &BTreeSet<i64>, args: &Args) -> String {
    if ids.is_empty() {
        return match (&args.route, args.all) {
            (Some(r), _) => {
                format!("0 dead letters now replaying: route `{r}` has none in status `dead`")
            }
            (None, true) => "0 dead letters now replaying: none is in status `dead`".to_owned(),
            (None, false) => "0 dead letters now replaying".to_owned(),
        };
    }
    let list: Vec<String> = ids.iter().take(20).map(i64::to_string).collect();
    let more = if ids.len() > 20 { ", …" } else { "" };
    format!(
        "{} now replaying: {}{more}",
        plural(ids.len(), "dead letter"),
        list.join(", ")
    )
}

/// How the letters asked for ended.
#[derive(Debug, Default)]
struct Outcome {
    /// `dead` again.
    failed: BTreeSet<i64>,
}

impl Outcome {
    fn summary(&self, total: usize) -> String {
        let ok = total - self.failed.len();
        if self.failed.is_empty() {
            return format!("replayed {ok}/{total}: every one delivered");
        }
        let ids: Vec<String> = self.failed.iter().take(20).map(i64::to_string).collect();
        format!(
            "replayed {ok}/{total}, {} failed again (now `dead`: {}); `cityhub deadletters list --status dead` shows why",
            self.failed.len(),
            ids.join(", ")
        )
    }
}

/// Polls until none of `ids` is `replaying`; shows progress meanwhile.
async fn wait(
    client: &Client,
    ids: &BTreeSet<i64>,
    route: Option<&str>,
) -> anyhow::Result<Outcome> {
    let (Some(&min), Some(&max)) = (ids.first(), ids.last()) else {
        return Ok(Outcome::default());
    };
    let mut progress = Progress::new();
    let mut hinted = BTreeSet::new();
    let mut last_change = (Instant::now(), usize::MAX);
    loop {
        // Still replaying (with their routes), then dead again: a letter
        // finishing between the two reads counts as still replaying.
        let still = ours(client, ids, Status::Replaying, route, min, max).await?;
        let dead = ours(client, ids, Status::Dead, route, min, max).await?;
        let failed: BTreeSet<i64> = dead
            .into_keys()
            .filter(|i| !still.contains_key(i))
            .collect();
        let finished = ids.len() - still.len();
        progress.update(&format!(
            "replayed {}/{}, {} failed again",
            finished - failed.len(),
            ids.len(),
            failed.len()
        ));
        if still.is_empty() {
            progress.finish();
            return Ok(Outcome { failed });
        }
        if last_change.1 != finished {
            last_change = (Instant::now(), finished);
        } else if last_change.0.elapsed() >= STALLED {
            let waiting: BTreeSet<&str> = still.values().map(String::as_str).collect();
            for (route, plugin) in suspended_routes(client).await? {
                if waiting.contains(route.as_str()) && hinted.insert(route.clone()) {
                    progress.note(&format!(
                        "route `{route}` is waiting: plugin `{plugin}` is suspended by its circuit breaker; `cityhub plugin resume {plugin}` resumes it now"
                    ));
                }
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Which of `ids` are in `status`, with their routes.
async fn ours(
    client: &Client,
    ids: &BTreeSet<i64>,
    status: Status,
    route: Option<&str>,
    min: i64,
    max: i64,
) -> anyhow::Result<BTreeMap<i64, String>> {
    let q = Query {
        route,
        status: Some(status),
        after: Some(min - 1),
    };
    let found = q.fetch(client, u64::MAX, Some(max)).await?;
    let mut out = BTreeMap::new();
    for v in found.letters {
        let l: Letter = serde_json::from_value(v)?;
        if ids.contains(&l.id) {
            out.insert(l.id, l.route);
        }
    }
    Ok(out)
}

/// `(route, plugin)` of each route whose plugin is suspended.
async fn suspended_routes(client: &Client) -> anyhow::Result<Vec<(String, String)>> {
    let v: Value = client.get("/v1/routes", &[]).await?;
    Ok(v["routes"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|r| r["suspended"] == true)
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (s("name"), s("to"))
        })
        .collect())
}
