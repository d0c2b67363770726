//! The output `city.admin.dossier-overdue`: a dossier that passed its
//! `dueAt` while still in its agency's hands, announced once.

use cityhub_sdk::city::local_rfc3339;
use cityhub_sdk::{Context, Error, Output, Timestamp};
use serde::Serialize;

use crate::OVERDUE;
use crate::record::Open;

/// The data of a `city.admin.dossier-overdue` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overdue<'a> {
    /// The dossier.
    pub dossier_id: &'a str,
    /// The procedure's code.
    pub procedure: &'a str,
    /// The procedure's name, as received.
    pub procedure_name: &'a str,
    /// The agency handling it.
    pub agency: &'a str,
    /// When it was received (+07:00).
    pub received_at: String,
    /// When it fell due (+07:00).
    pub due_at: String,
    /// How far past due it was when seen overdue, an ISO 8601 duration
    /// (`PT2H`, `P1DT4H30M`).
    pub overdue_by: String,
    /// When it was seen overdue: the plugin's event-time "now" (+07:00).
    pub observed_at: String,
}

/// Emits the overdue event of dossier `id`, seen overdue at `now` (Unix
/// seconds).
pub fn emit(ctx: &mut Context<'_>, id: &str, open: &Open, now: i64) -> Result<(), Error> {
    let local = |secs: i64| local_rfc3339(Timestamp::new(secs, 0));
    let data = Overdue {
        dossier_id: id,
        procedure: &open.procedure,
        procedure_name: &open.procedure_name,
        agency: &open.agency,
        received_at: local(open.received_at),
        due_at: local(open.due_at),
        overdue_by: iso_duration(now.saturating_sub(open.due_at)),
        observed_at: local(now),
    };
    let observed_at = data.observed_at.clone();
    ctx.emit(
        Output::new(OVERDUE)
            .subject(id)
            .time(&observed_at)
            .json(&data),
    )
}

/// `seconds` as an ISO 8601 duration in days, hours, minutes and seconds:
/// `P2D`, `PT3H`, `P1DT4H30M`, `PT0S`.
pub fn iso_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (days, hours, minutes, secs) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let mut text = String::from("P");
    if days > 0 {
        text.push_str(&format!("{days}D"));
    }
    if hours + minutes + secs > 0 || days == 0 {
        text.push('T');
        for (n, unit) in [(hours, 'H'), (minutes, 'M'), (secs, 'S')] {
            if n > 0 {
                text.push_str(&format!("{n}{unit}"));
            }
        }
        if text.ends_with('T') {
            text.push_str("0S");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::iso_duration;

    #[test]
    fn durations_read_as_iso_8601() {
        assert_eq!(iso_duration(0), "PT0S");
        assert_eq!(iso_duration(45), "PT45S");
        assert_eq!(iso_duration(3 * 3600), "PT3H");
        assert_eq!(iso_duration(2 * 86_400), "P2D");
        assert_eq!(iso_duration(86_400 + 4 * 3600 + 30 * 60), "P1DT4H30M");
        assert_eq!(iso_duration(-5), "PT0S");
    }
}
