//! The ops read model: what the operations centre shows, kept by the host's
//! `projection:ops` consumer from the log and read by the ops API.
//!
//! - **KPIs** (`ops_kpis`): the latest `city.ioc.kpi` per id, its previous
//!   value and trend, and a history of points (`ops_kpi_points`) pruned to
//!   the last [`HISTORY`] of the read model's now at each commit.
//! - **Alerts** (`ops_alerts`): the latest `city.ioc.alert` per `alertId`,
//!   with the plugin's status and the operators' state (rules below), and
//!   the operator actions applied to them (`ops_alert_actions`).
//! - **Places** (`ops_places`): the latest per map layer and id.
//! - **Now** (`ops_now`): the newest event time seen; it never moves back.
//!
//! An alert's plugin `status` and its operators' `state`:
//! - first seen `open` → state `open`; first seen `resolved` → stored
//!   resolved (by `system`);
//! - `open` again while the state is not `resolved` (a re-announcement, e.g.
//!   a new severity) updates the view and keeps the operators' state;
//! - `resolved` → state `resolved`, by `system` at the event time, unless an
//!   operator resolved it already (theirs is kept);
//! - `open` while the state is `resolved` (by the plugin or an operator)
//!   starts a new episode: state `open`, acknowledgement, assignment and
//!   resolution cleared, `opened_at` = the event time.
//!
//! Operator actions: `ack` records the acknowledgement and moves `open` to
//! `acknowledged` (an assigned alert stays `assigned`); `assign` records the
//! agency and deadline and moves to `assigned`; `resolve` moves to
//! `resolved`. None changes a resolved alert, yet each is kept as history.
//!
//! The projection collects a window of changes in an [`OpsWindow`] and
//! [`Store::project_ops`](crate::Store::project_ops) applies it with the new
//! position in one transaction; the API reads with `Store::ops_*`
//! ([`Store::ops_kpis`](crate::Store::ops_kpis), …). JSON columns come back
//! as text, for the API to parse.

mod read;
mod rows;
mod rules;
mod sql;
mod window;
mod write;

use std::time::Duration;

use cityhub_cloudevents::Timestamp;

pub use read::AlertQuery;
pub use rows::{
    AlertAction, AlertRow, AlertUpdate, Assignment, KpiPoint, KpiRow, KpiUpdate, Mark, Place,
    PlaceChange,
};
pub use rules::{SYSTEM, severity_rank};
pub use window::OpsWindow;

use crate::row::micros_floor;

/// How much KPI history is kept, back from the read model's now.
pub const HISTORY: Duration = Duration::from_secs(48 * 3600);

/// `t` as Unix millis, rounded down.
pub(crate) fn millis(t: &Timestamp) -> i64 {
    micros_floor(t).div_euclid(1_000)
}
