//! Attendance: the `city.education.attendance` input, what the plugin
//! remembers per school (`school/<id>`), and the `low-attendance` rule.

use std::borrow::Cow;

use cityhub_sdk::city::Severity;
use cityhub_sdk::{Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::input::MAX_NAME;
use cityhub_sdk::city::Input;

/// State keys of schools are this prefix and the school id.
pub const KEY_PREFIX: &str = "school/";

/// A school's attendance for one school day, sent again when corrected.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attendance<'a> {
    /// The school's id, e.g. `thcs-hoang-van-thu`.
    #[serde(borrow)]
    pub school: Cow<'a, str>,
    /// Its name, passed through byte for byte.
    #[serde(borrow)]
    pub school_name: Cow<'a, str>,
    /// Its district, e.g. `TP Lạng Sơn`.
    #[serde(borrow)]
    pub district: Cow<'a, str>,
    /// Pupils enrolled.
    pub enrolled: u32,
    /// Pupils present.
    pub present: u32,
    /// The school day, `YYYY-MM-DD`.
    #[serde(borrow)]
    pub date: Cow<'a, str>,
    /// When the figures were taken, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl Attendance<'_> {
    /// Checks the values serde cannot, and returns when the figures were taken.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        Input::of(event).name("school", &self.school, MAX_NAME)?;
        if self.school_name.trim().is_empty() {
            return Err(Input::of(event).invalid("schoolName", "must not be blank"));
        }
        Input::of(event).name("district", &self.district, MAX_NAME)?;
        if self.enrolled == 0 {
            return Err(Input::of(event).invalid("enrolled", "must be at least 1"));
        }
        if self.present > self.enrolled {
            return Err(Input::of(event).invalid(
                "present",
                format!(
                    "({}) must not exceed `data.enrolled` ({})",
                    self.present, self.enrolled
                ),
            ));
        }
        let date = &*self.date;
        let is_date = date.len() == 10
            && Timestamp::parse_rfc3339(&format!("{date}T00:00:00+07:00")).is_some();
        if !is_date {
            return Err(Input::of(event).invalid(
                "date",
                format!("must be a date such as 2026-11-27, got {date:?}"),
            ));
        }
        Input::of(event).time("observedAt", &self.observed_at)
    }

    /// `present / enrolled`, rounded to 0.001.
    pub fn ratio(&self) -> f64 {
        (f64::from(self.present) / f64::from(self.enrolled) * 1000.0).round() / 1000.0
    }
}

/// What the plugin remembers of a school: its newest day's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct School {
    /// The school day of the figures, `YYYY-MM-DD`.
    pub date: String,
    /// When they were taken, Unix seconds.
    pub observed_at: i64,
    /// Pupils enrolled.
    pub enrolled: u32,
    /// Pupils present.
    pub present: u32,
    /// The attendance last announced as the `attendance` indicator.
    pub ratio: f64,
    /// The severity of the open `low-attendance` alert, if one is open.
    pub alert: Option<Severity>,
}

/// Whether figures for `date` taken at `at` are news to a school whose
/// record is `school`: a later day is; the same day is when the figures
/// differ and were not taken earlier (a correction); the rest (an earlier
/// day, a redelivery, a stale copy) is not.
pub fn is_news(school: &School, date: &str, at: i64, enrolled: u32, present: u32) -> bool {
    match date.cmp(school.date.as_str()) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => {
            (enrolled, present) != (school.enrolled, school.present) && at >= school.observed_at
        }
    }
}

/// What new attendance does to a school's alert: the SDK's graded-alert change.
pub use cityhub_sdk::city::AlertChange as Change;

/// The alert's new state for attendance `ratio`, given the severity of the
/// alert open now (if any), and the change to announce, if any: below
/// `low_attendance_ratio` it is open (`medium`; `high` below
/// `severe_attendance_ratio`), at or above it resolved.
pub fn assess(
    open: Option<Severity>,
    ratio: f64,
    config: &Config,
) -> (Option<Severity>, Option<Change>) {
    let wanted = if ratio >= config.low_attendance_ratio.0 {
        None
    } else if ratio < config.severe_attendance_ratio.0 {
        Some(Severity::High)
    } else {
        Some(Severity::Medium)
    };
    (wanted, Change::between(open, wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_below_the_thresholds_and_resolves_at_or_above() {
        let c = Config::default();
        let (medium, high) = (Some(Severity::Medium), Some(Severity::High));
        assert_eq!(assess(None, 0.85, &c), (None, None));
        assert_eq!(
            assess(None, 0.849, &c),
            (medium, Some(Change::Open(Severity::Medium)))
        );
        assert_eq!(assess(medium, 0.8, &c), (medium, None));
        assert_eq!(
            assess(medium, 0.69, &c),
            (high, Some(Change::Open(Severity::High)))
        );
        assert_eq!(assess(high, 0.85, &c), (None, Some(Change::Resolved)));
    }
}
