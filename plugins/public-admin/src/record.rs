//! What the plugin remembers per dossier, under `dossier/<id>`: while the
//! dossier is open, what its overdue event needs (agency, procedure, times)
//! and whether it is counted overdue; once it is completed or returned,
//! only its status and times, until `retention` has passed. Times are Unix
//! seconds. Small JSON records: readable state is worth more here than the
//! bytes.

use cityhub_sdk::city::load_record;
use cityhub_sdk::{Context, Event};
use serde::{Deserialize, Serialize};

use crate::dossier::Status;

/// State keys are this prefix and the dossier id.
pub const KEY_PREFIX: &str = "dossier/";

/// The value under `dossier/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Record {
    /// The status last seen.
    pub status: Status,
    /// When it was observed: events observed no later are not news.
    pub observed_at: i64,
    /// While the dossier is open (received or processing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<Open>,
    /// When it was completed or returned, once it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<i64>,
    /// Whether its completion is counted in its agency's figures: a
    /// dossier reopened and completed again is counted once.
    #[serde(default, skip_serializing_if = "is_false")]
    pub counted: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An open dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Open {
    /// The agency handling it.
    pub agency: String,
    /// The procedure's code.
    pub procedure: String,
    /// The procedure's name, as received.
    pub procedure_name: String,
    /// When it was received.
    pub received_at: i64,
    /// When it falls due.
    pub due_at: i64,
    /// Whether it is past due and counted in its agency's overdue dossiers
    /// (it then has no entry in the deadline index).
    pub overdue: bool,
}

/// The state key of dossier `id`.
pub fn key(id: &str) -> String {
    format!("{KEY_PREFIX}{id}")
}

/// Dossier `id`'s record. An unreadable one is logged as an error naming
/// `event` (or the clock tick) and treated as absent.
pub fn load(ctx: &mut Context<'_>, id: &str, event: &Event<'_>) -> Option<Record> {
    load_record(ctx, &key(id), Some(event))
}
