//! The inputs, read in place and checked field by field: visitor counts,
//! accommodation occupancy and events at the sites. Errors are
//! invalid-input errors naming the event and the field.

use std::borrow::Cow;

use cityhub_sdk::city::Input;
use cityhub_sdk::{Error, Event, Timestamp};
use serde::Deserialize;

use crate::config::MAX_SITE_ID;

/// The longest accommodation or event id, in bytes.
pub const MAX_ID: usize = 128;
/// The longest district name, in bytes.
pub const MAX_DISTRICT: usize = 64;
/// The longest site or event name, in bytes.
pub const MAX_NAME: usize = 256;
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
        let input = Input::of(event);
        input.name("site", &self.site, MAX_SITE_ID)?;
        input.name("siteName", &self.site_name, MAX_NAME)?;
        input.time("observedAt", &self.observed_at)
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
        let input = Input::of(event);
        input.name("accommodationId", &self.accommodation_id, MAX_ID)?;
        input.name("district", &self.district, MAX_DISTRICT)?;
        let rooms = 1.0..=f64::from(MAX_ROOMS);
        input.number("roomsTotal", f64::from(self.rooms_total), rooms, "rooms")?;
        if self.rooms_occupied > self.rooms_total {
            return Err(input.invalid(
                "roomsOccupied",
                format_args!(
                    "({}) must not exceed `roomsTotal` ({})",
                    self.rooms_occupied, self.rooms_total
                ),
            ));
        }
        input.time("observedAt", &self.observed_at)
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
        let input = Input::of(event);
        input.name("eventId", &self.event_id, MAX_ID)?;
        input.name("name", &self.name, MAX_NAME)?;
        input.name("site", &self.site, MAX_SITE_ID)?;
        let starts = input.time("startsAt", &self.starts_at)?;
        let ends = input.time("endsAt", &self.ends_at)?;
        if ends <= starts {
            return Err(input.invalid(
                "endsAt",
                format_args!("({ends}) must be after `startsAt` ({starts})"),
            ));
        }
        Ok((starts, ends))
    }
}
