//! A border gate's figures, summed from its declarations, and the
//! `city.ecommerce.gate-volume` and `perishable-waiting` indicator events
//! that report them.
//!
//! Masses are summed in whole kilograms, so adding and removing a
//! declaration leaves the sums exactly as they were. Each declaration
//! contributes a [`Share`]; an update removes its old share and adds its new
//! one. "Today" is the province's civil day (UTC+7) of the plugin's clock.

use cityhub_sdk::city::{Clock, Indicator, Text, Unit, local_day, local_rfc3339};
use cityhub_sdk::{Context, Error, Output, Timestamp};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::store::{self, enlist, key, load, save};
use crate::{GATE_VOLUME, INDICATOR, risk};

/// Gate records are stored under this prefix and the gate id.
pub const PREFIX: &str = "gate/";
/// The index of every gate with a record.
pub const INDEX: &str = "index/gates";

/// What the plugin remembers per gate, under `gate/<id>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Gate {
    /// The civil day the `…_today` sums are for (`YYYY-MM-DD`).
    pub day: String,
    /// Kilograms waiting.
    pub waiting_kg: u64,
    /// Kilograms of perishable goods waiting.
    pub perishable_kg: u64,
    /// Declarations waiting.
    pub waiting: u32,
    /// Kilograms cleared on `day`.
    pub cleared_kg_today: u64,
    /// Kilograms declared on `day`.
    pub declared_kg_today: u64,
}

/// One declaration's contribution to its gate's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share<'a> {
    /// Its mass in kilograms.
    pub kg: u64,
    /// Whether its goods spoil.
    pub perishable: bool,
    /// Whether it is waiting (else cleared).
    pub waiting: bool,
    /// The civil day it was declared.
    pub declared_day: &'a str,
    /// The civil day it was cleared, if it was.
    pub cleared_day: Option<&'a str>,
}

impl Gate {
    /// Starts a new day's sums if `today` is not the record's day.
    pub fn roll(&mut self, today: &str) {
        if self.day != today {
            today.clone_into(&mut self.day);
            self.cleared_kg_today = 0;
            self.declared_kg_today = 0;
        }
    }

    /// Adds `share` (after [`roll`](Self::roll)).
    pub fn add(&mut self, share: Share<'_>) {
        if share.waiting {
            self.waiting_kg = self.waiting_kg.saturating_add(share.kg);
            self.waiting = self.waiting.saturating_add(1);
            if share.perishable {
                self.perishable_kg = self.perishable_kg.saturating_add(share.kg);
            }
        }
        if share.declared_day == self.day {
            self.declared_kg_today = self.declared_kg_today.saturating_add(share.kg);
        }
        if share.cleared_day == Some(&self.day) {
            self.cleared_kg_today = self.cleared_kg_today.saturating_add(share.kg);
        }
    }

    /// Removes `share`, added before (after [`roll`](Self::roll)): a share
    /// of an earlier day no longer counts in today's sums.
    pub fn remove(&mut self, share: Share<'_>) {
        self.remove_waiting(share);
        if share.declared_day == self.day {
            self.declared_kg_today = self.declared_kg_today.saturating_sub(share.kg);
        }
        if share.cleared_day == Some(&self.day) {
            self.cleared_kg_today = self.cleared_kg_today.saturating_sub(share.kg);
        }
    }

    /// Removes only the waiting part of `share`: a stale declaration stays
    /// declared.
    pub fn remove_waiting(&mut self, share: Share<'_>) {
        if share.waiting {
            self.waiting_kg = self.waiting_kg.saturating_sub(share.kg);
            self.waiting = self.waiting.saturating_sub(1);
            if share.perishable {
                self.perishable_kg = self.perishable_kg.saturating_sub(share.kg);
            }
        }
    }

    /// The figures `gate-volume` reports, without the day.
    fn figures(&self) -> (u64, u64, u32, u64, u64) {
        (
            self.waiting_kg,
            self.perishable_kg,
            self.waiting,
            self.cleared_kg_today,
            self.declared_kg_today,
        )
    }
}

