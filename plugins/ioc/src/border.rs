//! The combined border alert, the one only the operations centre can
//! raise: for each gate it joins the latest `city.traffic.border-queue`,
//! the latest `city.ecommerce.gate-volume` and the citizens' reports naming
//! the gate's road (see [`crate::report`]), in whatever order they come.
//!
//! Alert `border/<gate>` opens when, at once, the queue has at least
//! `min_queue` trucks, grows by at least `min_growth_per_hour`, at least
//! `min_perishable_tonnes` of perishable goods wait at the gate and at
//! least `min_reports` reports named the road within `report_window`. While
//! open it is sent again (same id, `open`) when the queue, its growth or the
//! perishable tonnes move by `material_change` of what was last sent, or
//! the number of reports changes. It resolves when the queue falls below
//! `min_queue`, stops growing (growth ≤ 0) or the perishable tonnes fall
//! below `min_perishable_tonnes`; a queue growing more slowly than
//! `min_growth_per_hour`, or fewer recent reports, keep it open (hysteresis:
//! the situation has not eased).
//!
//! State: `gate/<gate>` holds the gate's latest queue and volume and, while
//! the alert is open, the figures last sent; `gates` maps each gate seen
//! to its road and whether its alert is open, so a report or a clock tick
//! finds the gates it concerns. Both are bounded by the number of gates.

use std::collections::BTreeMap;

use cityhub_sdk::city::{Alert, AlertStatus, Clock, Location, Severity, Text, Tick};
use cityhub_sdk::{Context, Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::alert;
use crate::check;
use crate::config::Config;
use crate::gate::{BorderQueue, GateVolume};
use crate::numbers::{en, vi};
use crate::record::{At, load};
use crate::report;

/// Gate records are under this prefix and the gate.
pub const GATE_PREFIX: &str = "gate/";
/// The key of the gate index.
pub const GATES: &str = "gates";
/// The `sector` of the IOC's own alerts.
pub const IOC: &str = "ioc";

/// A gate's latest queue, from the traffic plugin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Queue {
    /// The gate's name.
    pub gate_name: Text,
    /// The road the queue stands on.
    pub road: String,
    /// Where the gate is.
    pub location: Location,
    /// Trucks waiting.
    pub queue_length: f64,
    /// Trucks per hour the queue grows by.
    pub growth_per_hour: f64,
    /// When it was counted.
    pub observed_at: At,
}

/// A gate's latest volume, from the ecommerce plugin.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Volume {
    /// Perishable tonnes waiting.
    pub perishable_tonnes: f64,
    /// When it was taken.
    pub observed_at: At,
}

/// The figures an alert is judged and shown by.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Figures {
    /// Trucks waiting.
    pub queue_length: f64,
    /// Trucks per hour the queue grows by.
    pub growth_per_hour: f64,
    /// Perishable tonnes waiting.
    pub perishable_tonnes: f64,
    /// Citizens' reports naming the road within the window.
    pub reports: u32,
}

/// What the plugin remembers of a gate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GateRecord {
    /// The latest queue, once one came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<Queue>,
    /// The latest volume, once one came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<Volume>,
    /// While the alert is open: the figures last sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<Figures>,
}

/// A gate in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Indexed {
    /// The road its queue stands on.
    pub road: String,
    /// Whether its alert is open.
    pub open: bool,
}

/// Handles one `city.traffic.border-queue` event.
pub fn border_queue(
    config: &Config,
    event: &Event<'_>,
    ctx: &mut Context<'_>,
) -> Result<(), Error> {
    let queue: BorderQueue<'_> = event.data_json()?;
    let at = queue.check(event)?;
    let now = Clock::advance(ctx, at)?;
    let mut record: GateRecord = load(ctx, &gate_key(&queue.gate), event).unwrap_or_default();
    if record.queue.as_ref().is_some_and(|q| at <= q.observed_at.0) {
        ctx.log().debug(
            "border queue skipped: not newer than the gate's",
            &[("event", event.id()), ("gate", &queue.gate)],
        );
        return Ok(());
    }
    record.queue = Some(Queue {
        gate_name: queue.gate_name.clone(),
        road: queue.road.clone().into_owned(),
        location: Location::from(&queue.location),
        queue_length: queue.queue_length,
        growth_per_hour: queue.growth_per_hour,
        observed_at: At(at),
    });
    evaluate(config, &queue.gate, record, true, now, event, ctx)
}

