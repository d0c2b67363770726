//! Periodic sector reports: the latest value of every indicator the other
//! plugins publish, kept per sector, and once per `report_period` one
//! `city.reporting.sector-report` per sector whose indicators moved in it.
//!
//! State: `latest/<sector>/<indicator>/<scope>` holds the newest
//! [`Indicator`] of each (at most `max_indicators_per_sector` per sector);
//! `sector/<sector>` lists the `<indicator>/<scope>` suffixes kept;
//! `report/sectors` the sectors known (at most `max_sectors`);
//! `report/pending` the sectors that received an indicator in the current
//! period; `report/start` when that period began (Unix seconds). An
//! indicator event only reads and writes its own entry (and the sector's
//! list when the entry is new); the period's end reads every kept entry of
//! the sectors it reports, once.

use cityhub_sdk::city::{Indicator, local_rfc3339};
use cityhub_sdk::{Context, Error, Event, MAX_KEY_LEN, Output, Timestamp};
use serde::Serialize;

use crate::SECTOR_REPORT;
use crate::config::Config;

const START: &str = "report/start";
const PENDING: &str = "report/pending";
const SECTORS: &str = "report/sectors";

/// The data of a `city.reporting.sector-report` event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SectorReport<'a> {
    /// The sector, e.g. `health` (the middle of its indicators' type).
    pub sector: &'a str,
    /// The period reported.
    pub period: Period,
    /// The latest value of each of the sector's indicators at the period's
    /// end, as its plugin sent it, by indicator then scope.
    pub indicators: Vec<Indicator>,
    /// When the report was made: the plugin's "now" (+07:00).
    pub generated_at: String,
}

/// A report's period, `[from, to)`, RFC 3339 at +07:00.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// Its start.
    pub from: String,
    /// Its end.
    pub to: String,
}

/// The start of the period holding `t` (Unix seconds): periods of
/// `period` seconds, aligned to local (+07:00) midnight.
pub fn period_start(t: i64, period: i64) -> i64 {
    let offset = i64::from(cityhub_sdk::city::PROVINCE_OFFSET_MINUTES) * 60;
    (t + offset).div_euclid(period) * period - offset
}

fn local(secs: i64) -> String {
    local_rfc3339(Timestamp::new(secs, 0))
}

fn list(ctx: &mut Context<'_>, key: &str) -> Result<Vec<String>, Error> {
    Ok(ctx.state().get_json(key)?.unwrap_or_default())
}

/// Called whenever "now" moves: when it passes the end of the current
/// period, reports the sectors that received indicators in it and starts
/// the period holding `now`.
pub fn roll(ctx: &mut Context<'_>, config: &Config, now: i64) -> Result<(), Error> {
    let period = config.period_secs();
    let start: Option<i64> = ctx.state().get_json(START)?;
    let Some(start) = start else {
        return ctx.state().set_json(START, &period_start(now, period));
    };
    let end = start.saturating_add(period);
    if now < end {
        return Ok(());
    }
    let mut pending = list(ctx, PENDING)?;
    pending.sort();
    let generated_at = local(now);
    for sector in &pending {
        let mut indicators = Vec::new();
        for suffix in list(ctx, &format!("sector/{sector}"))? {
            let key = format!("latest/{sector}/{suffix}");
            match ctx.state().get_json::<Indicator>(&key) {
                Ok(Some(i)) => indicators.push(i),
                Ok(None) => {}
                Err(err) => ctx.log().error(
                    "indicator state unreadable, left out of the report",
                    &[("key", &key), ("error", err.message())],
                ),
            }
        }
        indicators.sort_by(|a, b| (&a.indicator, &a.scope).cmp(&(&b.indicator, &b.scope)));
        let report = SectorReport {
            sector,
            period: Period {
                from: local(start),
                to: local(end),
            },
            indicators,
            generated_at: generated_at.clone(),
        };
        ctx.emit(
            Output::new(SECTOR_REPORT)
                .subject(sector)
                .time(&generated_at)
                .json(&report),
        )?;
    }
    ctx.state().delete(PENDING)?;
    ctx.state().set_json(START, &period_start(now, period))
}

