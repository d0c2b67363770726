//! Online orders of local produce: today's value per district, reported as
//! the `orders-value` indicator (scope = district, unit `vnd`).
//!
//! Each order counts once: its id is remembered under `order/<id>` until
//! the end of its day, and only orders of today (the plugin clock's civil
//! day, UTC+7) count, so a redelivery, or an order arriving after its day
//! ended, adds nothing. A district's total is under `district/<name>`.
//!
//! To keep the volume sane, a district's indicator is emitted at once for
//! its first order of the day and then at most once per
//! `orders_report_every` of event time: an order within that span is
//! remembered in `orders/pending` and reported, with the newest total, once
//! the span has passed (on any later event or clock tick). When a new day
//! begins, a district's pending total of the day before is reported, then
//! its indicator goes back to 0 (observed at midnight).

use cityhub_sdk::city::{Clock, Indicator, Text, Unit, after, local_day, local_rfc3339};
use cityhub_sdk::{Context, Error, Event, Output, Timestamp};
use serde::{Deserialize, Serialize};

use crate::INDICATOR;
use crate::config::Config;
use crate::input::Order;
use crate::store::{self, enlist, hour_after, key, load, save};

/// District totals are stored under this prefix and the district name.
pub const PREFIX: &str = "district/";
/// Orders seen today are stored under this prefix and the order id.
pub const ORDER_PREFIX: &str = "order/";
/// The index of every district with a total.
pub const INDEX: &str = "index/districts";
/// `(due, district)` of totals waiting to be reported, by due time (seconds
/// since the epoch).
pub const PENDING: &str = "orders/pending";

/// A district's orders of one day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct District {
    /// The civil day (`YYYY-MM-DD`).
    pub day: String,
    /// The day's orders' value, đồng.
    pub value_vnd: u64,
    /// The day's orders.
    pub orders: u32,
    /// The value last reported, if any was this day.
    pub reported_vnd: Option<u64>,
    /// When it was reported (RFC 3339, UTC).
    pub reported_at: Option<String>,
    /// When the newest order counted was placed (RFC 3339, UTC+7).
    pub last_order_at: String,
}

/// Takes in an order (checked; placed at `at`).
pub fn handle(
    ctx: &mut Context<'_>,
    config: &Config,
    event: &Event<'_>,
    order: &Order<'_>,
    at: Timestamp,
) -> Result<(), Error> {
    let now = Clock::now(ctx).unwrap_or(at);
    let today = local_day(now);
    let skip = |ctx: &mut Context<'_>, why: &str| {
        ctx.log()
            .debug(why, &[("event", event.id()), ("order", &order.order_id)]);
        Ok(())
    };
    if local_day(at) != today {
        return skip(ctx, "order skipped: not of today");
    }
    let order_key = key(ORDER_PREFIX, &order.order_id);
    if ctx.state().get(&order_key).is_some() {
        return skip(ctx, "order skipped: counted already");
    }
    let hour = hour_after(midnight(now, 1));
    ctx.state().set(&order_key, hour.to_string())?;
    store::schedule(ctx, &order_key, hour)?;

    let district = &*order.district;
    let key = key(PREFIX, district);
    let stored: Option<District> = load(ctx, &key);
    if stored.is_none() {
        enlist(ctx, INDEX, district)?;
    }
    let mut d = stored.unwrap_or_default();
    if d.day != today {
        d = District {
            day: today,
            ..District::default()
        };
    }
    d.value_vnd = d.value_vnd.saturating_add(order.value_vnd);
    d.orders = d.orders.saturating_add(1);
    d.last_order_at = local_rfc3339(at);
    let due = d
        .reported_at
        .as_deref()
        .and_then(Timestamp::parse_rfc3339)
        .map(|last| after(last, config.orders_report_every.as_duration()));
    match due {
        Some(due) if now < due => {
            let mut pending: Vec<(i64, String)> = load(ctx, PENDING).unwrap_or_default();
            if !pending.iter().any(|(_, name)| name == district) {
                let entry = (due.seconds(), district.to_owned());
                let at = pending.partition_point(|p| *p <= entry);
                pending.insert(at, entry);
                save(ctx, PENDING, &pending)?;
            }
        }
        _ => report(ctx, district, &mut d, now)?,
    }
    save(ctx, &key, &d)
}

/// Reports every pending total that is due by `now`.
pub fn flush(ctx: &mut Context<'_>, now: Timestamp) -> Result<(), Error> {
    let mut pending: Vec<(i64, String)> = load(ctx, PENDING).unwrap_or_default();
    let due = pending.partition_point(|(at, _)| *at <= now.seconds());
    if due == 0 {
        return Ok(());
    }
    for (_, district) in pending.drain(..due) {
        let key = key(PREFIX, &district);
        if let Some(mut d) = load::<District>(ctx, &key)
            && d.reported_vnd != Some(d.value_vnd)
        {
            report(ctx, &district, &mut d, now)?;
            save(ctx, &key, &d)?;
        }
    }
    if pending.is_empty() {
        ctx.state().delete(PENDING)
    } else {
        save(ctx, PENDING, &pending)
    }
}

/// Starts `today` for every district: a pending total of an earlier day is
/// reported, then a non-zero one goes back to 0, observed at `midnight`.
pub fn roll_all(ctx: &mut Context<'_>, today: &str, midnight: Timestamp) -> Result<(), Error> {
    for district in store::index(ctx, INDEX) {
        let key = key(PREFIX, &district);
        let Some(mut d) = load::<District>(ctx, &key) else {
            continue;
        };
        if d.day == today {
            continue;
        }
        if d.reported_vnd != Some(d.value_vnd) {
            report(ctx, &district, &mut d, midnight)?;
        }
        let reset = d.value_vnd != 0;
        d = District {
            day: today.to_owned(),
            last_order_at: local_rfc3339(midnight),
            ..District::default()
        };
        if reset {
            report(ctx, &district, &mut d, midnight)?;
        }
        save(ctx, &key, &d)?;
    }
    Ok(())
}

/// Forgets the order under `key` (its day is over).
pub fn expire(ctx: &mut Context<'_>, key: &str) -> Result<(), Error> {
    ctx.state().delete(key)
}

/// The province's midnight `days` after the start of `t`'s civil day.
pub fn midnight(t: Timestamp, days: i64) -> Timestamp {
    let offset = i64::from(cityhub_sdk::city::PROVINCE_OFFSET_MINUTES) * 60;
    let local = t.seconds() + offset;
    let start = local - local.rem_euclid(86_400);
    Timestamp::new(start + days * 86_400 - offset, 0)
}

/// Emits `d`'s total, observed when its newest order was placed, and
/// remembers it as reported at `now`.
fn report(
    ctx: &mut Context<'_>,
    district: &str,
    d: &mut District,
    now: Timestamp,
) -> Result<(), Error> {
    let data = Indicator {
        indicator: "orders-value".to_owned(),
        scope: district.to_owned(),
        scope_name: Some(district.to_owned()),
        name: Text::new(
            "Giá trị đơn hàng nông sản trực tuyến trong ngày",
            "Value of online produce orders today",
        ),
        // Exact below 2^53 đồng.
        value: d.value_vnd as f64,
        unit: Unit::Vnd,
        observed_at: d.last_order_at.clone(),
    };
    d.reported_vnd = Some(d.value_vnd);
    d.reported_at = Some(now.to_string());
    ctx.emit(
        Output::new(INDICATOR)
            .subject(district)
            .time(&data.observed_at)
            .json(&data),
    )
}
