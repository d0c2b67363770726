//! What the plugin remembers per directive, under `directive/<id>`: all it
//! needs to announce the directive's status and alert without its event
//! (title, agency, issuer, times), where the agency says it is, and whether
//! it is overdue. Times are Unix seconds. A done directive is kept until
//! `retention` has passed after it was done.

use cityhub_sdk::city::{Text, load_record, local_rfc3339};
use cityhub_sdk::{Context, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::directive::Progress;

/// State keys are this prefix and the directive id.
pub const KEY_PREFIX: &str = "directive/";

/// The value under `directive/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Record {
    /// What is asked.
    pub title: Text,
    /// The agency it is assigned to.
    pub agency: String,
    /// Who issued it.
    pub issued_by: String,
    /// When it was issued.
    pub issued_at: i64,
    /// When it is due.
    pub deadline: i64,
    /// Where the agency says it is.
    pub progress: Progress,
    /// When that was observed: events observed no later are not news.
    pub observed_at: i64,
    /// Whether its deadline passed before it was done (now, or when it was
    /// done).
    pub overdue: bool,
    /// Whether it is overdue now: counted in its agency's
    /// `directives-overdue`, its alert open, and not in the deadline index.
    pub counted: bool,
    /// When it was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<i64>,
}

impl Record {
    /// The status announced: `done`, `overdue` while it is overdue, or
    /// where the agency says it is.
    pub fn status(&self) -> &'static str {
        match self.progress {
            Progress::Done => "done",
            _ if self.counted => "overdue",
            other => other.as_str(),
        }
    }

    /// Whether `other` would announce the same status (all but
    /// `observedAt` equal).
    pub fn same_status(&self, other: &Record) -> bool {
        Record {
            observed_at: other.observed_at,
            ..self.clone()
        } == *other
    }
}

/// The state key of directive `id`.
pub fn key(id: &str) -> String {
    format!("{KEY_PREFIX}{id}")
}

/// Directive `id`'s record. An unreadable one is logged as an error naming
/// `event` and treated as absent.
pub fn load(ctx: &mut Context<'_>, id: &str, event: &Event<'_>) -> Option<Record> {
    load_record(ctx, &key(id), Some(event))
}

/// `secs` as RFC 3339 at +07:00.
pub fn local(secs: i64) -> String {
    local_rfc3339(Timestamp::new(secs, 0))
}
