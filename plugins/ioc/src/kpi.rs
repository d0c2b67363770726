//! The operations centre's KPIs: one per (sector, indicator, scope), after
//! FIWARE's KeyPerformanceIndicator, from the sectors'
//! `city.<sector>.indicator` events; and one per sector whose standing is
//! the worst of its KPIs'.
//!
//! A KPI's record lives under its id, `kpi/<sector>/<indicator>/<scope>`
//! (value, standing, when observed); a sector's under `sector/<sector>`:
//! its last standing and the KPIs not `good`, so the worst is known without
//! reading every KPI. Both are bounded by the number of KPIs the sectors
//! report (hospitals, gates, districts, agencies: hundreds, not more).

use std::collections::BTreeMap;

use cityhub_sdk::city::{Clock, Indicator, Text, Unit};
use cityhub_sdk::{Context, Error, Event, MAX_KEY_LEN, Output, Timestamp};
use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::record::{At, load};

/// The event type of the KPIs.
pub const KPI: &str = "city.ioc.kpi";
/// KPI records are under their id, which starts with this.
pub const KPI_PREFIX: &str = "kpi/";
/// Sector records are under this prefix and the sector.
pub const SECTOR_PREFIX: &str = "sector/";
/// The longest indicator name.
pub const MAX_INDICATOR: usize = 64;

/// How a KPI stands against its thresholds; ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    /// Below the warning threshold (above it, when lower is worse).
    Good,
    /// At or past `warning`.
    Warning,
    /// At or past `bad`.
    Bad,
}

/// What the plugin remembers of a KPI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KpiRecord {
    /// The value last observed.
    pub value: f64,
    /// Its standing, if the indicator has thresholds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<Standing>,
    /// When it was observed: indicators observed no later are not news.
    pub observed_at: At,
}

/// What the plugin remembers of a sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SectorRecord {
    /// The standing last announced.
    pub standing: Standing,
    /// The sector's KPIs at `warning` or `bad`, by `<indicator>/<scope>`.
    pub concerns: BTreeMap<String, Standing>,
    /// When the sector KPI was last announced.
    pub observed_at: At,
}

/// `calculationPeriod`: from the KPI's previous observation to this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// The previous observation (this one's, the first time).
    pub from: String,
    /// This observation.
    pub to: String,
}

/// The data of a `city.ioc.kpi` event.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kpi<'a> {
    /// `kpi/<sector>/<indicator>/<scope>`, or `kpi/<sector>` for the sector.
    pub id: &'a str,
    /// The indicator's name, as the sector gave it.
    pub name: &'a Text,
    /// What the figure counts (the sector KPI only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a Text>,
    /// The sector.
    pub category: &'a str,
    /// The figure.
    pub kpi_value: f64,
    /// Its unit.
    pub unit: Unit,
    /// Against the thresholds; absent for indicators without any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_standing: Option<Standing>,
    /// The agency responsible for the sector, if configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<&'a Text>,
    /// What the figure is measured for (a hospital, gate, district, agency;
    /// the sector itself for the sector KPI).
    pub scope: &'a str,
    /// The scope's human name, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_name: Option<&'a str>,
    /// The sector's own name (the sector KPI only, for a configured sector):
    /// what a dashboard titles the sector's tile with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector_name: Option<&'a Text>,
    /// The span the figure covers.
    pub calculation_period: Period,
    /// When the figure was observed.
    pub date_modified: String,
}

/// Handles one `city.<sector>.indicator` event.
pub fn indicator(
    config: &Config,
    sector: &str,
    event: &Event<'_>,
    ctx: &mut Context<'_>,
) -> Result<(), Error> {
    let ind: Indicator = event.data_json()?;
    let at = check_indicator(&ind, event)?;
    let id = format!("{KPI_PREFIX}{sector}/{}/{}", ind.indicator, ind.scope);
    if id.len() > MAX_KEY_LEN {
        return Err(check::bad(
            event,
            "scope",
            format!(
                "is too long: the KPI id `kpi/<sector>/<indicator>/<scope>` must fit in {MAX_KEY_LEN} bytes, got {}",
                id.len()
            ),
        ));
    }
    Clock::advance(ctx, at)?;

    let record: Option<KpiRecord> = load(ctx, &id, event);
    if record.is_some_and(|r| at <= r.observed_at.0) {
        ctx.log().debug(
            "indicator skipped: not newer than the KPI's",
            &[("event", event.id()), ("kpi", &id)],
        );
        return Ok(());
    }
    let standing = config.standing(&ind.indicator, ind.value);
    ctx.state().set_json(
        &id,
        &KpiRecord {
            value: ind.value,
            standing,
            observed_at: At(at),
        },
    )?;
    if record.is_some_and(|r| r.value == ind.value && r.standing == standing) {
        return Ok(());
    }

    let organization = config.sector(sector).map(|s| &s.organization);
    let kpi = Kpi {
        id: &id,
        name: &ind.name,
        description: None,
        category: sector,
        kpi_value: ind.value,
        unit: ind.unit,
        current_standing: standing,
        organization,
        scope: &ind.scope,
        scope_name: ind.scope_name.as_deref(),
        sector_name: None,
        calculation_period: Period {
            from: At(record.map_or(at, |r| r.observed_at.0)).local(),
            to: At(at).local(),
        },
        date_modified: At(at).local(),
    };
    emit(ctx, &kpi)?;

    let before = record.and_then(|r| r.standing);
    if record.is_none() || before != standing {
        let concern = format!("{}/{}", ind.indicator, ind.scope);
        sector_standing(config, sector, &concern, standing, at, event, ctx)?;
    }
    Ok(())
}

