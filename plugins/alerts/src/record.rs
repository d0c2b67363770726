//! What the plugin remembers per road segment: `open/<segment>` while the
//! segment's alert is open (its priority and when it opened), then
//! `closed/<segment>` (when it was resolved) in its place. A segment never
//! alerted has neither. Both are small JSON records: alerts are rare, and
//! readable state is worth more here than the bytes.
//!
//! Each record holds the `observedAt` of the congestion that wrote it, so a
//! congestion event that is not newer (a redelivery, or a dead letter
//! replayed after the segment moved on) can be told apart and skipped.

use cityhub_sdk::{Context, Event, Timestamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::alert::Priority;

/// The key of a segment's open alert: this prefix and the segment id.
pub const OPEN_PREFIX: &str = "open/";
/// The key of a segment's resolved alert: this prefix and the segment id.
pub const CLOSED_PREFIX: &str = "closed/";

/// The value under `open/<segment>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Opened {
    /// The priority the alert opened with; its resolution keeps it.
    pub priority: Priority,
    /// When the congestion that opened it was observed, RFC 3339.
    pub observed_at: String,
}

/// The value under `closed/<segment>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Closed {
    /// When the congestion that resolved it was observed, RFC 3339.
    pub observed_at: String,
}

/// A segment's alert, as state has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// The segment was never alerted (or its record was unreadable).
    None,
    /// An alert is open. `None` fields: the record was unreadable.
    Open {
        /// The priority it opened with.
        priority: Option<Priority>,
        /// When the congestion that opened it was observed.
        since: Option<Timestamp>,
    },
    /// The segment's last alert was resolved by congestion observed then.
    Closed(Timestamp),
}

impl Record {
    /// Reads `segment`'s record. An unreadable `open/` record still counts as
    /// an open alert (so it can be resolved), an unreadable `closed/` one as
    /// none; both are logged as errors naming `event`.
    pub fn load(ctx: &mut Context<'_>, segment: &str, event: &Event<'_>) -> Record {
        match read::<Opened>(ctx, &key(OPEN_PREFIX, segment), event, |o| &o.observed_at) {
            Some(Some((opened, since))) => Record::Open {
                priority: Some(opened.priority),
                since: Some(since),
            },
            Some(None) => Record::Open {
                priority: None,
                since: None,
            },
            None => {
                match read::<Closed>(ctx, &key(CLOSED_PREFIX, segment), event, |c| &c.observed_at) {
                    Some(Some((_, at))) => Record::Closed(at),
                    Some(None) | None => Record::None,
                }
            }
        }
    }

    /// When the congestion that wrote the record was observed, if known:
    /// congestion observed no later than this is not news.
    pub fn last(&self) -> Option<Timestamp> {
        match *self {
            Record::None => None,
            Record::Open { since, .. } => since,
            Record::Closed(at) => Some(at),
        }
    }
}

/// The state key `prefix` + `segment`.
pub fn key(prefix: &str, segment: &str) -> String {
    let mut key = String::with_capacity(prefix.len() + segment.len());
    key.push_str(prefix);
    key.push_str(segment);
    key
}

/// The record under `key` and the time it holds: `None` if `key` is not
/// set, `Some(None)` (logged as an error naming `event`) if its value is
/// unreadable.
fn read<T: DeserializeOwned>(
    ctx: &mut Context<'_>,
    key: &str,
    event: &Event<'_>,
    observed_at: impl Fn(&T) -> &str,
) -> Option<Option<(T, Timestamp)>> {
    let error = match ctx.state().get_json::<T>(key) {
        Ok(None) => return None,
        Ok(Some(record)) => match Timestamp::parse_rfc3339(observed_at(&record)) {
            Some(at) => return Some(Some((record, at))),
            None => format!(
                "`observedAt` is not an RFC 3339 date-time: {:?}",
                observed_at(&record)
            ),
        },
        Err(err) => err.message().to_owned(),
    };
    ctx.log().error(
        "alert state unreadable, carrying on without it",
        &[("key", key), ("event", event.id()), ("error", &error)],
    );
    Some(None)
}