/// Handles one `city.ecommerce.gate-volume` event.
pub fn gate_volume(config: &Config, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
    let volume: GateVolume<'_> = event.data_json()?;
    let at = volume.check(event)?;
    let now = Clock::advance(ctx, at)?;
    let mut record: GateRecord = load(ctx, &gate_key(&volume.gate), event).unwrap_or_default();
    if record.volume.is_some_and(|v| at <= v.observed_at.0) {
        ctx.log().debug(
            "gate volume skipped: not newer than the gate's",
            &[("event", event.id()), ("gate", &volume.gate)],
        );
        return Ok(());
    }
    record.volume = Some(Volume {
        perishable_tonnes: volume.perishable_waiting_tonnes,
        observed_at: At(at),
    });
    evaluate(config, &volume.gate, record, true, now, event, ctx)
}

/// Handles one `city.fieldreport.request` event: re-judges the gates on
/// the road whose count of reports grew.
pub fn request(config: &Config, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
    let Some(road) = report::request(config, event, ctx)? else {
        return Ok(());
    };
    let Some(now) = Clock::now(ctx) else {
        return Ok(());
    };
    let gates: BTreeMap<String, Indexed> = load(ctx, GATES, event).unwrap_or_default();
    for (gate, _) in gates.iter().filter(|(_, g)| g.road == road) {
        let record = load(ctx, &gate_key(gate), event).unwrap_or_default();
        evaluate(config, gate, record, false, now, event, ctx)?;
    }
    Ok(())
}

/// Handles one `cityhub.clock.tick`: "now" moves, reports age out of the
/// window, and open alerts are sent again if their count changed.
pub fn tick(config: &Config, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
    let tick: Tick = event.data_json()?;
    let at = check::time(event, "now", &tick.now)?;
    let now = Clock::advance(ctx, at)?;
    let gates: BTreeMap<String, Indexed> = load(ctx, GATES, event).unwrap_or_default();
    for (gate, _) in gates.iter().filter(|(_, g)| g.open) {
        let record = load(ctx, &gate_key(gate), event).unwrap_or_default();
        evaluate(config, gate, record, false, now, event, ctx)?;
    }
    Ok(())
}

/// What a judgement calls for.
enum Verdict {
    /// Open the alert, or send it again with new figures.
    Open,
    /// Resolve it, for these reasons.
    Resolve(Vec<Text>),
}

