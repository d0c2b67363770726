//! Traffic congestion for Lạng Sơn's roads (Sở Giao thông Vận tải).
//!
//! Reads `city.traffic.reading` events, whose data follows FIWARE's
//! TrafficFlowObserved (`refRoadSegment`, `location`, `intensity`,
//! `averageVehicleSpeed`, `dateObservedFrom`, `dateObservedTo`, optional
//! `laneId`). For every road segment it keeps, in state under
//! `segment/<id>`, exponentially weighted moving averages of speed and
//! intensity, the number of readings and the congestion level.
//!
//! A segment with at least `min_samples` readings is *heavy* while its
//! smoothed speed is below `speed_threshold_kmh` and *severe* below
//! `severe_speed_kmh`. Whenever a segment's level changes (congestion begins,
//! worsens, eases or clears) the plugin emits one `city.traffic.congestion`
//! event about it: subject = the segment, time = the end of the reading's
//! window, data =
//!
//! ```json
//! {"refRoadSegment": "QL1A-km2", "location": {"type": "Point", "coordinates": [106.708, 21.968]},
//!  "averageVehicleSpeed": 19.57, "intensity": 41.3, "congested": true, "level": "heavy",
//!  "samples": 3, "observedAt": "2026-11-27T07:15:00+07:00"}
//! ```
//!
//! with `level` one of `heavy`, `severe` or `cleared` (`congested: false`),
//! after TrafficFlowObserved's `congested` attribute. The averages smooth
//! single slow readings away; there is no further hysteresis.
//!
//! A reading whose window does not end after the segment's newest one is a
//! redelivery or arrives out of order: it is skipped (and logged at debug),
//! so a batch retried by the host counts nothing twice. A malformed reading
//! fails the batch with an invalid-input error that names the event and the
//! field.

mod config;
mod reading;
mod segment;

use cityhub_sdk::{Batch, Context, Error, Event, Output, Plugin};
use serde::Serialize;

pub use cityhub_sdk::geo::Point;
pub use config::{Alpha, Config, Kmh};
pub use reading::{MAX_SEGMENT_ID, Reading};
pub use segment::{ENCODED_LEN, KEY_PREFIX, Level, Segment};

/// The event type the plugin reads.
pub const READING: &str = "city.traffic.reading";
/// The event type the plugin emits.
pub const CONGESTION: &str = "city.traffic.congestion";

/// The plugin: its configuration and a reusable state-key buffer. Everything
/// else lives in state.
#[derive(Debug)]
pub struct Traffic {
    config: Config,
    key: String,
}

/// The data of a `city.traffic.congestion` event.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Congestion<'a> {
    ref_road_segment: &'a str,
    location: &'a Point<'a>,
    average_vehicle_speed: f64,
    intensity: f64,
    congested: bool,
    level: &'static str,
    samples: u32,
    observed_at: &'a str,
}

impl Plugin for Traffic {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(Traffic {
            config,
            key: String::with_capacity(64),
        })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            if event.ty() == READING {
                self.reading(&event, ctx)?;
            } else {
                ctx.log().warn(
                    "event skipped: not a traffic reading",
                    &[("event", event.id()), ("type", event.ty())],
                );
            }
        }
        Ok(())
    }
}

impl Traffic {
    fn reading(&mut self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let reading: Reading<'_> = event.data_json()?;
        let at = reading.check(event)?.seconds();
        let (speed, intensity) = (reading.average_vehicle_speed, reading.intensity);
        self.key.clear();
        self.key.push_str(KEY_PREFIX);
        self.key.push_str(&reading.ref_road_segment);

        let (segment, change) = match self.load(ctx, event) {
            Some(segment) if at <= segment.last => {
                ctx.log().debug(
                    "reading skipped: not newer than the segment's last",
                    &[("event", event.id())],
                );
                return Ok(());
            }
            Some(mut segment) => {
                let change = segment.update(speed, intensity, at, &self.config);
                (segment, change)
            }
            None => {
                let mut segment = Segment::first(speed, intensity, at);
                let change = segment.classify(&self.config);
                (segment, change)
            }
        };
        ctx.state().set(&self.key, segment.to_bytes())?;

        if let Some(level) = change {
            let data = Congestion {
                ref_road_segment: &reading.ref_road_segment,
                location: &reading.location,
                average_vehicle_speed: segment.speed,
                intensity: segment.intensity,
                congested: level != Level::Free,
                level: level.as_event_level(),
                samples: segment.samples,
                observed_at: &reading.date_observed_to,
            };
            let output = Output::new(CONGESTION)
                .subject(&reading.ref_road_segment)
                .time(&reading.date_observed_to)
                .json(&data);
            ctx.emit(output)?;
        }
        Ok(())
    }

    /// The segment's state; unreadable state is logged and started afresh
    /// rather than blocking the segment for good.
    fn load(&self, ctx: &mut Context<'_>, event: &Event<'_>) -> Option<Segment> {
        let decoded = {
            let mut state = ctx.state();
            Segment::from_bytes(state.get(&self.key)?)
        };
        match decoded {
            Some(segment) => Some(segment),
            None => {
                ctx.log().error(
                    "segment state unreadable, starting afresh",
                    &[
                        ("key", &self.key),
                        ("event", event.id()),
                        ("error", "not a version-1 segment record"),
                    ],
                );
                None
            }
        }
    }
}

cityhub_sdk::export_plugin!(Traffic);
