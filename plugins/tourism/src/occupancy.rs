//! Accommodation occupancy per district: the newest report of each
//! hotel or homestay under `stay/<id>`, summed per district under
//! `district/<name>` (rooms occupied and rooms in total, whole numbers, so
//! the sums stay exact), reported as the `occupancy` indicator (scope =
//! district, ratio) whenever a district's ratio changes.
//!
//! A report observed no later than the accommodation's newest is skipped.
//! Accommodations are few (hundreds) and never pruned: their latest report
//! stands until the next.

use cityhub_sdk::city::{Indicator, Text, Unit, load_record, local_rfc3339};
use cityhub_sdk::{Context, Error, Event, Output, Timestamp};
use serde::{Deserialize, Serialize};

use crate::INDICATOR;
use crate::input::Occupancy;
use crate::store::key;

/// Accommodation records: this prefix and the accommodation id.
pub const STAY_PREFIX: &str = "stay/";
/// District sums: this prefix and the district name.
pub const DISTRICT_PREFIX: &str = "district/";

/// An accommodation's newest report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Stay {
    /// Its district.
    pub district: String,
    /// Rooms it has.
    pub rooms_total: u32,
    /// Rooms occupied.
    pub rooms_occupied: u32,
    /// When it was observed (RFC 3339, UTC).
    pub at: String,
}

/// A district's sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct District {
    /// Rooms in total.
    pub rooms_total: u64,
    /// Rooms occupied.
    pub rooms_occupied: u64,
}

impl District {
    /// Occupied over total, rounded to 4 decimals; `None` without rooms.
    pub fn ratio(&self) -> Option<f64> {
        // Exact: room counts are far below 2^53.
        (self.rooms_total > 0).then(|| {
            let r = self.rooms_occupied as f64 / self.rooms_total as f64;
            (r * 10_000.0).round() / 10_000.0
        })
    }
}

/// Takes in an occupancy report (checked; observed at `at`).
pub fn handle(
    ctx: &mut Context<'_>,
    event: &Event<'_>,
    o: &Occupancy<'_>,
    at: Timestamp,
) -> Result<(), Error> {
    let stay_key = key(STAY_PREFIX, &o.accommodation_id);
    let old: Option<Stay> = load_record(ctx, &stay_key, None);
    if old
        .as_ref()
        .and_then(|s| Timestamp::parse_rfc3339(&s.at))
        .is_some_and(|last| at <= last)
    {
        ctx.log().debug(
            "occupancy skipped: not newer than the accommodation's last",
            &[
                ("event", event.id()),
                ("accommodation", &o.accommodation_id),
            ],
        );
        return Ok(());
    }
    let new = Stay {
        district: o.district.clone().into_owned(),
        rooms_total: o.rooms_total,
        rooms_occupied: o.rooms_occupied,
        at: at.to_string(),
    };
    ctx.state().set_json(&stay_key, &new)?;
    if let Some(old) = old.as_ref().filter(|old| old.district != new.district) {
        change(ctx, &old.district, at, |d| take(d, old))?;
        change(ctx, &new.district, at, |d| give(d, &new))
    } else {
        change(ctx, &new.district, at, |d| {
            if let Some(old) = &old {
                take(d, old);
            }
            give(d, &new);
        })
    }
}

fn take(d: &mut District, s: &Stay) {
    d.rooms_total = d.rooms_total.saturating_sub(u64::from(s.rooms_total));
    d.rooms_occupied = d.rooms_occupied.saturating_sub(u64::from(s.rooms_occupied));
}

fn give(d: &mut District, s: &Stay) {
    d.rooms_total = d.rooms_total.saturating_add(u64::from(s.rooms_total));
    d.rooms_occupied = d.rooms_occupied.saturating_add(u64::from(s.rooms_occupied));
}

fn change(
    ctx: &mut Context<'_>,
    district: &str,
    at: Timestamp,
    f: impl FnOnce(&mut District),
) -> Result<(), Error> {
    let district_key = key(DISTRICT_PREFIX, district);
    let before: Option<District> = load_record(ctx, &district_key, None);
    let mut d = before.unwrap_or_default();
    f(&mut d);
    if d.rooms_total == 0 {
        ctx.state().delete(&district_key)?;
    } else {
        ctx.state().set_json(&district_key, &d)?;
    }
    let Some(ratio) = d.ratio() else {
        return Ok(());
    };
    if before.and_then(|b| b.ratio()) == Some(ratio) {
        return Ok(());
    }
    let observed_at = local_rfc3339(at);
    let data = Indicator {
        indicator: "occupancy".to_owned(),
        scope: district.to_owned(),
        scope_name: Some(district.to_owned()),
        name: Text::new("Công suất sử dụng buồng lưu trú", "Accommodation occupancy"),
        value: ratio,
        unit: Unit::Ratio,
        observed_at,
    };
    ctx.emit(
        Output::new(INDICATOR)
            .subject(district)
            .time(&data.observed_at)
            .json(&data),
    )
}
