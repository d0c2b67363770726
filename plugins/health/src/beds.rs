//! Bed occupancy: the `city.health.beds` input, what the plugin remembers
//! per hospital (`hospital/<id>`), and the `capacity` rule with its
//! hysteresis.

use std::borrow::Cow;

use cityhub_sdk::city::Severity;
use cityhub_sdk::{Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::input::MAX_NAME;
use cityhub_sdk::city::Input;

/// State keys of hospitals are this prefix and the hospital id.
pub const KEY_PREFIX: &str = "hospital/";

/// A hospital's bed count, sent whenever the hospital's system reports it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Beds<'a> {
    /// The hospital's id, e.g. `bvdk-tinh`.
    #[serde(borrow)]
    pub hospital: Cow<'a, str>,
    /// Its name, passed through byte for byte.
    #[serde(borrow)]
    pub hospital_name: Cow<'a, str>,
    /// Beds in service.
    pub beds_total: u32,
    /// Beds occupied; may exceed `bedsTotal` (extra beds in corridors).
    pub beds_occupied: u32,
    /// When the count was taken, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl Beds<'_> {
    /// Checks the values serde cannot, and returns when the count was taken.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        Input::of(event).name("hospital", &self.hospital, MAX_NAME)?;
        if self.hospital_name.trim().is_empty() {
            return Err(Input::of(event).invalid("hospitalName", "must not be blank"));
        }
        if self.beds_total == 0 {
            return Err(Input::of(event).invalid(
                "bedsTotal",
                "must be at least 1: a hospital without beds in service reports none",
            ));
        }
        Input::of(event).time("observedAt", &self.observed_at)
    }

    /// `bedsOccupied / bedsTotal`, rounded to 0.001.
    pub fn ratio(&self) -> f64 {
        (f64::from(self.beds_occupied) / f64::from(self.beds_total) * 1000.0).round() / 1000.0
    }
}

/// What the plugin remembers of a hospital.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hospital {
    /// When the newest count was taken, Unix seconds: counts not newer are
    /// redeliveries or late, and skipped.
    pub observed_at: i64,
    /// The occupancy last announced as the `bed-occupancy` indicator.
    pub ratio: f64,
    /// The severity of the open `capacity` alert, if one is open.
    pub alert: Option<Severity>,
}

/// What a new count does to a hospital's `capacity` alert: the SDK's graded-alert change.
pub use cityhub_sdk::city::AlertChange as Change;

/// The alert's new state for occupancy `ratio`, given the severity of the
/// alert open now (if any), and the change to announce, if any.
///
/// Closed, an alert opens at `capacity_ratio` (`high`) or `critical_ratio`
/// (`critical`). Open, it is resolved below `capacity_resolve_ratio`; above
/// that its severity follows the ratio (`critical` from `critical_ratio`,
/// else `high`), and a change of severity is announced as `open` again.
pub fn assess(
    open: Option<Severity>,
    ratio: f64,
    config: &Config,
) -> (Option<Severity>, Option<Change>) {
    let severity = if ratio >= config.critical_ratio.0 {
        Severity::Critical
    } else {
        Severity::High
    };
    let holds = match open {
        None => ratio >= config.capacity_ratio.0,
        Some(_) => ratio >= config.capacity_resolve_ratio.0,
    };
    let wanted = holds.then_some(severity);
    (wanted, Change::between(open, wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_at_the_threshold_escalates_and_resolves_below_the_hysteresis() {
        let c = Config::default();
        assert_eq!(assess(None, 0.899, &c), (None, None));
        let high = Some(Severity::High);
        let critical = Some(Severity::Critical);
        assert_eq!(
            assess(None, 0.9, &c),
            (high, Some(Change::Open(Severity::High)))
        );
        assert_eq!(
            assess(None, 1.02, &c),
            (critical, Some(Change::Open(Severity::Critical)))
        );
        assert_eq!(assess(high, 0.86, &c), (high, None));
        assert_eq!(
            assess(high, 1.0, &c),
            (critical, Some(Change::Open(Severity::Critical)))
        );
        assert_eq!(
            assess(critical, 0.95, &c),
            (high, Some(Change::Open(Severity::High)))
        );
        assert_eq!(assess(critical, 0.849, &c), (None, Some(Change::Resolved)));
    }
}
