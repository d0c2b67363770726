//! `cityhub audit`: the audit log from the command line, offline (reads the
//! store of `--config city.toml` or `--database-url`): who did what, when,
//! from where, oldest first.

use std::process::ExitCode;

use anyhow::Context;
use cityhub_api::routes::audit::AuditView;
use cityhub_cloudevents::Timestamp;
use cityhub_store::{AuditQuery, MAX_AUDIT_LIMIT};

use super::token::StoreArgs;
use crate::table;

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this action, e.g. `token.created`, `auth.failed`.
    #[arg(long)]
    action: Option<String>,
    /// Only this actor, e.g. `token:ops-admin`, `cli:alice`.
    #[arg(long)]
    actor: Option<String>,
    /// Only records at or after this RFC 3339 time.
    #[arg(long, value_parser = parse_time)]
    since: Option<Timestamp>,
    /// At most this many (1 to 10000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_AUDIT_LIMIT)))]
    limit: u32,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    store: StoreArgs,
}

fn parse_time(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse(s)
        .map_err(|e| format!("an RFC 3339 time such as 2026-11-27T08:00:00+07:00: {e}"))
}

/// Prints the matching records.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let records = rt.block_on(async {
        let store = args.store.open().await?;
        let records = store
            .audit_log(&AuditQuery {
                after: 0,
                actor: args.actor.clone(),
                action: args.action.clone(),
                since: args.since.clone(),
                limit: args.limit,
            })
            .await;
        store.close().await;
        anyhow::Ok(records?)
    })?;
    if args.json {
        for r in records {
            println!("{}", serde_json::to_string(&AuditView::from(r))?);
        }
    } else {
        let rows: Vec<Vec<String>> = records
            .iter()
            .map(|r| {
                vec![
                    r.seq.to_string(),
                    r.at.to_string(),
                    r.actor.clone(),
                    r.action.clone(),
                    table::truncate(&r.target, 40),
                    r.origin.clone(),
                    table::truncate(&r.detail.to_string(), 60),
                ]
            })
            .collect();
        print!(
            "{}",
            table::render(
                &["SEQ", "AT", "ACTOR", "ACTION", "TARGET", "ORIGIN", "DETAIL"],
                &rows
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}
