//! Citizens' reports per road, for the combined border alert: the
//! field-reports plugin's `city.fieldreport.request` events (Open311
//! GeoReport v2 names), of which only `service_request_id`, `status`,
//! `road`, `requested_datetime` and `updated_datetime` are read.
//!
//! State `reports/<road>` lists the distinct requests (id and
//! `requested_datetime`, oldest first) that name the road and were
//! requested within `report_window` of "now". The list is pruned whenever
//! it is read or written, and holds at most [`MAX_REPORTS_PER_ROAD`]
//! (the oldest go first), so it stays within the state quota however many
//! residents write in. A request counts whatever its status: a closed
//! report still tells that residents were affected.

use std::borrow::Cow;

use cityhub_sdk::city::Clock;
use cityhub_sdk::{Context, Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::gate::MAX_ROAD;
use crate::record::{At, load};

/// Report lists are under this prefix and the road.
pub const REPORTS_PREFIX: &str = "reports/";
/// The most requests remembered per road: far above any `min_reports`,
/// and small enough to read and write on every report within a batch's
/// time limit.
pub const MAX_REPORTS_PER_ROAD: usize = 500;
/// The longest request id.
pub const MAX_REQUEST_ID: usize = 128;

/// A request's Open311 status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being handled.
    Open,
    /// Done.
    Closed,
}

/// The fields of a `city.fieldreport.request` event the IOC reads.
#[derive(Debug, Deserialize)]
pub struct Request<'a> {
    /// The request's id.
    #[serde(borrow)]
    pub service_request_id: Cow<'a, str>,
    /// `open` or `closed`.
    pub status: Status,
    /// The road the report names (`QL1A`), or null.
    #[serde(default, borrow)]
    pub road: Option<Cow<'a, str>>,
    /// When the citizen reported, RFC 3339.
    #[serde(borrow)]
    pub requested_datetime: Cow<'a, str>,
    /// When the request last changed, RFC 3339.
    #[serde(default, borrow)]
    pub updated_datetime: Option<Cow<'a, str>>,
}

impl Request<'_> {
    /// Checks what serde cannot; returns when the citizen reported and when
    /// the request last changed (its event time).
    pub fn check(&self, event: &Event<'_>) -> Result<(Timestamp, Timestamp), Error> {
        check::id(
            event,
            "service_request_id",
            &self.service_request_id,
            MAX_REQUEST_ID,
        )?;
        if let Some(road) = &self.road {
            check::id(event, "road", road, MAX_ROAD)?;
        }
        let requested = check::time(event, "requested_datetime", &self.requested_datetime)?;
        let updated = match &self.updated_datetime {
            Some(text) => check::time(event, "updated_datetime", text)?,
            None => requested,
        };
        Ok((requested, updated.max(requested)))
    }
}

/// The requests naming one road, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reports(pub Vec<(String, At)>);

impl Reports {
    /// Drops requests before `horizon` and beyond the cap; whether any went.
    pub fn prune(&mut self, horizon: Timestamp) -> bool {
        let before = self.0.len();
        let old = self.0.iter().take_while(|(_, at)| at.0 < horizon).count();
        let over = before
            .saturating_sub(old)
            .saturating_sub(MAX_REPORTS_PER_ROAD);
        self.0.drain(..old + over);
        self.0.len() != before
    }

    /// Adds a request unless it is listed already; whether it was new.
    pub fn add(&mut self, id: &str, at: Timestamp) -> bool {
        if self.0.iter().any(|(known, _)| known == id) {
            return false;
        }
        let i = self.0.partition_point(|(_, t)| t.0 <= at);
        self.0.insert(i, (id.to_owned(), At(at)));
        true
    }
}

/// Handles one `city.fieldreport.request` event; returns the road whose
/// count of reports grew, if any.
pub fn request(
    config: &Config,
    event: &Event<'_>,
    ctx: &mut Context<'_>,
) -> Result<Option<String>, Error> {
    let request: Request<'_> = event.data_json()?;
    let (requested, updated) = request.check(event)?;
    let now = Clock::advance(ctx, updated)?;
    let Some(road) = request.road.as_deref() else {
        return Ok(None);
    };
    let horizon = horizon(config, now);
    if requested < horizon {
        return Ok(None);
    }
    let key = key(road);
    let mut reports: Reports = load(ctx, &key, event).unwrap_or_default();
    if !reports.add(&request.service_request_id, requested) {
        ctx.log().debug(
            "report skipped: already counted",
            &[
                ("event", event.id()),
                ("request", &request.service_request_id),
            ],
        );
        return Ok(None);
    }
    reports.prune(horizon);
    ctx.state().set_json(&key, &reports)?;
    Ok(Some(road.to_owned()))
}

/// The reports naming `road` within the window before `now`; prunes the
/// list in state on the way.
pub fn count(
    config: &Config,
    road: &str,
    now: Timestamp,
    event: &Event<'_>,
    ctx: &mut Context<'_>,
) -> Result<u32, Error> {
    let key = key(road);
    let Some(mut reports) = load::<Reports>(ctx, &key, event) else {
        return Ok(0);
    };
    if reports.prune(horizon(config, now)) {
        if reports.0.is_empty() {
            ctx.state().delete(&key)?;
        } else {
            ctx.state().set_json(&key, &reports)?;
        }
    }
    Ok(u32::try_from(reports.0.len()).unwrap_or(u32::MAX))
}

/// The state key of `road`'s reports.
pub fn key(road: &str) -> String {
    format!("{REPORTS_PREFIX}{road}")
}

/// The oldest `requested_datetime` that still counts at `now`.
fn horizon(config: &Config, now: Timestamp) -> Timestamp {
    let window = i64::try_from(config.report_window.as_duration().as_secs()).unwrap_or(i64::MAX);
    Timestamp::new(now.seconds().saturating_sub(window), now.nanoseconds())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_distinct_ordered_pruned_and_capped() {
        let t = |s| Timestamp::new(s, 0);
        let mut r = Reports::default();
        assert!(r.add("b", t(20)));
        assert!(r.add("a", t(10)));
        assert!(!r.add("b", t(30)), "listed already");
        assert!(r.add("c", t(20)));
        let ids: Vec<_> = r.0.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert!(r.prune(t(11)));
        assert_eq!(r.0.len(), 2);
        assert!(!r.prune(t(20)), "at the horizon still counts");

        let mut many = Reports::default();
        for i in 0..MAX_REPORTS_PER_ROAD + 5 {
            many.add(&format!("r{i}"), t(i as i64));
        }
        assert!(many.prune(t(0)));
        assert_eq!(many.0.len(), MAX_REPORTS_PER_ROAD);
        assert_eq!(many.0[0].0, "r5");
    }
}
