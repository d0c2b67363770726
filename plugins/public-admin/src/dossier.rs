//! The input: a `city.admin.dossier` event, sent again by the one-stop
//! shop's system each time a dossier's status changes, read in place and
//! checked field by field.

use std::borrow::Cow;

use cityhub_sdk::city::Input;
use cityhub_sdk::{Error, Event};
use serde::{Deserialize, Serialize};

use crate::config::MAX_AGENCY_ID;

/// The longest dossier id: `dossier/<id>` must fit a 256-byte state key.
pub const MAX_DOSSIER_ID: usize = 256 - crate::record::KEY_PREFIX.len();

/// Where a dossier is in its procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Received at the one-stop shop (tiếp nhận).
    Received,
    /// Being processed by the agency (đang xử lý).
    Processing,
    /// Completed: the result is ready (đã có kết quả).
    Completed,
    /// Returned to the applicant, e.g. incomplete (trả lại hồ sơ).
    Returned,
}

impl Status {
    /// Whether the dossier is still in the agency's hands.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Received | Status::Processing)
    }
}

/// The data of a `city.admin.dossier` event. Other fields are accepted and
/// ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dossier<'a> {
    /// The dossier's id (mã hồ sơ), e.g. `STP-261120-0042`.
    #[serde(borrow)]
    pub dossier_id: Cow<'a, str>,
    /// The procedure's code, e.g. `1.001757` (the national procedure code).
    #[serde(borrow)]
    pub procedure: Cow<'a, str>,
    /// The procedure's name, passed through byte for byte.
    #[serde(borrow)]
    pub procedure_name: Cow<'a, str>,
    /// The agency that handles it, e.g. `so-tu-phap`.
    #[serde(borrow)]
    pub agency: Cow<'a, str>,
    /// Its status now.
    pub status: Status,
    /// When it was received, RFC 3339.
    #[serde(borrow)]
    pub received_at: Cow<'a, str>,
    /// When its result is due (hẹn trả kết quả), RFC 3339.
    #[serde(borrow)]
    pub due_at: Cow<'a, str>,
    /// When this status was observed, RFC 3339: the event's time.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

/// A dossier's times, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    /// `receivedAt`, Unix seconds.
    pub received_at: i64,
    /// `dueAt`, Unix seconds.
    pub due_at: i64,
    /// `observedAt`, Unix seconds.
    pub observed_at: i64,
}

impl Dossier<'_> {
    /// Checks the values serde cannot, and returns the parsed times.
    /// Errors are invalid-input errors naming `event` and the field.
    pub fn check(&self, event: &Event<'_>) -> Result<Times, Error> {
        let input = Input::of(event);
        input.name("dossierId", &self.dossier_id, MAX_DOSSIER_ID)?;
        input.name("procedure", &self.procedure, 256)?;
        input.name("procedureName", &self.procedure_name, 2048)?;
        input.name("agency", &self.agency, MAX_AGENCY_ID)?;
        let time = |field: &str, text: &str| input.time(field, text).map(|t| t.seconds());
        let times = Times {
            received_at: time("receivedAt", &self.received_at)?,
            due_at: time("dueAt", &self.due_at)?,
            observed_at: time("observedAt", &self.observed_at)?,
        };
        if times.due_at < times.received_at {
            return Err(input.invalid(
                "dueAt",
                format_args!(
                    "({}) is before `data.receivedAt` ({}): a dossier falls due after it is received",
                    self.due_at, self.received_at
                ),
            ));
        }
        Ok(times)
    }
}