/// Judges `gate` at `now` from `record`, emits what that calls for, and
/// stores the record (if `changed` by the caller, or by the judgement) and
/// the index.
fn evaluate(
    config: &Config,
    gate: &str,
    mut record: GateRecord,
    changed: bool,
    now: Timestamp,
    event: &Event<'_>,
    ctx: &mut Context<'_>,
) -> Result<(), Error> {
    let before = record.clone();
    if let Some(queue) = &record.queue {
        let figures = Figures {
            queue_length: queue.queue_length,
            growth_per_hour: queue.growth_per_hour,
            perishable_tonnes: record.volume.map_or(0.0, |v| v.perishable_tonnes),
            reports: report::count(config, &queue.road, now, event, ctx)?,
        };
        let verdict = match &record.alert {
            None => opens(config, &figures).then_some(Verdict::Open),
            Some(last) => {
                let reasons = resolves(config, &figures);
                if !reasons.is_empty() {
                    Some(Verdict::Resolve(reasons))
                } else {
                    material(config, last, &figures).then_some(Verdict::Open)
                }
            }
        };
        if let Some(verdict) = verdict {
            let data = build(config, gate, queue, &figures, &verdict, now);
            alert::emit(ctx, &data, IOC, &data.observed_at)?;
            record.alert = match verdict {
                Verdict::Open => Some(figures),
                Verdict::Resolve(_) => None,
            };
        }
    }
    if changed || record != before {
        ctx.state().set_json(&gate_key(gate), &record)?;
    }

    let Some(queue) = &record.queue else {
        return Ok(());
    };
    let entry = Indexed {
        road: queue.road.clone(),
        open: record.alert.is_some(),
    };
    let mut gates: BTreeMap<String, Indexed> = load(ctx, GATES, event).unwrap_or_default();
    if gates.get(gate) != Some(&entry) {
        gates.insert(gate.to_owned(), entry);
        ctx.state().set_json(GATES, &gates)?;
    }
    Ok(())
}

/// Whether every condition of the alert holds.
fn opens(config: &Config, f: &Figures) -> bool {
    f.queue_length >= f64::from(config.min_queue)
        && f.growth_per_hour >= config.min_growth_per_hour
        && f.perishable_tonnes >= config.min_perishable_tonnes
        && f.reports >= config.min_reports
}

/// Why an open alert should resolve; empty if it stays open.
fn resolves(config: &Config, f: &Figures) -> Vec<Text> {
    let mut reasons = Vec::new();
    if f.queue_length < f64::from(config.min_queue) {
        reasons.push(Text::new(
            format!(
                "hàng đợi dưới ngưỡng {} xe",
                vi(f64::from(config.min_queue))
            ),
            format!(
                "the queue is below {} trucks",
                en(f64::from(config.min_queue))
            ),
        ));
    }
    if f.growth_per_hour <= 0.0 {
        reasons.push(Text::new(
            "hàng đợi không còn tăng",
            "the queue is no longer growing",
        ));
    }
    if f.perishable_tonnes < config.min_perishable_tonnes {
        reasons.push(Text::new(
            format!(
                "nông sản dễ hỏng chờ thông quan dưới {} tấn",
                vi(config.min_perishable_tonnes)
            ),
            format!(
                "perishable produce waiting is below {} t",
                en(config.min_perishable_tonnes)
            ),
        ));
    }
    reasons
}

/// Whether the figures moved enough since `last` was sent to send again.
fn material(config: &Config, last: &Figures, now: &Figures) -> bool {
    let moved =
        |old: f64, new: f64| (new - old).abs() >= config.material_change * old.abs() && new != old;
    moved(last.queue_length, now.queue_length)
        || moved(last.growth_per_hour, now.growth_per_hour)
        || moved(last.perishable_tonnes, now.perishable_tonnes)
        || last.reports != now.reports
}

