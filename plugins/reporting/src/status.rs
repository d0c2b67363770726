//! The outputs about one directive: `city.reporting.directive-status` when
//! anything about it changes, and its `city.reporting.alert` when it falls
//! overdue and when that ends.

use std::collections::BTreeMap;

use cityhub_sdk::city::{Alert, AlertStatus, Severity, Text};
use cityhub_sdk::{Context, Error, Output};
use serde::Serialize;

use crate::config::Config;
use crate::directive::Progress;
use crate::record::{Record, local};
use crate::{ALERT, DIRECTIVE_STATUS};

/// The data of a `city.reporting.directive-status` event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectiveStatus<'a> {
    /// The directive.
    pub directive_id: &'a str,
    /// What is asked, as received.
    pub title: &'a Text,
    /// The agency it is assigned to.
    pub agency: &'a str,
    /// Who issued it, as received.
    pub issued_by: &'a str,
    /// When it was issued (+07:00).
    pub issued_at: String,
    /// When it is due (+07:00).
    pub deadline: String,
    /// `assigned`, `in-progress`, `done`, or `overdue` while it is past its
    /// deadline and not done.
    pub status: &'static str,
    /// Where the agency says it is: `assigned`, `in-progress` or `done`.
    pub progress: Progress,
    /// Whether its deadline passed before it was done (now, or when done).
    pub overdue: bool,
    /// Whether it was done after its deadline.
    pub done_late: bool,
    /// When it was done (+07:00), or null.
    pub done_at: Option<String>,
    /// When this status was observed: the plugin's "now" (+07:00).
    pub observed_at: String,
}

/// Emits directive `id`'s status as `record` has it, observed at `now`.
pub fn emit_status(ctx: &mut Context<'_>, id: &str, r: &Record, now: i64) -> Result<(), Error> {
    let data = DirectiveStatus {
        directive_id: id,
        title: &r.title,
        agency: &r.agency,
        issued_by: &r.issued_by,
        issued_at: local(r.issued_at),
        deadline: local(r.deadline),
        status: r.status(),
        progress: r.progress,
        overdue: r.overdue,
        done_late: r.progress == Progress::Done && r.overdue,
        done_at: r.done_at.map(local),
        observed_at: local(now),
    };
    let time = data.observed_at.clone();
    ctx.emit(
        Output::new(DIRECTIVE_STATUS)
            .subject(id)
            .time(&time)
            .json(&data),
    )
}

/// Why an overdue directive's alert changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It passed its deadline.
    Overdue,
    /// It was done.
    Done,
    /// Its deadline was moved later.
    Extended,
}

/// Emits directive `id`'s alert, opened or resolved by `change`, observed
/// at `now`.
pub fn emit_alert(
    ctx: &mut Context<'_>,
    config: &Config,
    id: &str,
    r: &Record,
    change: Change,
    now: i64,
) -> Result<(), Error> {
    let (title_vi, title_en) = (&r.title.vi, &r.title.en);
    let (status, title) = match change {
        Change::Overdue => (
            AlertStatus::Open,
            Text::new(
                format!("Chỉ đạo quá hạn: {title_vi}"),
                format!("Overdue directive: {title_en}"),
            ),
        ),
        Change::Done => (
            AlertStatus::Resolved,
            Text::new(
                format!("Đã hoàn thành chỉ đạo: {title_vi}"),
                format!("Directive done: {title_en}"),
            ),
        ),
        Change::Extended => (
            AlertStatus::Resolved,
            Text::new(
                format!("Đã gia hạn chỉ đạo: {title_vi}"),
                format!("Directive deadline extended: {title_en}"),
            ),
        ),
    };
    let agency = config.agency(&r.agency);
    let (vi, en) = agency.map_or((r.agency.as_str(), r.agency.as_str()), |a| {
        (a.name.vi.as_str(), a.name.en.as_str())
    });
    let deadline = local(r.deadline);
    let description = Text::new(
        format!("Giao {vi}, hạn {deadline}, chỉ đạo của {}.", r.issued_by),
        format!(
            "Assigned to {en}, due {deadline}, issued by {}.",
            r.issued_by
        ),
    );
    let figures = BTreeMap::from([
        ("agency".to_owned(), r.agency.clone().into()),
        ("deadline".to_owned(), deadline.into()),
        ("issuedBy".to_owned(), r.issued_by.clone().into()),
    ]);
    let alert = Alert {
        alert_id: format!("reporting/directive/{id}"),
        status,
        category: "reporting".to_owned(),
        sub_category: "directive-overdue".to_owned(),
        severity: Severity::High,
        title,
        description: Some(description),
        location: None,
        figures,
        observed_at: local(now),
    };
    let time = alert.observed_at.clone();
    ctx.emit(Output::new(ALERT).subject(id).time(&time).json(&alert))
}
