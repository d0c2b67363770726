//! `cityhub deadletters list|replay`: the events a running host's routes
//! gave up on (`/v1/deadletters`), and asking for them to be delivered again.

mod list;
mod replay;

use std::process::ExitCode;

use clap::Subcommand;
use serde::Deserialize;
use serde_json::Value;

use crate::client::Client;

/// Dead-letter subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List dead letters as a table (or JSON lines), oldest first.
    List(list::Args),
    /// Ask for dead letters to be delivered again: by id, a route's, or all.
    Replay(replay::Args),
}

/// Runs a dead-letter subcommand.
pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::List(args) => list::run(args),
        Command::Replay(args) => replay::run(args),
    }
}

/// A dead letter's status, as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Status {
    /// Given up, waiting for someone to look.
    Dead,
    /// Replay asked for; the route will deliver it again.
    Replaying,
    /// Replayed successfully.
    Replayed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::Dead => "dead",
            Self::Replaying => "replaying",
            Self::Replayed => "replayed",
        }
    }
}

/// One page of `GET /v1/deadletters`. The letters stay JSON so that
/// `list --json` prints them exactly as the API sent them.
#[derive(Debug, Deserialize)]
struct Page {
    deadletters: Vec<Value>,
    next: Option<i64>,
}

/// The fields of a dead letter the commands show.
#[derive(Debug, Deserialize)]
struct Letter {
    id: i64,
    route: String,
    plugin: String,
    plugin_version: String,
    seq: i64,
    failure: String,
    reason: String,
    attempts: u64,
    failed_at: String,
    status: String,
    event: Event,
}

#[derive(Debug, Deserialize)]
struct Event {
    id: String,
}

/// The most letters one request asks for (the API's cap).
const PAGE: u64 = 1000;

/// A search of dead letters: conditions combine, ids above `after`.
#[derive(Debug, Default, Clone)]
struct Query<'a> {
    route: Option<&'a str>,
    status: Option<Status>,
    after: Option<i64>,
}

impl Query<'_> {
    fn params(&self, limit: u64) -> Vec<(&'static str, String)> {
        let mut q = vec![("limit", limit.to_string())];
        if let Some(r) = self.route {
            q.push(("route", r.to_owned()));
        }
        if let Some(s) = self.status {
            q.push(("status", s.as_str().to_owned()));
        }
        if let Some(a) = self.after {
            q.push(("after", a.to_string()));
        }
        q
    }

    /// Up to `limit` letters matching the query, oldest first, following
    /// `next` page by page. Stops early once a letter's id passes `up_to`.
    async fn fetch(
        &self,
        client: &Client,
        limit: u64,
        up_to: Option<i64>,
    ) -> anyhow::Result<Fetched> {
        let mut q = self.clone();
        let mut letters = Vec::new();
        loop {
            let ask = (limit - letters.len() as u64).min(PAGE);
            let page: Page = client.get("/v1/deadletters", &q.params(ask)).await?;
            let got = page.deadletters.len() as u64;
            letters.extend(page.deadletters);
            let passed = up_to.is_some_and(|max| page.next.is_some_and(|n| n >= max));
            let Some(next) = page.next.filter(|_| got == ask && !passed) else {
                return Ok(Fetched {
                    letters,
                    last_page_full: false,
                });
            };
            if letters.len() as u64 >= limit {
                return Ok(Fetched {
                    letters,
                    last_page_full: true,
                });
            }
            q.after = Some(next);
        }
    }
}

/// What [`Query::fetch`] found.
#[derive(Debug)]
struct Fetched {
    letters: Vec<Value>,
    /// It stopped at the limit with a full page: more may follow.
    last_page_full: bool,
}