/// The alert's data.
fn build(
    config: &Config,
    gate: &str,
    queue: &Queue,
    f: &Figures,
    verdict: &Verdict,
    now: Timestamp,
) -> Alert {
    let road = &queue.road;
    let name = &queue.gate_name;
    let (q, t) = (f.queue_length, f.perishable_tonnes);
    let g = f.growth_per_hour.round();
    let (growth_vi, growth_en) = if g > 0.0 {
        (
            format!("tăng {} xe/giờ", vi(g)),
            format!("growing {}/h", en(g)),
        )
    } else if g < 0.0 {
        (
            format!("giảm {} xe/giờ", vi(-g)),
            format!("shrinking {}/h", en(-g)),
        )
    } else {
        ("không tăng".to_owned(), "not growing".to_owned())
    };
    let reports_en = match f.reports {
        1 => "1 citizen report".to_owned(),
        n => format!("{} citizen reports", en(f64::from(n))),
    };
    let org = |sector: &str| -> Text {
        config
            .sector(sector)
            .map_or_else(|| Text::new(sector, sector), |s| s.organization.clone())
    };
    let (status, title, description) = match verdict {
        Verdict::Open => {
            let (traffic, trade, health, reports) = (
                org("traffic"),
                org("ecommerce"),
                org("health"),
                org("fieldreport"),
            );
            (
                AlertStatus::Open,
                Text::new(
                    format!(
                        "Ùn ứ tại {}: {} xe, {growth_vi}, {} tấn nông sản dễ hỏng, {} phản ánh trên {road}",
                        name.vi,
                        vi(q),
                        vi(t),
                        vi(f64::from(f.reports))
                    ),
                    format!(
                        "Border queue at {}: {} trucks, {growth_en}, {} t of perishable produce at risk, {reports_en} on {road}",
                        name.en,
                        en(q),
                        en(t)
                    ),
                ),
                Text::new(
                    format!(
                        "Đề nghị {} phân luồng, điều tiết xe tải trên {road}; {} phối hợp Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn ưu tiên thông quan {} tấn nông sản dễ hỏng; {} hỗ trợ y tế cho lái xe chờ thông quan; {} chuyển {} phản ánh của người dân đến đơn vị xử lý.",
                        traffic.vi,
                        trade.vi,
                        vi(t),
                        health.vi,
                        reports.vi,
                        vi(f64::from(f.reports))
                    ),
                    format!(
                        "Direct the {} to divert and regulate trucks on {road}; the {}, with the Đồng Đăng - Lạng Sơn Border Gate Economic Zone Authority, to prioritise clearance of the {} t of perishable produce; the {} to provide medical support to waiting drivers; the {} to route the {reports_en} to the agencies that handle them.",
                        traffic.en,
                        trade.en,
                        en(t),
                        health.en,
                        reports.en
                    ),
                ),
            )
        }
        Verdict::Resolve(reasons) => {
            let join =
                |pick: fn(&Text) -> &str| reasons.iter().map(pick).collect::<Vec<_>>().join("; ");
            (
                AlertStatus::Resolved,
                Text::new(
                    format!(
                        "Ùn ứ tại {} đã giảm: {} xe, {growth_vi}, {} tấn nông sản dễ hỏng",
                        name.vi,
                        vi(q),
                        vi(t)
                    ),
                    format!(
                        "Border queue at {} easing: {} trucks, {growth_en}, {} t of perishable produce waiting",
                        name.en,
                        en(q),
                        en(t)
                    ),
                ),
                Text::new(
                    format!(
                        "Hết điều kiện cảnh báo: {}. Tiếp tục theo dõi.",
                        join(|t| &t.vi)
                    ),
                    format!(
                        "The alert's conditions no longer hold: {}. Keep monitoring.",
                        join(|t| &t.en)
                    ),
                ),
            )
        }
    };
    let figures = BTreeMap::from([
        ("gate".to_owned(), gate.into()),
        ("road".to_owned(), road.as_str().into()),
        ("queueLength".to_owned(), whole(q)),
        ("growthPerHour".to_owned(), f.growth_per_hour.into()),
        ("perishableTonnes".to_owned(), t.into()),
        ("reports".to_owned(), f.reports.into()),
    ]);
    Alert {
        alert_id: format!("border/{gate}"),
        status,
        category: "border".to_owned(),
        sub_category: "border-queue".to_owned(),
        severity: Severity::Critical,
        title,
        description: Some(description),
        location: Some(queue.location.clone()),
        figures,
        observed_at: At(now).local(),
    }
}

/// A count as a JSON integer.
fn whole(v: f64) -> serde_json::Value {
    // Counts are checked to be finite and not negative.
    serde_json::Value::from(v.round() as u64)
}

/// The state key of `gate`'s record.
pub fn gate_key(gate: &str) -> String {
    format!("{GATE_PREFIX}{gate}")
}
