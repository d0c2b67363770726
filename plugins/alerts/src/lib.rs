//! Operations-centre alerts from traffic congestion, for Lạng Sơn's
//! Intelligent Operations Centre (IOC).
//!
//! Reads the traffic plugin's `city.traffic.congestion` events (data:
//! `refRoadSegment`, `location`, `averageVehicleSpeed`, `level` = `heavy`,
//! `severe` or `cleared`, optional `congested`, `observedAt`; other fields
//! are ignored) and emits `city.traffic.alert` events, the city's shared
//! alert shape (`plugins/README.md`, [`cityhub_sdk::city::Alert`]), which
//! the `ioc` plugin gathers for the operations centre's screen:
//!
//! - one alert with `status: "open"` when a segment's level reaches
//!   `min_level` (default `severe`) and none is open for it yet;
//! - one with `status: "resolved"` when the segment then clears or eases
//!   below `min_level`.
//!
//! Any other congestion event emits nothing: neither a repeated level nor a
//! change within the open range (heavy to severe with `min_level = "heavy"`).
//! Subject = the segment, time = the congestion event's `time` (its
//! `observedAt` if it has none), data =
//!
//! ```json
//! {"alertId": "QL1A-km2", "status": "open", "category": "traffic",
//!  "subCategory": "congestion", "severity": "high",
//!  "title": {"vi": "Ùn tắc nghiêm trọng tại QL1A-km2", "en": "Severe congestion at QL1A-km2"},
//!  "location": {"type": "Point", "coordinates": [106.708, 21.968]},
//!  "figures": {"averageVehicleSpeed": 9.84, "level": "severe", "segment": "QL1A-km2"},
//!  "observedAt": "2026-11-27T07:30:00+07:00",
//!  "priority": "high", "segment": "QL1A-km2", "level": "severe"}
//! ```
//!
//! `alertId` is the segment, so an alert's `open` and `resolved` events
//! share it. `priority` is `high` for the `border_segments` (the approaches
//! to the Hữu Nghị and Tân Thanh border gates, where fruit trucks queue) and
//! `normal` elsewhere; `severity` follows it: `high` for a border segment
//! (a queue there holds up the province's border trade), `medium` for any
//! other. A resolution keeps the priority and severity its alert opened
//! with. `figures` hold the segment's smoothed `averageVehicleSpeed` (km/h)
//! and `level` now; `priority`, `segment` and `level` stay top-level too,
//! as before the shared shape. There is no `description`.
//!
//! State, per segment: `open/<segment>` while its alert is open, then
//! `closed/<segment>` (see [`Record`]). A congestion event observed no later
//! than the segment's record is a redelivery or arrives out of order: it is
//! skipped (logged at debug), so nothing is alerted twice. A malformed event
//! fails the batch with an invalid-input error that names the event and the
//! field.

mod alert;
mod config;
mod congestion;
mod record;

use cityhub_sdk::{Batch, Context, Error, Event, Output, Plugin};

pub use alert::{Alert, CATEGORY, Priority, SUB_CATEGORY, title};
pub use cityhub_sdk::city::AlertStatus;
pub use cityhub_sdk::geo::Point;
pub use config::{Config, MinLevel};
pub use congestion::{Congestion, Level, MAX_SEGMENT_ID};
pub use record::{CLOSED_PREFIX, Closed, OPEN_PREFIX, Opened, Record};

/// The event type the plugin reads.
pub const CONGESTION: &str = "city.traffic.congestion";
/// The event type the plugin emits.
pub const ALERT: &str = "city.traffic.alert";

/// The plugin: its configuration. Everything else lives in state.
#[derive(Debug)]
pub struct Alerts {
    config: Config,
}

impl Plugin for Alerts {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(Alerts { config })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            if event.ty() == CONGESTION {
                self.congestion(&event, ctx)?;
            } else {
                ctx.log().warn(
                    "event skipped: not a traffic congestion",
                    &[("event", event.id()), ("type", event.ty())],
                );
            }
        }
        Ok(())
    }
}

impl Alerts {
    fn congestion(&self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let congestion: Congestion<'_> = event.data_json()?;
        let at = congestion.check(event)?;
        let segment = &*congestion.ref_road_segment;
        let record = Record::load(ctx, segment, event);
        if record.last().is_some_and(|last| at <= last) {
            ctx.log().debug(
                "congestion skipped: not newer than the segment's alert",
                &[("event", event.id()), ("segment", segment)],
            );
            return Ok(());
        }

        let alarming = self.config.alarming(congestion.level);
        let (status, priority) = match record {
            Record::None | Record::Closed(_) if alarming => {
                let priority = self.priority(segment);
                let opened = Opened {
                    priority,
                    observed_at: congestion.observed_at.clone().into_owned(),
                };
                let mut state = ctx.state();
                state.set_json(&record::key(OPEN_PREFIX, segment), &opened)?;
                // (also when `closed/` was unreadable, so the record counted as none)
                state.delete(&record::key(CLOSED_PREFIX, segment))?;
                (AlertStatus::Open, priority)
            }
            Record::Open { priority, .. } if !alarming => {
                let closed = Closed {
                    observed_at: congestion.observed_at.clone().into_owned(),
                };
                let mut state = ctx.state();
                state.set_json(&record::key(CLOSED_PREFIX, segment), &closed)?;
                state.delete(&record::key(OPEN_PREFIX, segment))?;
                (
                    AlertStatus::Resolved,
                    priority.unwrap_or_else(|| self.priority(segment)),
                )
            }
            // Still open, or still below `min_level`: nothing to tell.
            _ => return Ok(()),
        };

        let alert = Alert::new(
            status,
            priority,
            segment,
            congestion.level,
            congestion.average_vehicle_speed,
            &congestion.location,
            &congestion.observed_at,
        );
        let output = Output::new(ALERT)
            .subject(segment)
            .time(event.time().unwrap_or(&congestion.observed_at))
            .json(&alert);
        ctx.emit(output)
    }

    fn priority(&self, segment: &str) -> Priority {
        if self.config.is_border(segment) {
            Priority::High
        } else {
            Priority::Normal
        }
    }
}

cityhub_sdk::export_plugin!(Alerts);
