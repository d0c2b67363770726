//! `cityhub deadletters list`: `GET /v1/deadletters`, page after page, as a
//! table or as the API's JSON objects, one per line.

use std::process::ExitCode;

use anyhow::Context;

use super::{Letter, Query, Status};
use crate::{
    client::{ServerArgs, block_on},
    table,
};

/// Characters of the reason shown in the table (`--json` has all of it).
const REASON_WIDTH: usize = 60;

/// Arguments of `deadletters list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this route's letters.
    #[arg(long, value_name = "ROUTE")]
    route: Option<String>,
    /// Only letters in this status.
    #[arg(long, value_enum)]
    status: Option<Status>,
    /// At most this many letters (fetched in pages of up to 1,000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    limit: u64,
    /// Print each letter as the API's JSON object, one per line.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    server: ServerArgs,
}

/// Prints the letters oldest first; says on stderr when `--limit` cut the list short.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let client = args.server.client()?;
    let query = Query {
        route: args.route.as_deref(),
        status: args.status,
        after: None,
    };
    let fetched = block_on(async {
        let mut f = query.fetch(&client, args.limit, None).await?;
        if f.last_page_full {
            // One more look, so the hint below is only given when it is true.
            let last = f.letters.last().and_then(|l| l["id"].as_i64());
            let more = Query {
                after: last,
                ..query.clone()
            };
            f.last_page_full = !more.fetch(&client, 1, None).await?.letters.is_empty();
        }
        anyhow::Ok(f)
    })??;
    if args.json {
        for l in &fetched.letters {
            println!("{l}");
        }
    } else if fetched.letters.is_empty() {
        println!("no dead letters{}", described(&args));
    } else {
        let mut rows = Vec::with_capacity(fetched.letters.len());
        for v in &fetched.letters {
            let l: Letter = serde_json::from_value(v.clone()).with_context(|| {
                format!(
                    "the server at {} sent a dead letter this cityhub cannot read: {v}",
                    client.server()
                )
            })?;
            rows.push(row(l));
        }
        print!(
            "{}",
            table::render(
                &[
                    "ID",
                    "ROUTE",
                    "PLUGIN",
                    "SEQ",
                    "EVENT",
                    "FAILURE",
                    "ATTEMPTS",
                    "FAILED AT",
                    "STATUS",
                    "REASON"
                ],
                &rows
            )
        );
    }
    if fetched.last_page_full {
        eprintln!(
            "(the first {}; more follow: pass a larger `--limit`)",
            table::plural(fetched.letters.len(), "dead letter")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn row(l: Letter) -> Vec<String> {
    vec![
        l.id.to_string(),
        l.route,
        format!("{}@{}", l.plugin, l.plugin_version),
        l.seq.to_string(),
        table::truncate(&l.event.id, 40),
        l.failure,
        l.attempts.to_string(),
        whole_seconds(&l.failed_at),
        l.status,
        table::truncate(&l.reason, REASON_WIDTH),
    ]
}

/// `2026-11-27T08:00:00.123456Z` → `2026-11-27T08:00:00Z`: a table has no
/// room for microseconds (`--json` keeps them).
fn whole_seconds(t: &str) -> String {
    match t.find('.') {
        Some(dot) => {
            let rest = &t[dot + 1..];
            let zone = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            format!("{}{zone}", &t[..dot])
        }
        None => t.to_owned(),
    }
}

/// ` of route `x` in status `dead`` for the "none" line.
fn described(args: &Args) -> String {
    let mut s = String::new();
    if let Some(r) = &args.route {
        s.push_str(&format!(" of route `{r}`"));
    }
    if let Some(st) = args.status {
        s.push_str(&format!(" in status `{}`", st.as_str()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_lose_their_fraction_only() {
        assert_eq!(
            whole_seconds("2026-11-27T08:00:00.123456Z"),
            "2026-11-27T08:00:00Z"
        );
        assert_eq!(
            whole_seconds("2026-11-27T08:00:00.5+07:00"),
            "2026-11-27T08:00:00+07:00"
        );
        assert_eq!(
            whole_seconds("2026-11-27T08:00:00Z"),
            "2026-11-27T08:00:00Z"
        );
    }
}
