//! The `cargo-at-risk` rule: perishable goods waiting at a gate whose truck
//! queue grows will spoil. The newest `city.traffic.border-queue` of each
//! gate is kept under `queue/<gate>`; an open alert under `risk/<gate>`.
//!
//! An alert opens (severity `high`, `critical` from
//! `critical_perishable_tonnes`) when a gate's perishable waiting tonnes
//! reach `perishable_alert_tonnes` while its queue's trend is `growing`; it
//! is sent again, still `open`, when its severity changes, and resolved when
//! either condition stops. The rule is looked at whenever the gate's
//! perishable tonnes or its queue change.

use std::collections::BTreeMap;

use cityhub_sdk::city::{Alert, AlertStatus, Location, Severity, Text, local_rfc3339};
use cityhub_sdk::{Context, Error, Event, Output, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::ALERT;
use crate::config::Config;
use crate::gate::{self, tonnes};
use crate::input::{BorderQueue, Trend};
use crate::store::{key, load, save};
use crate::text::grouped;

/// Queue records are stored under this prefix and the gate id.
pub const QUEUE_PREFIX: &str = "queue/";
/// Open alerts are stored under this prefix and the gate id.
pub const RISK_PREFIX: &str = "risk/";

/// The newest border queue of a gate, under `queue/<gate>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Queue {
    /// Trucks waiting.
    pub queue_length: u32,
    /// Trucks joining per hour, net.
    pub growth_per_hour: f64,
    /// Growing, steady or shrinking.
    pub trend: Trend,
    /// Where the gate is, if the traffic plugin said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The traffic plugin's name of the gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate_name: Option<Text>,
    /// When it was counted (RFC 3339, UTC).
    pub at: String,
}

/// An open alert, under `risk/<gate>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Open {
    /// The severity it was last sent with.
    pub severity: Severity,
}

/// Takes in a border queue observed at `at`: kept if newer than the gate's,
/// then the rule is looked at.
pub fn border_queue(
    ctx: &mut Context<'_>,
    config: &Config,
    event: &Event<'_>,
    queue: &BorderQueue<'_>,
    at: Timestamp,
) -> Result<(), Error> {
    let gate = &*queue.gate;
    let key = key(QUEUE_PREFIX, gate);
    let old: Option<Queue> = load(ctx, &key);
    if old
        .as_ref()
        .and_then(|q| Timestamp::parse_rfc3339(&q.at))
        .is_some_and(|last| at <= last)
    {
        ctx.log().debug(
            "border queue skipped: not newer than the gate's last",
            &[("event", event.id()), ("gate", gate)],
        );
        return Ok(());
    }
    let new = Queue {
        queue_length: queue.queue_length,
        growth_per_hour: queue.growth_per_hour,
        trend: queue.trend,
        location: queue.location.as_ref().map(Location::from),
        gate_name: queue.gate_name.clone(),
        at: at.to_string(),
    };
    save(ctx, &key, &new)?;
    let perishable = gate::perishable_kg(ctx, gate);
    evaluate(ctx, config, gate, perishable, at)
}

/// The traffic plugin's name of gate `id`, if it sent one.
pub fn queue_gate_name(ctx: &mut Context<'_>, id: &str) -> Option<Text> {
    load::<Queue>(ctx, &key(QUEUE_PREFIX, id)).and_then(|q| q.gate_name)
}

/// Looks at the rule for gate `id`, with `perishable_kg` waiting, at `at`.
pub fn evaluate(
    ctx: &mut Context<'_>,
    config: &Config,
    id: &str,
    perishable_kg: u64,
    at: Timestamp,
) -> Result<(), Error> {
    let queue: Option<Queue> = load(ctx, &key(QUEUE_PREFIX, id));
    let risk_key = key(RISK_PREFIX, id);
    let open: Option<Open> = load(ctx, &risk_key);
    let growing = queue.as_ref().is_some_and(|q| q.trend == Trend::Growing);
    let at_risk = growing && perishable_kg >= config.perishable_alert_tonnes.kg();
    let severity = if perishable_kg >= config.critical_perishable_tonnes.kg() {
        Severity::Critical
    } else {
        Severity::High
    };
    let (status, severity) = match (open, at_risk) {
        (None, true) => (AlertStatus::Open, severity),
        (Some(open), true) if open.severity != severity => (AlertStatus::Open, severity),
        (Some(open), false) => (AlertStatus::Resolved, open.severity),
        _ => return Ok(()),
    };
    match status {
        AlertStatus::Open => save(ctx, &risk_key, &Open { severity })?,
        AlertStatus::Resolved => ctx.state().delete(&risk_key)?,
    }
    let name = config.gate_name(id, queue.as_ref().and_then(|q| q.gate_name.as_ref()));
    let alert = alert(
        id,
        &name,
        status,
        severity,
        perishable_kg,
        queue.as_ref(),
        at,
    );
    ctx.emit(
        Output::new(ALERT)
            .subject(id)
            .time(&alert.observed_at)
            .json(&alert),
    )
}

fn alert(
    id: &str,
    name: &Text,
    status: AlertStatus,
    severity: Severity,
    perishable_kg: u64,
    queue: Option<&Queue>,
    at: Timestamp,
) -> Alert {
    let t = tonnes(perishable_kg);
    let (length, growth) = queue.map_or((0, 0.0), |q| (q.queue_length, q.growth_per_hour));
    let (title, description) = match status {
        AlertStatus::Open => (
            Text::new(
                format!(
                    "Nông sản dễ hỏng có nguy cơ hư hỏng tại {}: {} tấn",
                    name.vi,
                    grouped(t, '.')
                ),
                format!(
                    "Perishable produce at risk at {}: {} t",
                    name.en,
                    grouped(t, ',')
                ),
            ),
            Text::new(
                format!(
                    "{} tấn nông sản dễ hỏng đang chờ thông quan; hàng đợi {} xe, tăng {} xe/giờ.",
                    grouped(t, '.'),
                    grouped(f64::from(length), '.'),
                    grouped(growth, '.')
                ),
                format!(
                    "{} t of perishable produce waiting for clearance; queue of {} trucks, growing {} trucks/h.",
                    grouped(t, ','),
                    grouped(f64::from(length), ','),
                    grouped(growth, ',')
                ),
            ),
        ),
        AlertStatus::Resolved => (
            Text::new(
                format!("Hết nguy cơ hư hỏng nông sản tại {}", name.vi),
                format!("Perishable produce no longer at risk at {}", name.en),
            ),
            Text::new(
                format!(
                    "Còn {} tấn nông sản dễ hỏng chờ thông quan; hàng đợi {} xe.",
                    grouped(t, '.'),
                    grouped(f64::from(length), '.')
                ),
                format!(
                    "{} t of perishable produce still waiting; queue of {} trucks.",
                    grouped(t, ','),
                    grouped(f64::from(length), ',')
                ),
            ),
        ),
    };
    Alert {
        alert_id: format!("ecommerce/cargo-at-risk/{id}"),
        status,
        category: "ecommerce".to_owned(),
        sub_category: "cargo-at-risk".to_owned(),
        severity,
        title,
        description: Some(description),
        location: queue.and_then(|q| q.location.clone()),
        figures: BTreeMap::from([
            ("perishableWaitingTonnes".to_owned(), json!(t)),
            ("queueLength".to_owned(), json!(length)),
            ("growthPerHour".to_owned(), json!(growth)),
        ]),
        observed_at: local_rfc3339(at),
    }
}
