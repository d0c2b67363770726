//! The inputs, read in place and checked field by field: visitor counts,
//! accommodation occupancy and events at the sites. Errors are
//! invalid-input errors naming the event and the field.

use std::borrow::Cow;

use cityhub_sdk::{Error, Event, Timestamp};
use serde::Deserialize;

use crate::config::MAX_SITE_ID;

/// The longest accommodation or event id, in bytes.
pub const MAX_ID: usize = 128;
/// The longest district name, in bytes.
pub const MAX_DISTRICT: usize = 64;
/// The most rooms one accommodation may report.
pub const MAX_ROOMS: u32 = 10_000;

/// The data of a `city.tourism.visitors` event.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Visitors<'a> {
    /// The site id, e.g. `mau-son`.
    #[serde(borrow)]
    pub site: Cow<'a, str>,
    /// Its name, passed through, e.g. `Khu du lịch Mẫu Sơn`.
    #[serde(borrow)]
    pub site_name: Cow<'a, str>,
    /// Visitors present now.
    pub present: u32,
    /// When they were counted, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl Visitors<'_> {
    /// Checks what serde cannot; returns `observedAt`.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        let bad = bad(event);
        id(&bad, "site", &self.site, MAX_SITE_ID)?;
        id(&bad, "siteName", &self.site_name, 256)?;
        time(&bad, "observedAt", &self.observed_at)
    }
}

/// The data of a `city.tourism.occupancy` event.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Occupancy<'a> {
    /// The hotel or homestay.
    #[serde(borrow)]
    pub accommodation_id: Cow<'a, str>,
    /// Its district, e.g. `Bắc Sơn`.
    #[serde(borrow)]
    pub district: Cow<'a, str>,
    /// Rooms it has.
    pub rooms_total: u32,
    /// Rooms occupied.
    pub rooms_occupied: u32,
    /// When, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl Occupancy<'_> {
    /// Checks what serde cannot; returns `observedAt`.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        let bad = bad(event);
        id(&bad, "accommodationId", &self.accommodation_id, MAX_ID)?;
        id(&bad, "district", &self.district, MAX_DISTRICT)?;
        if !(1..=MAX_ROOMS).contains(&self.rooms_total) {
            return Err(bad(
                "roomsTotal",
                format!("must be 1 to {MAX_ROOMS} rooms, got {}", self.rooms_total),
            ));
        }
        if self.rooms_occupied > self.rooms_total {
            return Err(bad(
                "roomsOccupied",
                format!(
                    "({}) must not exceed `roomsTotal` ({})",
                    self.rooms_occupied, self.rooms_total
                ),
            ));
        }
        time(&bad, "observedAt", &self.observed_at)
    }
}

/// The data of a `city.tourism.event` event: a festival or event at a site.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteEvent<'a> {
    /// Stable id of the event.
    #[serde(borrow)]
    pub event_id: Cow<'a, str>,
    /// Its name, passed through, e.g. `Lễ hội mùa xuân Mẫu Sơn`.
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    /// The site id.
    #[serde(borrow)]
    pub site: Cow<'a, str>,
    /// When it starts, RFC 3339.
    #[serde(borrow)]
    pub starts_at: Cow<'a, str>,
    /// When it ends, RFC 3339.
    #[serde(borrow)]
    pub ends_at: Cow<'a, str>,
    /// Visitors the organisers expect.
    pub expected_visitors: u32,
}

impl SiteEvent<'_> {
    /// Checks what serde cannot; returns `(startsAt, endsAt)`.
    pub fn check(&self, event: &Event<'_>) -> Result<(Timestamp, Timestamp), Error> {
        let bad = bad(event);
        id(&bad, "eventId", &self.event_id, MAX_ID)?;
        id(&bad, "name", &self.name, 256)?;
        id(&bad, "site", &self.site, MAX_SITE_ID)?;
        let starts = time(&bad, "startsAt", &self.starts_at)?;
        let ends = time(&bad, "endsAt", &self.ends_at)?;
        if ends <= starts {
            return Err(bad(
                "endsAt",
                format!("({ends}) must be after `startsAt` ({starts})"),
            ));
        }
        Ok((starts, ends))
    }
}

/// The time of a clock tick.
pub fn tick(event: &Event<'_>) -> Result<Timestamp, Error> {
    let tick: cityhub_sdk::city::Tick = event.data_json()?;
    time(&bad(event), "now", &tick.now)
}

type Bad<'e> = dyn Fn(&str, String) -> Error + 'e;

fn bad<'e>(event: &'e Event<'_>) -> impl Fn(&str, String) -> Error + 'e {
    move |field: &str, why: String| Error::invalid_input(event, format!("`data.{field}` {why}"))
}

fn id(bad: &Bad<'_>, field: &str, value: &str, max: usize) -> Result<(), Error> {
    if value.trim().is_empty() || value.len() > max {
        return Err(bad(
            field,
            format!("must be 1 to {max} bytes, got {}", value.len()),
        ));
    }
    Ok(())
}

fn time(bad: &Bad<'_>, field: &str, text: &str) -> Result<Timestamp, Error> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| {
        bad(
            field,
            format!(
                "must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got {text:?}"
            ),
        )
    })
}
