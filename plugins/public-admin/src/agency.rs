//! What the plugin keeps per agency, under `agency/<id>`, and the
//! indicators and alert it derives from it: dossiers overdue now, the
//! running totals of completed dossiers (count, on time, days taken), and
//! what was last announced, so that an indicator is emitted only when its
//! value changes and the alert only when it opens or resolves.

use std::collections::BTreeMap;

use cityhub_sdk::city::{Alert, AlertStatus, Indicator, Severity, Text, Unit, load_record};
use cityhub_sdk::{Context, Error, Output};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::{ALERT, INDICATOR};

/// State keys are this prefix and the agency id.
pub const KEY_PREFIX: &str = "agency/";

/// The value under `agency/<id>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Stats {
    /// Dossiers overdue now (open and past `dueAt`).
    pub overdue: u32,
    /// Dossiers completed.
    pub completed: u64,
    /// ... of which by their `dueAt`.
    pub on_time: u64,
    /// Days from `receivedAt` to completion, summed over them.
    pub days_sum: f64,
    /// Whether the agency's `overdue` alert is open.
    pub alert_open: bool,
    /// The indicator values last emitted.
    pub sent: Sent,
}

/// The indicator values last emitted for an agency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Sent {
    /// `overdue-dossiers`.
    pub overdue: Option<u32>,
    /// `processing-days`.
    pub processing_days: Option<f64>,
    /// `on-time`.
    pub on_time: Option<f64>,
}

impl Stats {
    /// The mean days from receipt to completion, to 0.01 day, once a
    /// dossier is completed.
    pub fn processing_days(&self) -> Option<f64> {
        (self.completed > 0).then(|| round(self.days_sum / self.completed as f64, 100.0))
    }

    /// The share of completed dossiers completed on time, to 0.001.
    pub fn on_time_ratio(&self) -> Option<f64> {
        (self.completed > 0).then(|| round(self.on_time as f64 / self.completed as f64, 1000.0))
    }

    /// Counts a completed dossier that took `seconds`, on time or not.
    pub fn complete(&mut self, seconds: i64, on_time: bool) {
        self.completed = self.completed.saturating_add(1);
        self.on_time += u64::from(on_time);
        self.days_sum += seconds.max(0) as f64 / 86_400.0;
    }
}

fn round(v: f64, scale: f64) -> f64 {
    (v * scale).round() / scale
}

/// The state key of agency `id`.
pub fn key(id: &str) -> String {
    format!("{KEY_PREFIX}{id}")
}

/// Agency `id`'s figures (zero for an agency not seen yet). Unreadable
/// state is logged and started afresh
/// ([`load_record`]).
pub fn load(ctx: &mut Context<'_>, id: &str) -> Stats {
    load_record(ctx, &key(id), None).unwrap_or_default()
}

/// Changes agency `id`'s figures with `change`.
pub fn update(
    ctx: &mut Context<'_>,
    id: &str,
    change: impl FnOnce(&mut Stats),
) -> Result<(), Error> {
    let mut stats = load(ctx, id);
    change(&mut stats);
    ctx.state().set_json(&key(id), &stats)
}

/// Emits agency `id`'s indicators whose values changed since they were
/// last emitted, then its alert if it opens or resolves; all observed at
/// `observed_at`.
pub fn publish(
    ctx: &mut Context<'_>,
    config: &Config,
    id: &str,
    observed_at: &str,
) -> Result<(), Error> {
    let mut stats = load(ctx, id);
    let agency = config.agency(id);
    let scope_name = agency.map(|a| a.name.vi.clone());
    let indicator = |name: &str, text: Text, value: f64, unit: Unit| Indicator {
        indicator: name.to_owned(),
        scope: id.to_owned(),
        scope_name: scope_name.clone(),
        name: text,
        value,
        unit,
        observed_at: observed_at.to_owned(),
    };
    let mut out = Vec::new();
    if stats.sent.overdue != Some(stats.overdue) {
        stats.sent.overdue = Some(stats.overdue);
        out.push(indicator(
            "overdue-dossiers",
            Text::new("Hồ sơ quá hạn", "Overdue dossiers"),
            f64::from(stats.overdue),
            Unit::Count,
        ));
    }
    if let Some(days) = stats
        .processing_days()
        .filter(|d| stats.sent.processing_days != Some(*d))
    {
        stats.sent.processing_days = Some(days);
        out.push(indicator(
            "processing-days",
            Text::new(
                "Thời gian giải quyết hồ sơ trung bình",
                "Mean dossier processing time",
            ),
            days,
            Unit::Days,
        ));
    }
    if let Some(ratio) = stats
        .on_time_ratio()
        .filter(|r| stats.sent.on_time != Some(*r))
    {
        stats.sent.on_time = Some(ratio);
        out.push(indicator(
            "on-time",
            Text::new(
                "Tỷ lệ hồ sơ giải quyết đúng hạn",
                "Dossiers completed on time",
            ),
            ratio,
            Unit::Ratio,
        ));
    }
    for data in &out {
        ctx.emit(data.output(INDICATOR))?;
    }

    let threshold = config.overdue_alert_count.get();
    let status = match (stats.alert_open, stats.overdue >= threshold) {
        (false, true) => AlertStatus::Open,
        (true, false) => AlertStatus::Resolved,
        _ => return ctx.state().set_json(&key(id), &stats),
    };
    stats.alert_open = status == AlertStatus::Open;
    ctx.state().set_json(&key(id), &stats)?;
    let (vi, en) = agency.map_or((id, id), |a| (a.name.vi.as_str(), a.name.en.as_str()));
    let n = stats.overdue;
    let (title, description) = if status == AlertStatus::Open {
        (
            Text::new(
                format!("{vi}: {n} hồ sơ quá hạn"),
                format!("{en}: {n} overdue dossiers"),
            ),
            Text::new(
                format!("Số hồ sơ một cửa quá hạn đã đến ngưỡng cảnh báo ({threshold} hồ sơ)."),
                format!(
                    "Overdue one-stop-shop dossiers reached the alert threshold ({threshold})."
                ),
            ),
        )
    } else {
        (
            Text::new(
                format!("{vi}: hồ sơ quá hạn giảm còn {n}"),
                format!("{en}: overdue dossiers down to {n}"),
            ),
            Text::new(
                format!("Số hồ sơ quá hạn đã dưới ngưỡng cảnh báo ({threshold} hồ sơ)."),
                format!("Overdue dossiers are below the alert threshold ({threshold})."),
            ),
        )
    };
    let figures = BTreeMap::from([
        ("overdueDossiers".to_owned(), n.into()),
        ("threshold".to_owned(), threshold.into()),
    ]);
    let alert_id = format!("admin/overdue/{id}");
    let alert = Alert {
        alert_id,
        status,
        category: "admin".to_owned(),
        sub_category: "overdue".to_owned(),
        severity: Severity::Medium,
        title,
        description: Some(description),
        location: None,
        figures,
        observed_at: observed_at.to_owned(),
    };
    ctx.emit(
        Output::new(ALERT)
            .subject(id)
            .time(observed_at)
            .json(&alert),
    )
}
