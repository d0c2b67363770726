//! Border-trade declarations: what the plugin remembers of each, under
//! `decl/<id>`, and how a new status moves its gate's figures.
//!
//! A declaration observed no later than its record is a redelivery or
//! arrives out of order and is skipped; so is a `waiting` status after the
//! declaration cleared (clearance is final). A cleared declaration is kept
//! for `declaration_retention` after its last update, a waiting one for
//! `stale_waiting_after` (then it leaves the gate's waiting figures as
//! stale); declaration events older than `declaration_retention` with no
//! record are skipped, as their record may have been pruned.

use cityhub_sdk::city::{Clock, after, local_day};
use cityhub_sdk::{Context, Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

use crate::config::{Config, kg};
use crate::gate::{self, Share};
use crate::input::{Declaration, Status};
use crate::store::{self, hour_after, key, load, save};

/// Declaration records are stored under this prefix and the id.
pub const PREFIX: &str = "decl/";

/// What the plugin remembers of a declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Record {
    /// The gate id.
    pub gate: String,
    /// The mass in kilograms.
    pub kg: u64,
    /// Whether the goods spoil.
    pub perishable: bool,
    /// Whether it cleared (else it waits).
    pub cleared: bool,
    /// The civil day it was declared (`YYYY-MM-DD`, UTC+7).
    pub declared_day: String,
    /// When its status was last observed (RFC 3339, UTC).
    pub at: String,
    /// The hour (since the epoch) from which it may be pruned.
    pub expires: i64,
}

impl Record {
    /// When its status was last observed; `None` if the record is damaged.
    pub fn at(&self) -> Option<Timestamp> {
        Timestamp::parse_rfc3339(&self.at)
    }

    /// Its contribution to its gate's figures; `cleared_day` is the day of
    /// [`at`](Self::at), computed by the caller.
    pub fn share<'a>(&'a self, cleared_day: &'a str) -> Share<'a> {
        Share {
            kg: self.kg,
            perishable: self.perishable,
            waiting: !self.cleared,
            declared_day: &self.declared_day,
            cleared_day: self.cleared.then_some(cleared_day),
        }
    }
}

/// Takes in a declaration (checked; `declared`, `at` are its times).
pub fn handle(
    ctx: &mut Context<'_>,
    config: &Config,
    event: &Event<'_>,
    decl: &Declaration<'_>,
    (declared, at): (Timestamp, Timestamp),
) -> Result<(), Error> {
    let key = key(PREFIX, &decl.declaration_id);
    let old: Option<Record> = load(ctx, &key);
    let skip = |ctx: &mut Context<'_>, why: &str| {
        ctx.log().debug(
            why,
            &[("event", event.id()), ("declaration", &decl.declaration_id)],
        );
        Ok(())
    };
    match &old {
        Some(r) if r.at().is_some_and(|last| at <= last) => {
            return skip(ctx, "declaration skipped: not newer than its record");
        }
        Some(r) if r.cleared && decl.status == Status::Waiting => {
            ctx.log().warn(
                "declaration skipped: it cleared already",
                &[("event", event.id()), ("declaration", &decl.declaration_id)],
            );
            return Ok(());
        }
        None => {
            let now = Clock::now(ctx).unwrap_or(at);
            if after(at, config.declaration_retention.as_duration()) <= now {
                return skip(ctx, "declaration skipped: older than the retention");
            }
        }
        Some(_) => {}
    }

    let cleared = decl.status == Status::Cleared;
    let keep = if cleared {
        config.declaration_retention
    } else {
        config.stale_waiting_after
    };
    let new = Record {
        gate: decl.gate.clone().into_owned(),
        kg: kg(decl.tonnes),
        perishable: decl.perishable,
        cleared,
        declared_day: local_day(declared),
        at: at.to_string(),
        expires: hour_after(after(at, keep.as_duration())),
    };
    save(ctx, &key, &new)?;
    if old.as_ref().map(|r| r.expires) != Some(new.expires) {
        store::schedule(ctx, &key, new.expires)?;
    }

    let new_day = local_day(at);
    match &old {
        Some(old) => {
            let old_day = old.at().map(local_day).unwrap_or_default();
            if old.gate == new.gate {
                gate::update(ctx, config, &new.gate, at, |g| {
                    g.remove(old.share(&old_day));
                    g.add(new.share(&new_day));
                })
            } else {
                gate::update(ctx, config, &old.gate, at, |g| {
                    g.remove(old.share(&old_day))
                })?;
                gate::update(ctx, config, &new.gate, at, |g| g.add(new.share(&new_day)))
            }
        }
        None => gate::update(ctx, config, &new.gate, at, |g| g.add(new.share(&new_day))),
    }
}

/// Prunes the declaration under `key` if bucket `hour` is still its own:
/// a waiting one leaves its gate's waiting figures (observed at `now`).
pub fn expire(
    ctx: &mut Context<'_>,
    config: &Config,
    key: &str,
    hour: i64,
    now: Timestamp,
) -> Result<(), Error> {
    let Some(record) = load::<Record>(ctx, key) else {
        ctx.state().delete(key)?;
        return Ok(());
    };
    if record.expires != hour {
        return Ok(());
    }
    ctx.state().delete(key)?;
    if !record.cleared {
        ctx.log().warn(
            "stale declaration dropped: still waiting, no update within `stale_waiting_after`",
            &[("key", key), ("gate", &record.gate)],
        );
        gate::update(ctx, config, &record.gate, now, |g| {
            g.remove_waiting(record.share(""));
        })?;
    }
    Ok(())
}
