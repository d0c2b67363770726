//! Congestion: what a `city.traffic.reading` does. The reading folds into
//! its segment's averages ([`Segment`]), and a `city.traffic.congestion`
//! event is emitted when the segment's level changes.

use cityhub_sdk::{Context, Error, Event, Output, geo::Point};
use serde::Serialize;

use crate::CONGESTION;
use crate::config::Config;
use crate::reading::Reading;
use crate::segment::{KEY_PREFIX, Level, Segment};

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

/// Handles one reading; `key` is a reusable buffer for the state key.
pub fn handle(
    config: &Config,
    key: &mut String,
    event: &Event<'_>,
    ctx: &mut Context<'_>,
) -> Result<(), Error> {
    let reading: Reading<'_> = event.data_json()?;
    let at = reading.check(event)?.seconds();
    let (speed, intensity) = (reading.average_vehicle_speed, reading.intensity);
    key.clear();
    key.push_str(KEY_PREFIX);
    key.push_str(&reading.ref_road_segment);

    let (segment, change) = match load(ctx, key, event) {
        Some(segment) if at <= segment.last => {
            ctx.log().debug(
                "reading skipped: not newer than the segment's last",
                &[("event", event.id())],
            );
            return Ok(());
        }
        Some(mut segment) => {
            let change = segment.update(speed, intensity, at, config);
            (segment, change)
        }
        None => {
            let mut segment = Segment::first(speed, intensity, at);
            let change = segment.classify(config);
            (segment, change)
        }
    };
    ctx.state().set(key, segment.to_bytes())?;

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
fn load(ctx: &mut Context<'_>, key: &str, event: &Event<'_>) -> Option<Segment> {
    let decoded = {
        let mut state = ctx.state();
        Segment::from_bytes(state.get(key)?)
    };
    match decoded {
        Some(segment) => Some(segment),
        None => {
            ctx.log().error(
                "segment state unreadable, starting afresh",
                &[
                    ("key", key),
                    ("event", event.id()),
                    ("error", "not a version-1 segment record"),
                ],
            );
            None
        }
    }
}