/// The data of a `city.ecommerce.gate-volume` event.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GateVolume<'a> {
    gate: &'a str,
    waiting_tonnes: f64,
    perishable_waiting_tonnes: f64,
    waiting_declarations: u32,
    cleared_tonnes_today: f64,
    declared_tonnes_today: f64,
    observed_at: &'a str,
}

/// Tonnes from kilograms.
pub fn tonnes(kg: u64) -> f64 {
    // Exact below 2^53 kg.
    kg as f64 / 1000.0
}

/// Changes gate `id`'s figures with `change` (its day rolled to the clock's
/// first), then emits what changed, observed at `at`: `gate-volume` if any
/// figure did, the `perishable-waiting` indicator and the cargo-at-risk
/// rule if the perishable tonnes did.
pub fn update(
    ctx: &mut Context<'_>,
    config: &Config,
    id: &str,
    at: Timestamp,
    change: impl FnOnce(&mut Gate),
) -> Result<(), Error> {
    let today = local_day(Clock::now(ctx).unwrap_or(at));
    let key = key(PREFIX, id);
    let before: Option<Gate> = load(ctx, &key);
    let fresh = before.is_none();
    let before = before.unwrap_or_default();
    let mut gate = before.clone();
    gate.roll(&today);
    change(&mut gate);
    if gate != before {
        save(ctx, &key, &gate)?;
    }
    if fresh {
        enlist(ctx, INDEX, id)?;
    }
    let observed_at = local_rfc3339(at);
    if gate.figures() != before.figures() {
        emit_volume(ctx, id, &gate, &observed_at)?;
    }
    if gate.perishable_kg != before.perishable_kg {
        emit_indicator(ctx, config, id, &gate, &observed_at)?;
        risk::evaluate(ctx, config, id, gate.perishable_kg, at)?;
    }
    Ok(())
}

/// The figures of gate `id` now, if it has any.
pub fn perishable_kg(ctx: &mut Context<'_>, id: &str) -> u64 {
    load::<Gate>(ctx, &key(PREFIX, id)).map_or(0, |g| g.perishable_kg)
}

/// Starts `today` for every gate: those with sums for an earlier day are
/// reset and reported, observed at `midnight`.
pub fn roll_all(ctx: &mut Context<'_>, today: &str, midnight: Timestamp) -> Result<(), Error> {
    let observed_at = local_rfc3339(midnight);
    for id in store::index(ctx, INDEX) {
        let key = key(PREFIX, &id);
        let Some(mut gate) = load::<Gate>(ctx, &key) else {
            continue;
        };
        let before = gate.figures();
        gate.roll(today);
        if gate.figures() != before {
            save(ctx, &key, &gate)?;
            emit_volume(ctx, &id, &gate, &observed_at)?;
        }
    }
    Ok(())
}

fn emit_volume(
    ctx: &mut Context<'_>,
    id: &str,
    gate: &Gate,
    observed_at: &str,
) -> Result<(), Error> {
    let data = GateVolume {
        gate: id,
        waiting_tonnes: tonnes(gate.waiting_kg),
        perishable_waiting_tonnes: tonnes(gate.perishable_kg),
        waiting_declarations: gate.waiting,
        cleared_tonnes_today: tonnes(gate.cleared_kg_today),
        declared_tonnes_today: tonnes(gate.declared_kg_today),
        observed_at,
    };
    ctx.emit(
        Output::new(GATE_VOLUME)
            .subject(id)
            .time(observed_at)
            .json(&data),
    )
}

fn emit_indicator(
    ctx: &mut Context<'_>,
    config: &Config,
    id: &str,
    gate: &Gate,
    observed_at: &str,
) -> Result<(), Error> {
    let queue_name = risk::queue_gate_name(ctx, id);
    let data = Indicator {
        indicator: "perishable-waiting".to_owned(),
        scope: id.to_owned(),
        scope_name: Some(config.gate_name(id, queue_name.as_ref()).vi),
        name: Text::new(
            "Nông sản dễ hỏng chờ thông quan",
            "Perishable cargo awaiting clearance",
        ),
        value: tonnes(gate.perishable_kg),
        unit: Unit::Tonnes,
        observed_at: observed_at.to_owned(),
    };
    ctx.emit(
        Output::new(INDICATOR)
            .subject(id)
            .time(observed_at)
            .json(&data),
    )
}