/// Checks what serde cannot; returns when the indicator was observed.
fn check_indicator(ind: &Indicator, event: &Event<'_>) -> Result<Timestamp, Error> {
    check::id(event, "indicator", &ind.indicator, MAX_INDICATOR)?;
    if ind.indicator.contains('/') {
        return Err(check::bad(
            event,
            "indicator",
            format!("must not contain `/`, got {:?}", ind.indicator),
        ));
    }
    check::id(event, "scope", &ind.scope, MAX_KEY_LEN)?;
    check::non_negative(event, "value", ind.value)?;
    if ind.unit == Unit::Ratio && ind.value > 1.0 {
        return Err(check::bad(
            event,
            "value",
            format!("must be 0 to 1 for the unit `ratio`, got {}", ind.value),
        ));
    }
    check::time(event, "observedAt", &ind.observed_at)
}

/// Folds a KPI's new standing into its sector's, and announces the sector
/// KPI when its standing or its count of concerns changes (or the first
/// time one of its KPIs has a standing).
fn sector_standing(
    config: &Config,
    sector: &str,
    concern: &str,
    standing: Option<Standing>,
    at: Timestamp,
    event: &Event<'_>,
    ctx: &mut Context<'_>,
) -> Result<(), Error> {
    let key = format!("{SECTOR_PREFIX}{sector}");
    let record: Option<SectorRecord> = load(ctx, &key, event);
    if record.is_none() && standing.is_none() {
        return Ok(());
    }
    let mut concerns = record
        .as_ref()
        .map(|r| r.concerns.clone())
        .unwrap_or_default();
    match standing {
        Some(s @ (Standing::Warning | Standing::Bad)) => concerns.insert(concern.to_owned(), s),
        _ => concerns.remove(concern),
    };
    let worst = concerns.values().copied().max().unwrap_or(Standing::Good);
    let announce = record
        .as_ref()
        .is_none_or(|r| r.standing != worst || r.concerns.len() != concerns.len());
    let last = record.as_ref().map(|r| r.observed_at.0);
    let now = last.map_or(at, |l| l.max(at));
    let count = concerns.len();
    ctx.state().set_json(
        &key,
        &SectorRecord {
            standing: worst,
            concerns,
            observed_at: At(if announce { now } else { last.unwrap_or(now) }),
        },
    )?;
    if !announce {
        return Ok(());
    }

    let entry = config.sector(sector);
    let name = match entry {
        Some(s) => Text::new(
            format!("{}: tình trạng chung", s.name.vi),
            format!("{}: overall standing", s.name.en),
        ),
        None => Text::new(
            format!("Lĩnh vực {sector}: tình trạng chung"),
            format!("{sector}: overall standing"),
        ),
    };
    let description = Text::new(
        "Số chỉ số của lĩnh vực ở mức cảnh báo hoặc xấu",
        "How many of the sector's KPIs stand at warning or bad",
    );
    let id = format!("{KPI_PREFIX}{sector}");
    let kpi = Kpi {
        id: &id,
        name: &name,
        description: Some(&description),
        category: sector,
        kpi_value: count as f64,
        unit: Unit::Count,
        current_standing: Some(worst),
        organization: entry.map(|s| &s.organization),
        scope: sector,
        scope_name: None,
        sector_name: entry.map(|s| &s.name),
        calculation_period: Period {
            from: At(last.unwrap_or(now)).local(),
            to: At(now).local(),
        },
        date_modified: At(now).local(),
    };
    emit(ctx, &kpi)
}

fn emit(ctx: &mut Context<'_>, kpi: &Kpi<'_>) -> Result<(), Error> {
    ctx.emit(
        Output::new(KPI)
            .subject(kpi.id)
            .time(&kpi.date_modified)
            .json(kpi),
    )
}
