//! The input: a `city.reporting.directive` event, sent again by the
//! direction system each time a directive (chỉ đạo) changes, read and
//! checked field by field.

use cityhub_sdk::city::{Input, Text};
use cityhub_sdk::{Error, Event};
use serde::{Deserialize, Serialize};

use crate::config::MAX_AGENCY_ID;

/// The longest directive id: `directive/<id>` must fit a 256-byte state key.
pub const MAX_DIRECTIVE_ID: usize = 256 - crate::record::KEY_PREFIX.len();

/// Where the agency says a directive is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Progress {
    /// Assigned to the agency (đã giao).
    Assigned,
    /// Being carried out (đang thực hiện).
    InProgress,
    /// Done (đã hoàn thành).
    Done,
}

impl Progress {
    /// The name used in events.
    pub fn as_str(self) -> &'static str {
        match self {
            Progress::Assigned => "assigned",
            Progress::InProgress => "in-progress",
            Progress::Done => "done",
        }
    }
}

/// The data of a `city.reporting.directive` event. Other fields are
/// accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Directive {
    /// The directive's id, e.g. `CD-2026-118`.
    pub directive_id: String,
    /// What is asked, in Vietnamese and English, passed through.
    pub title: Text,
    /// The agency it is assigned to, e.g. `so-giao-thong-van-tai`.
    pub agency: String,
    /// Who issued it, e.g. `Chủ tịch UBND tỉnh`, passed through.
    pub issued_by: String,
    /// When it was issued, RFC 3339.
    pub issued_at: String,
    /// When it is due, RFC 3339.
    pub deadline: String,
    /// Where the agency says it is.
    pub status: Progress,
    /// When this was observed, RFC 3339: the event's time.
    pub observed_at: String,
}

/// A directive's times, parsed (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    /// `issuedAt`.
    pub issued_at: i64,
    /// `deadline`.
    pub deadline: i64,
    /// `observedAt`.
    pub observed_at: i64,
}

impl Directive {
    /// Checks the values serde cannot, and returns the parsed times.
    /// Errors are invalid-input errors naming `event` and the field.
    pub fn check(&self, event: &Event<'_>) -> Result<Times, Error> {
        let input = Input::of(event);
        input.name("directiveId", &self.directive_id, MAX_DIRECTIVE_ID)?;
        input.name("title.vi", &self.title.vi, 2048)?;
        input.name("title.en", &self.title.en, 2048)?;
        input.name("agency", &self.agency, MAX_AGENCY_ID)?;
        input.name("issuedBy", &self.issued_by, 512)?;
        let time = |field: &str, text: &str| input.time(field, text).map(|t| t.seconds());
        let times = Times {
            issued_at: time("issuedAt", &self.issued_at)?,
            deadline: time("deadline", &self.deadline)?,
            observed_at: time("observedAt", &self.observed_at)?,
        };
        if times.deadline < times.issued_at {
            return Err(input.invalid(
                "deadline",
                format_args!(
                    "({}) is before `data.issuedAt` ({}): a directive falls due after it is issued",
                    self.deadline, self.issued_at
                ),
            ));
        }
        Ok(times)
    }
}
