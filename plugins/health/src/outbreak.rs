//! Outbreak signals: the `city.health.case-report` input and the cases of
//! the last `outbreak_window` per disease and district, kept in state under
//! [`KEY`] with whether each one's `outbreak` alert is open.

use std::borrow::Cow;
use std::collections::BTreeMap;

use cityhub_sdk::{Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::calls::Added;
use crate::config::Config;
use crate::input::MAX_NAME;
use cityhub_sdk::city::Input;

/// The state key of the cases within the window.
pub const KEY: &str = "cases";

/// A notifiable-disease case reported by a clinic or hospital.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseReport<'a> {
    /// The case's id; a case reported twice counts once.
    #[serde(borrow)]
    pub case_id: Cow<'a, str>,
    /// The disease, in Vietnamese as reported (`Sốt xuất huyết`); kept byte
    /// for byte.
    #[serde(borrow)]
    pub disease: Cow<'a, str>,
    /// The district where the patient lives, e.g. `Cao Lộc`.
    #[serde(borrow)]
    pub district: Cow<'a, str>,
    /// When the case was reported, RFC 3339.
    #[serde(borrow)]
    pub reported_at: Cow<'a, str>,
}

impl CaseReport<'_> {
    /// Checks the values serde cannot, and returns when the case was reported.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        Input::of(event).name("caseId", &self.case_id, MAX_NAME)?;
        Input::of(event).name("disease", &self.disease, MAX_NAME)?;
        Input::of(event).name("district", &self.district, MAX_NAME)?;
        Input::of(event).time("reportedAt", &self.reported_at)
    }
}

/// The cases within the window, per disease and district.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cases {
    /// Disease → district → its cases.
    pub diseases: BTreeMap<String, BTreeMap<String, Area>>,
}

/// The cases of one disease in one district.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// `(caseId, reportedAt in Unix seconds)` of the cases within the window.
    pub cases: Vec<(String, i64)>,
    /// Whether its `outbreak` alert is open.
    pub open: bool,
}

/// An `outbreak` alert opening or resolving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    /// The disease, as reported.
    pub disease: String,
    /// The district.
    pub district: String,
    /// Cases within the window now.
    pub cases: u32,
    /// `true`: the alert opens; `false`: it is resolved.
    pub open: bool,
}

impl Cases {
    /// Counts a case reported at `at`, when the plugin's clock says `now`;
    /// `window` is in seconds.
    pub fn add(&mut self, report: &CaseReport<'_>, at: i64, now: i64, window: i64) -> Added {
        if at <= now - window {
            return Added::TooOld;
        }
        let id = &*report.case_id;
        let seen = self
            .diseases
            .values()
            .flat_map(|d| d.values())
            .any(|a| a.cases.iter().any(|(c, _)| c == id));
        if seen {
            return Added::Duplicate;
        }
        self.diseases
            .entry(report.disease.clone().into_owned())
            .or_default()
            .entry(report.district.clone().into_owned())
            .or_default()
            .cases
            .push((id.to_owned(), at));
        Added::Counted
    }

    /// Drops the cases reported a window or more before `now`, and returns
    /// the alerts that open (the count reached the disease's threshold) or
    /// resolve (it fell below). Areas with no case and no open alert are
    /// forgotten.
    pub fn slide(&mut self, now: i64, config: &Config) -> Vec<Signal> {
        let window =
            i64::try_from(config.outbreak_window.as_duration().as_secs()).unwrap_or(i64::MAX);
        let mut signals = Vec::new();
        for (disease, districts) in &mut self.diseases {
            let threshold = config.outbreak_threshold(disease);
            for (district, area) in districts.iter_mut() {
                area.cases
                    .retain(|&(_, at)| at > now.saturating_sub(window));
                let cases = u32::try_from(area.cases.len()).unwrap_or(u32::MAX);
                let open = cases >= threshold;
                if open != area.open {
                    area.open = open;
                    signals.push(Signal {
                        disease: disease.clone(),
                        district: district.clone(),
                        cases,
                        open,
                    });
                }
            }
            districts.retain(|_, a| !a.cases.is_empty() || a.open);
        }
        self.diseases.retain(|_, d| !d.is_empty());
        signals
    }
}
