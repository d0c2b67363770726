//! Smart tourism for Lạng Sơn (Sở Văn hóa, Thể thao và Du lịch): visitors
//! at the tourist sites, crowding alerts that name the sites' events, and
//! accommodation occupancy per district.
//!
//! # In
//! - `city.tourism.visitors` `{"site": "mau-son", "siteName": "Khu du lịch
//!   Mẫu Sơn", "present": 4200, "observedAt"}`.
//! - `city.tourism.occupancy` `{"accommodationId", "district",
//!   "roomsTotal", "roomsOccupied", "observedAt"}`.
//! - `city.tourism.event` `{"eventId", "name", "site", "startsAt",
//!   "endsAt", "expectedVisitors"}`: kept until it ends (see [`calendar`]).
//! - `cityhub.clock.tick` `{"now"}`: moves the clock, so ended events are
//!   pruned without other input.
//!
//! # Out
//! - `city.tourism.indicator`, subject = the scope: `visitors` (scope =
//!   site, `scopeName` = its `siteName` as sent, count) when a site's count
//!   changes; `occupancy` (scope = district, ratio of rooms occupied, 4
//!   decimals) when a district's ratio changes (see [`occupancy`]).
//! - `city.tourism.alert`, subject = the site, `alertId`
//!   `tourism/crowding/<site>`, `subCategory: "crowding"`: opened when a
//!   configured site's visitors reach `crowding_ratio` (0.9) of its
//!   capacity (severity `high`; `critical` at or above capacity, sent again
//!   when the severity changes), resolved when they fall below
//!   `resolve_ratio` (0.8). Figures `present`, `capacity`, `ratio`,
//!   `events` (names of the site's events under way or starting within
//!   `event_horizon`, also in the description); location = the site's.
//!   Title e.g. "Quá đông du khách tại Khu du lịch Mẫu Sơn: 4.600 / 5.000
//!   người" / "Crowding at Mẫu Sơn tourist area: 4,600 of 5,000 visitors".
//!   See [`site`].
//!
//! Output times are the input's at `+07:00`; names (sites, districts,
//! events) pass through byte for byte.
//!
//! # Time, redelivery, state
//! The plugin's clock ([`Clock`]) is the newest `observedAt` or tick it
//! has seen; events that have ended by it are pruned. Counts and reports
//! not newer than what state holds for their site or accommodation are
//! skipped (logged at debug); an event sent again replaces its record. A
//! malformed input fails the batch with an invalid-input error naming the
//! event and the field.

pub mod calendar;
pub mod config;
pub mod input;
pub mod occupancy;
pub mod site;
pub mod store;

use cityhub_sdk::city::{Clock, TICK, tick_time};
use cityhub_sdk::{Batch, Context, Error, Event, Plugin, Timestamp};

pub use config::{Config, Site};

/// Visitors at a site (in).
pub const VISITORS: &str = "city.tourism.visitors";
/// Accommodation occupancy (in).
pub const OCCUPANCY: &str = "city.tourism.occupancy";
/// An event at a site (in).
pub const EVENT: &str = "city.tourism.event";
/// The indicators (out).
pub const INDICATOR: &str = "city.tourism.indicator";
/// The crowding alert (out).
pub const ALERT: &str = "city.tourism.alert";

/// The plugin: its configuration. Everything else lives in state.
#[derive(Debug)]
pub struct Tourism {
    config: Config,
}

impl Plugin for Tourism {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(Tourism { config })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            self.event(&event, ctx)?;
        }
        Ok(())
    }
}

impl Tourism {
    fn event(&self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        match event.ty() {
            VISITORS => {
                let v: input::Visitors<'_> = event.data_json()?;
                let at = v.check(event)?;
                let now = advance(ctx, at)?;
                site::handle(ctx, &self.config, event, &v, at, now)
            }
            OCCUPANCY => {
                let o: input::Occupancy<'_> = event.data_json()?;
                let at = o.check(event)?;
                advance(ctx, at)?;
                occupancy::handle(ctx, event, &o, at)
            }
            EVENT => {
                let e: input::SiteEvent<'_> = event.data_json()?;
                let (_, ends) = e.check(event)?;
                // An announcement carries no observation time: it does not
                // move the clock.
                let now = Clock::now(ctx).unwrap_or(Timestamp::UNIX_EPOCH);
                calendar::handle(ctx, event, &e, ends, now)
            }
            TICK => {
                let now = tick_time(event)?;
                advance(ctx, now).map(drop)
            }
            other => {
                ctx.log().warn(
                    "event skipped: not an input of the tourism plugin",
                    &[("event", event.id()), ("type", other)],
                );
                Ok(())
            }
        }
    }
}

/// Moves the clock to `t` if newer and prunes the events that have ended.
fn advance(ctx: &mut Context<'_>, t: Timestamp) -> Result<Timestamp, Error> {
    let before = Clock::now(ctx);
    let now = Clock::advance(ctx, t)?;
    if before != Some(now) {
        calendar::prune(ctx, now)?;
    }
    Ok(now)
}

cityhub_sdk::export_plugin!(Tourism);
