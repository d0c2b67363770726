//! Events at the sites (`city.tourism.event`): kept by `eventId` under
//! `event/<id>` until they end, listed per site under `site-events/<site>`
//! and by end time under `calendar/ends` so that they are pruned once the
//! clock passes their `endsAt`. A crowding alert names the site's events
//! under way or starting within `event_horizon`.
//!
//! An event sent again replaces its record (a changed time, name or site);
//! the same record again changes nothing. An event that has ended by the
//! plugin's clock is not kept.

use cityhub_sdk::city::{after, load_record};
use cityhub_sdk::{Context, Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::input::SiteEvent;
use crate::store::key;

/// Event records: this prefix and the event id.
pub const PREFIX: &str = "event/";
/// A site's event ids: this prefix and the site id.
pub const SITE_PREFIX: &str = "site-events/";
/// `(endsAt in seconds, eventId)` of every kept event, by end.
pub const ENDS: &str = "calendar/ends";

/// What the plugin keeps of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Stored {
    /// Its name, as sent.
    pub name: String,
    /// The site id.
    pub site: String,
    /// When it starts, as sent.
    pub starts_at: String,
    /// When it ends, as sent.
    pub ends_at: String,
    /// Visitors expected.
    pub expected_visitors: u32,
}

/// Takes in an event at a site (checked; `starts`, `ends` are its times).
pub fn handle(
    ctx: &mut Context<'_>,
    event: &Event<'_>,
    e: &SiteEvent<'_>,
    ends: Timestamp,
    now: Timestamp,
) -> Result<(), Error> {
    let id = &*e.event_id;
    if ends <= now {
        ctx.log().debug(
            "event skipped: it is over",
            &[("event", event.id()), ("eventId", id)],
        );
        return Ok(());
    }
    let new = Stored {
        name: e.name.clone().into_owned(),
        site: e.site.clone().into_owned(),
        starts_at: e.starts_at.clone().into_owned(),
        ends_at: e.ends_at.clone().into_owned(),
        expected_visitors: e.expected_visitors,
    };
    let record_key = key(PREFIX, id);
    let old: Option<Stored> = load_record(ctx, &record_key, None);
    if old.as_ref() == Some(&new) {
        return Ok(());
    }
    if let Some(old) = &old
        && old.site != new.site
    {
        unlist(ctx, &old.site, id)?;
    }
    ctx.state().set_json(&record_key, &new)?;
    let site_key = key(SITE_PREFIX, &new.site);
    let mut ids: Vec<String> = load_record(ctx, &site_key, None).unwrap_or_default();
    if !ids.iter().any(|i| i == id) {
        ids.push(id.to_owned());
        ctx.state().set_json(&site_key, &ids)?;
    }
    let mut by_end: Vec<(i64, String)> = load_record(ctx, ENDS, None).unwrap_or_default();
    by_end.retain(|(_, i)| i != id);
    let entry = (ends.seconds(), id.to_owned());
    let at = by_end.partition_point(|e| *e <= entry);
    by_end.insert(at, entry);
    ctx.state().set_json(ENDS, &by_end)
}

/// Forgets every event that has ended by `now`.
pub fn prune(ctx: &mut Context<'_>, now: Timestamp) -> Result<(), Error> {
    let mut by_end: Vec<(i64, String)> = load_record(ctx, ENDS, None).unwrap_or_default();
    let over = by_end.partition_point(|(end, _)| *end <= now.seconds());
    if over == 0 {
        return Ok(());
    }
    for (_, id) in by_end.drain(..over) {
        let record_key = key(PREFIX, &id);
        if let Some(stored) = load_record::<Stored>(ctx, &record_key, None) {
            unlist(ctx, &stored.site, &id)?;
        }
        ctx.state().delete(&record_key)?;
    }
    if by_end.is_empty() {
        ctx.state().delete(ENDS)
    } else {
        ctx.state().set_json(ENDS, &by_end)
    }
}

/// The events at `site` under way at `now` or starting within `horizon`,
/// by start.
pub fn upcoming(
    ctx: &mut Context<'_>,
    site: &str,
    now: Timestamp,
    horizon: core::time::Duration,
) -> Vec<Stored> {
    let ids: Vec<String> = load_record(ctx, &key(SITE_PREFIX, site), None).unwrap_or_default();
    let until = after(now, horizon);
    let mut events: Vec<(Timestamp, Stored)> = ids
        .iter()
        .filter_map(|id| load_record::<Stored>(ctx, &key(PREFIX, id), None))
        .filter_map(|e| {
            let starts = Timestamp::parse_rfc3339(&e.starts_at)?;
            let ends = Timestamp::parse_rfc3339(&e.ends_at)?;
            (starts <= until && ends > now).then_some((starts, e))
        })
        .collect();
    events.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    events.into_iter().map(|(_, e)| e).collect()
}

fn unlist(ctx: &mut Context<'_>, site: &str, id: &str) -> Result<(), Error> {
    let site_key = key(SITE_PREFIX, site);
    let mut ids: Vec<String> = load_record(ctx, &site_key, None).unwrap_or_default();
    ids.retain(|i| i != id);
    if ids.is_empty() {
        ctx.state().delete(&site_key)
    } else {
        ctx.state().set_json(&site_key, &ids)
    }
}
