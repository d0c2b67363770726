//! Border queues: what a `city.traffic.gate-count` does. The count joins
//! its gate's ring ([`Queue`]), and the plugin emits a
//! `city.traffic.border-queue` with the queue's length, rates and trend,
//! and a `border-queue` indicator when the number of trucks waiting
//! changed.

use cityhub_sdk::city::{Clock, Indicator, Location, Text, Unit, local_rfc3339};
use cityhub_sdk::{Context, Error, Event, Output};
use serde::Serialize;

use crate::config::Config;
use crate::count::GateCount;
use crate::queue::{Count, KEY_PREFIX, Queue, Trend};
use crate::{BORDER_QUEUE, INDICATOR};

/// The data of a `city.traffic.border-queue` event.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct BorderQueue<'a> {
    gate: &'a str,
    gate_name: &'a Text,
    road: &'a str,
    location: &'a Location,
    queue_length: u32,
    growth_per_hour: f64,
    clearance_per_hour: f64,
    trend: Trend,
    observed_at: &'a str,
}

/// Handles one gate count.
pub fn handle(config: &Config, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
    let count: GateCount<'_> = event.data_json()?;
    let (gate, at) = count.check(event, config)?;
    Clock::advance(ctx, at)?;
    let key = format!("{KEY_PREFIX}{}", gate.id);
    let mut queue = load(ctx, &key, event);
    let previous = queue.newest();
    if previous.is_some_and(|p| at.seconds() <= p.0) {
        ctx.log().debug(
            "gate count skipped: not newer than the gate's last",
            &[("event", event.id()), ("gate", &gate.id)],
        );
        return Ok(());
    }
    let window = i64::try_from(config.rate_window.as_duration().as_secs()).unwrap_or(i64::MAX);
    queue.push(
        Count(at.seconds(), count.trucks_waiting, count.trucks_cleared),
        window,
    );
    ctx.state().set_json(&key, &queue)?;

    let rates = queue.rates();
    let local = local_rfc3339(at);
    let data = BorderQueue {
        gate: &gate.id,
        gate_name: &gate.name,
        road: &gate.road,
        location: &gate.location,
        queue_length: count.trucks_waiting,
        growth_per_hour: rates.growth_per_hour,
        clearance_per_hour: rates.clearance_per_hour,
        trend: Trend::of(rates.growth_per_hour, config.steady_band_per_hour.0),
        observed_at: &local,
    };
    ctx.emit(
        Output::new(BORDER_QUEUE)
            .subject(&gate.id)
            .time(&local)
            .json(&data),
    )?;

    if previous.is_none_or(|p| p.1 != count.trucks_waiting) {
        let data = Indicator {
            indicator: "border-queue".to_owned(),
            scope: gate.id.clone(),
            scope_name: Some(gate.name.vi.clone()),
            name: Text::new(
                "Xe tải chờ qua cửa khẩu",
                "Trucks waiting at the border gate",
            ),
            value: f64::from(count.trucks_waiting),
            unit: Unit::Count,
            observed_at: local.clone(),
        };
        ctx.emit(
            Output::new(INDICATOR)
                .subject(&gate.id)
                .time(&local)
                .json(&data),
        )?;
    }
    Ok(())
}

/// The gate's ring; unreadable state is logged and started afresh.
fn load(ctx: &mut Context<'_>, key: &str, event: &Event<'_>) -> Queue {
    match ctx.state().get_json::<Queue>(key) {
        Ok(queue) => queue.unwrap_or_default(),
        Err(err) => {
            let error = err.message().to_owned();
            ctx.log().error(
                "gate state unreadable, starting afresh",
                &[("key", key), ("event", event.id()), ("error", &error)],
            );
            Queue::default()
        }
    }
}
