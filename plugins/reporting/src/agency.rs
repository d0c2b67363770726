//! What the plugin keeps per agency, under `agency/<id>`: its directives
//! overdue now and the figure last announced, so that the
//! `directives-overdue` indicator is emitted only when it changes.

use cityhub_sdk::city::{Indicator, Text, Unit, load_record};
use cityhub_sdk::{Context, Error};
use serde::{Deserialize, Serialize};

use crate::INDICATOR;
use crate::config::Config;

/// State keys are this prefix and the agency id.
pub const KEY_PREFIX: &str = "agency/";

/// The value under `agency/<id>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Stats {
    /// Directives overdue now.
    pub overdue: u32,
    /// The value of `directives-overdue` last emitted.
    pub sent: Option<u32>,
}

fn key(id: &str) -> String {
    format!("{KEY_PREFIX}{id}")
}

/// Agency `id`'s figures (zero for an agency not seen yet). Unreadable
/// state is logged and started afresh
/// ([`load_record`]).
pub fn load(ctx: &mut Context<'_>, id: &str) -> Stats {
    load_record(ctx, &key(id), None).unwrap_or_default()
}

/// Adds `delta` (+1 or -1) to agency `id`'s overdue directives.
pub fn add(ctx: &mut Context<'_>, id: &str, delta: i32) -> Result<(), Error> {
    let mut stats = load(ctx, id);
    stats.overdue = stats.overdue.saturating_add_signed(delta);
    ctx.state().set_json(&key(id), &stats)
}

/// Emits agency `id`'s `directives-overdue` if it changed since it was
/// last emitted, observed at `observed_at`.
pub fn publish(
    ctx: &mut Context<'_>,
    config: &Config,
    id: &str,
    observed_at: &str,
) -> Result<(), Error> {
    let mut stats = load(ctx, id);
    if stats.sent == Some(stats.overdue) {
        return Ok(());
    }
    stats.sent = Some(stats.overdue);
    ctx.state().set_json(&key(id), &stats)?;
    let data = Indicator {
        indicator: "directives-overdue".to_owned(),
        scope: id.to_owned(),
        scope_name: config.agency(id).map(|a| a.name.vi.clone()),
        name: Text::new("Nhiệm vụ chỉ đạo quá hạn", "Overdue directives"),
        value: f64::from(stats.overdue),
        unit: Unit::Count,
        observed_at: observed_at.to_owned(),
    };
    ctx.emit(data.output(INDICATOR))
}