/// Keeps `indicator` of `sector` if it is newer than the one kept.
pub fn store(
    ctx: &mut Context<'_>,
    config: &Config,
    event: &Event<'_>,
    sector: &str,
    indicator: &Indicator,
    observed: Timestamp,
) -> Result<(), Error> {
    let suffix = format!("{}/{}", indicator.indicator, indicator.scope);
    let key = format!("latest/{sector}/{suffix}");
    if key.len() > MAX_KEY_LEN {
        ctx.log().warn(
            "indicator skipped: sector, indicator and scope too long to keep",
            &[("event", event.id()), ("bytes", &key.len().to_string())],
        );
        return Ok(());
    }
    let kept = ctx.state().get_json::<Indicator>(&key).unwrap_or(None);
    match &kept {
        Some(k) if Timestamp::parse_rfc3339(&k.observed_at).is_some_and(|t| t >= observed) => {
            ctx.log().debug(
                "indicator skipped: not newer than the one kept",
                &[("event", event.id()), ("key", &key)],
            );
            return Ok(());
        }
        Some(_) => {}
        None => {
            let mut sectors = list(ctx, SECTORS)?;
            if !sectors.iter().any(|s| s == sector) {
                if sectors.len() >= config.max_sectors.get() as usize {
                    ctx.log().warn(
                        "indicator skipped: `max_sectors` sectors are kept already",
                        &[("event", event.id()), ("sector", sector)],
                    );
                    return Ok(());
                }
                sectors.push(sector.to_owned());
                ctx.state().set_json(SECTORS, &sectors)?;
            }
            let dir = format!("sector/{sector}");
            let mut kept = list(ctx, &dir)?;
            if kept.len() >= config.max_indicators_per_sector.get() as usize {
                evict_oldest(ctx, sector, &mut kept, event)?;
            }
            kept.push(suffix);
            ctx.state().set_json(&dir, &kept)?;
        }
    }
    ctx.state().set_json(&key, indicator)?;
    let mut pending = list(ctx, PENDING)?;
    if !pending.iter().any(|s| s == sector) {
        pending.push(sector.to_owned());
        ctx.state().set_json(PENDING, &pending)?;
    }
    Ok(())
}

/// Drops the kept indicator of `sector` observed longest ago, to make room.
fn evict_oldest(
    ctx: &mut Context<'_>,
    sector: &str,
    kept: &mut Vec<String>,
    event: &Event<'_>,
) -> Result<(), Error> {
    let mut oldest: Option<(Option<Timestamp>, usize)> = None;
    for (i, suffix) in kept.iter().enumerate() {
        let key = format!("latest/{sector}/{suffix}");
        let at = ctx
            .state()
            .get_json::<Indicator>(&key)
            .ok()
            .flatten()
            .and_then(|k| Timestamp::parse_rfc3339(&k.observed_at));
        if oldest.is_none_or(|(t, _)| at < t) {
            oldest = Some((at, i));
        }
    }
    if let Some((_, i)) = oldest {
        let suffix = kept.remove(i);
        ctx.log().warn(
            "indicator dropped: `max_indicators_per_sector` reached, the oldest makes room",
            &[
                ("event", event.id()),
                ("sector", sector),
                ("dropped", &suffix),
            ],
        );
        ctx.state().delete(&format!("latest/{sector}/{suffix}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::period_start;

    #[test]
    fn periods_start_at_local_midnight() {
        // 2026-11-27T08:00:00+07:00
        let t = 1_795_741_200;
        assert_eq!(period_start(t, 86_400), t - 8 * 3600);
        assert_eq!(period_start(t, 6 * 3600), t - 2 * 3600);
        assert_eq!(period_start(t - 8 * 3600, 86_400), t - 8 * 3600);
    }
}
