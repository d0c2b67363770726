//! Visitors at a site: the `visitors` indicator, and the `crowding` alert
//! with hysteresis. What the plugin remembers per site is under
//! `site/<id>`: the newest count, when it was observed, and the severity of
//! its open alert.
//!
//! A configured site's alert opens (severity `high`) when its visitors
//! reach `crowding_ratio` of its capacity, turns `critical` (sent again,
//! still `open`) at or above its capacity and back to `high` below it, and
//! is resolved only when they fall below `resolve_ratio` of its capacity.
//! Visitors at sites the configuration does not name are counted, never
//! alerted. A count observed no later than the site's newest is skipped.

use std::collections::BTreeMap;

use cityhub_sdk::city::{Alert, AlertStatus, Location, Severity, Text, load_record, local_rfc3339};
use cityhub_sdk::{Context, Error, Event, Output, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::Config;
use crate::input::Visitors;
use crate::store::key;
use crate::{ALERT, INDICATOR, calendar};

/// Site records: this prefix and the site id.
pub const PREFIX: &str = "site/";

/// What the plugin remembers of a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Site {
    /// Visitors at the newest count.
    pub present: u32,
    /// When it was observed (RFC 3339, UTC).
    pub at: String,
    /// The severity of the open crowding alert, if one is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<Severity>,
}

/// Takes in a visitor count (checked; observed at `at`, the clock at `now`).
pub fn handle(
    ctx: &mut Context<'_>,
    config: &Config,
    event: &Event<'_>,
    v: &Visitors<'_>,
    at: Timestamp,
    now: Timestamp,
) -> Result<(), Error> {
    let id = &*v.site;
    let site_key = key(PREFIX, id);
    let old: Option<Site> = load_record(ctx, &site_key, None);
    if old
        .as_ref()
        .and_then(|s| Timestamp::parse_rfc3339(&s.at))
        .is_some_and(|last| at <= last)
    {
        ctx.log().debug(
            "visitors skipped: not newer than the site's last count",
            &[("event", event.id()), ("site", id)],
        );
        return Ok(());
    }
    let observed_at = local_rfc3339(at);
    if old.as_ref().map(|s| s.present) != Some(v.present) {
        let data = cityhub_sdk::city::Indicator {
            indicator: "visitors".to_owned(),
            scope: id.to_owned(),
            scope_name: Some(v.site_name.clone().into_owned()),
            name: Text::new("Lượng khách tại điểm du lịch", "Visitors at the site"),
            value: f64::from(v.present),
            unit: cityhub_sdk::city::Unit::Count,
            observed_at: observed_at.clone(),
        };
        ctx.emit(
            Output::new(INDICATOR)
                .subject(id)
                .time(&observed_at)
                .json(&data),
        )?;
    }

    let open = old.as_ref().and_then(|s| s.alert);
    let mut site = Site {
        present: v.present,
        at: at.to_string(),
        alert: open,
    };
    if let Some(conf) = config.sites.get(id) {
        let present = f64::from(v.present);
        let capacity = f64::from(conf.capacity);
        let severity = if v.present >= conf.capacity {
            Severity::Critical
        } else {
            Severity::High
        };
        let change = match open {
            None if present >= config.crowding_ratio * capacity => {
                Some((AlertStatus::Open, severity))
            }
            Some(was) if present < config.resolve_ratio * capacity => {
                Some((AlertStatus::Resolved, was))
            }
            Some(was) if was != severity => Some((AlertStatus::Open, severity)),
            _ => None,
        };
        if let Some((status, severity)) = change {
            site.alert = (status == AlertStatus::Open).then_some(severity);
            let events = calendar::upcoming(ctx, id, now, config.event_horizon.as_duration());
            let names = Names {
                vi: &v.site_name,
                en: &conf.en,
            };
            let alert = alert(
                id,
                names,
                status,
                severity,
                v.present,
                conf,
                &events,
                observed_at,
            );
            ctx.emit(
                Output::new(ALERT)
                    .subject(id)
                    .time(&alert.observed_at)
                    .json(&alert),
            )?;
        }
    }
    ctx.state().set_json(&site_key, &site)
}

struct Names<'a> {
    vi: &'a str,
    en: &'a str,
}

#[allow(clippy::too_many_arguments)]
fn alert(
    id: &str,
    name: Names<'_>,
    status: AlertStatus,
    severity: Severity,
    present: u32,
    site: &crate::config::Site,
    events: &[calendar::Stored],
    observed_at: String,
) -> Alert {
    let (p, c) = (f64::from(present), f64::from(site.capacity));
    let title = match status {
        AlertStatus::Open => Text::new(
            format!(
                "Quá đông du khách tại {}: {} / {} người",
                name.vi,
                grouped(p, '.'),
                grouped(c, '.')
            ),
            format!(
                "Crowding at {}: {} of {} visitors",
                name.en,
                grouped(p, ','),
                grouped(c, ',')
            ),
        ),
        AlertStatus::Resolved => Text::new(
            format!("Hết quá đông du khách tại {}", name.vi),
            format!("Crowding over at {}", name.en),
        ),
    };
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    let description = if names.is_empty() {
        Text::new(
            "Không có sự kiện nào đang hoặc sắp diễn ra tại đây.",
            "No event under way or coming here.",
        )
    } else {
        Text::new(
            format!("Sự kiện đang hoặc sắp diễn ra: {}.", names.join("; ")),
            format!("Events under way or coming: {}.", names.join("; ")),
        )
    };
    Alert {
        alert_id: format!("tourism/crowding/{id}"),
        status,
        category: "tourism".to_owned(),
        sub_category: "crowding".to_owned(),
        severity,
        title,
        description: Some(description),
        location: Some(Location::point(site.location[0], site.location[1])),
        figures: BTreeMap::from([
            ("present".to_owned(), json!(present)),
            ("capacity".to_owned(), json!(site.capacity)),
            ("ratio".to_owned(), json!((p / c * 1000.0).round() / 1000.0)),
            ("events".to_owned(), json!(names)),
        ]),
        observed_at,
    }
}

/// `n` rounded and grouped by thousands with `sep` (3.100 / 3,100).
fn grouped(n: f64, sep: char) -> String {
    // `as` saturates; counts here are small.
    let digits = (n.round().max(0.0) as u64).to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}
