//! Emergency calls (115): the `city.health.emergency-call` input and the
//! calls of the last hour per district, kept in state under [`KEY`] so the
//! hour slides with event time and a redelivered call is not counted twice.

use std::borrow::Cow;
use std::collections::BTreeMap;

use cityhub_sdk::geo::Point;
use cityhub_sdk::{Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::input::MAX_NAME;
use cityhub_sdk::city::Input;

/// The state key of the calls of the last hour.
pub const KEY: &str = "calls";
/// The sliding window, seconds: `emergency-calls` is a count per hour.
pub const WINDOW_SECS: i64 = 3600;

/// A call to the emergency number, as the dispatch centre records it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmergencyCall<'a> {
    /// The call's id; a call sent twice counts once.
    #[serde(borrow)]
    pub call_id: Cow<'a, str>,
    /// The district the call came from, e.g. `Cao Lộc`.
    #[serde(borrow)]
    pub district: Cow<'a, str>,
    /// What the call is about (`trauma`, `cardiac`, …); not used in counts.
    #[serde(borrow)]
    pub category: Cow<'a, str>,
    /// Where the caller is.
    #[serde(borrow)]
    pub location: Point<'a>,
    /// When the call was received, RFC 3339.
    #[serde(borrow)]
    pub received_at: Cow<'a, str>,
}

impl EmergencyCall<'_> {
    /// Checks the values serde cannot, and returns when the call came in.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        Input::of(event).name("callId", &self.call_id, MAX_NAME)?;
        Input::of(event).name("district", &self.district, MAX_NAME)?;
        Input::of(event).name("category", &self.category, MAX_NAME)?;
        Input::of(event).location("location", &self.location)?;
        Input::of(event).time("receivedAt", &self.received_at)
    }
}

/// Whether a call was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// It is new and within the hour.
    Counted,
    /// Its id is already counted: a redelivery.
    Duplicate,
    /// It came in an hour or more before "now": it no longer counts.
    TooOld,
}

/// The calls of the last hour, per district.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calls {
    /// Per district: its calls and the count last announced.
    pub districts: BTreeMap<String, District>,
}

/// One district's calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct District {
    /// `(callId, receivedAt in Unix seconds)` of the calls of the last hour.
    pub calls: Vec<(String, i64)>,
    /// The count last announced as the `emergency-calls` indicator.
    pub reported: u32,
}

impl Calls {
    /// Counts a call received at `at`, when the plugin's clock says `now`.
    pub fn add(&mut self, district: &str, id: &str, at: i64, now: i64) -> Added {
        if at <= now - WINDOW_SECS {
            return Added::TooOld;
        }
        let seen = self
            .districts
            .values()
            .any(|d| d.calls.iter().any(|(c, _)| c == id));
        if seen {
            return Added::Duplicate;
        }
        self.districts
            .entry(district.to_owned())
            .or_default()
            .calls
            .push((id.to_owned(), at));
        Added::Counted
    }

    /// Drops the calls an hour or more before `now`, and returns each
    /// district whose count differs from the one last announced, with its
    /// new count (now announced). Districts with nothing left are forgotten.
    pub fn slide(&mut self, now: i64) -> Vec<(String, u32)> {
        let mut changed = Vec::new();
        for (name, district) in &mut self.districts {
            district.calls.retain(|&(_, at)| at > now - WINDOW_SECS);
            let count = u32::try_from(district.calls.len()).unwrap_or(u32::MAX);
            if count != district.reported {
                district.reported = count;
                changed.push((name.clone(), count));
            }
        }
        self.districts
            .retain(|_, d| !d.calls.is_empty() || d.reported != 0);
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_call_once_within_the_hour() {
        let mut calls = Calls::default();
        assert_eq!(calls.add("Cao Lộc", "c1", 100, 100), Added::Counted);
        assert_eq!(calls.add("Cao Lộc", "c1", 100, 100), Added::Duplicate);
        assert_eq!(calls.add("Lộc Bình", "c2", 200, 200), Added::Counted);
        assert_eq!(calls.add("Lộc Bình", "c0", 200 - 3600, 200), Added::TooOld);
        assert_eq!(
            calls.slide(200),
            [("Cao Lộc".to_owned(), 1), ("Lộc Bình".to_owned(), 1)]
        );
        assert_eq!(calls.slide(200), []);
        assert_eq!(calls.slide(3700), [("Cao Lộc".to_owned(), 0)]);
        assert_eq!(calls.districts.len(), 1, "Cao Lộc is forgotten");
    }
}
