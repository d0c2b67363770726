//! Sector alerts on the operations centre's screen: every
//! `city.<sector>.alert` is re-published as a `city.ioc.alert` with its
//! `sector`, its `alertId` prefixed with `<sector>/` unless it already
//! starts so (the sectors' ids are unique only within the sector).
//!
//! Per sector, state `relay/<sector>` maps each relayed alert id to its
//! last status and `observedAt`. An alert event observed no later than the
//! one relayed is a redelivery or late: skipped. Resolved alerts are
//! forgotten `alert_retention` (event time) after their resolution, so the
//! map holds the sector's open alerts and its recent resolutions.

use std::collections::BTreeMap;

use cityhub_sdk::city::{Alert, AlertStatus, Clock};
use cityhub_sdk::geo::Point;
use cityhub_sdk::{Context, Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::alert;
use crate::check;
use crate::config::Config;
use crate::record::{At, load};

/// Relay records are under this prefix and the sector.
pub const RELAY_PREFIX: &str = "relay/";
/// The longest sector alert id.
pub const MAX_ALERT_ID: usize = 200;

/// What the plugin remembers of a relayed alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Relayed {
    /// Its last status.
    pub status: AlertStatus,
    /// The `observedAt` of its last event.
    pub observed_at: At,
}

/// Handles one `city.<sector>.alert` event.
pub fn alert(
    config: &Config,
    sector: &str,
    event: &Event<'_>,
    ctx: &mut Context<'_>,
) -> Result<(), Error> {
    let mut data: Alert = event.data_json()?;
    let at = check_alert(&data, event)?;
    let now = Clock::advance(ctx, at)?;
    let prefixed = data
        .alert_id
        .strip_prefix(sector)
        .is_some_and(|rest| rest.starts_with('/'));
    if !prefixed {
        data.alert_id = format!("{sector}/{}", data.alert_id);
    }

    let key = format!("{RELAY_PREFIX}{sector}");
    let mut relayed: BTreeMap<String, Relayed> = load(ctx, &key, event).unwrap_or_default();
    if relayed
        .get(&data.alert_id)
        .is_some_and(|r| at <= r.observed_at.0)
    {
        ctx.log().debug(
            "alert skipped: not newer than the one relayed",
            &[("event", event.id()), ("alert", &data.alert_id)],
        );
        return Ok(());
    }
    relayed.insert(
        data.alert_id.clone(),
        Relayed {
            status: data.status,
            observed_at: At(at),
        },
    );
    let horizon = now
        .seconds()
        .saturating_sub(secs(config.alert_retention.as_duration()));
    relayed.retain(|_, r| r.status == AlertStatus::Open || r.observed_at.0.seconds() >= horizon);
    ctx.state().set_json(&key, &relayed)?;

    let time = event.time().unwrap_or(&data.observed_at).to_owned();
    alert::emit(ctx, &data, sector, &time)
}

/// Checks what serde cannot; returns when the alert was observed.
fn check_alert(data: &Alert, event: &Event<'_>) -> Result<Timestamp, Error> {
    check::id(event, "alertId", &data.alert_id, MAX_ALERT_ID)?;
    if let Some(location) = &data.location {
        let point = Point {
            kind: location.kind.as_str().into(),
            coordinates: location.coordinates,
        };
        point
            .check()
            .map_err(|(member, why)| check::bad(event, &format!("location.{member}"), why))?;
    }
    check::time(event, "observedAt", &data.observed_at)
}

fn secs(d: core::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
