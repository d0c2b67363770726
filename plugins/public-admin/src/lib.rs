//! One-stop-shop dossiers (hồ sơ một cửa) for Lạng Sơn's public
//! administration service centre (Trung tâm Phục vụ hành chính công tỉnh).
//!
//! # In
//!
//! - `city.admin.dossier`, sent again by the one-stop shop's system each
//!   time a dossier's status changes:
//!
//!   ```json
//!   {"dossierId": "STP-261120-0042", "procedure": "2.000488",
//!    "procedureName": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
//!    "agency": "so-tu-phap", "status": "processing",
//!    "receivedAt": "2026-11-20T08:15:00+07:00", "dueAt": "2026-11-27T17:00:00+07:00",
//!    "observedAt": "2026-11-21T09:00:00+07:00"}
//!   ```
//!
//!   `status` is `received`, `processing`, `completed` or `returned`; other
//!   fields are ignored. `observedAt` is the event's time.
//! - `cityhub.clock.tick`, data `{"now": "<RFC 3339>"}`.
//!
//! # Out
//!
//! - `city.admin.dossier-overdue`, subject = the dossier, once per dossier
//!   that passes its `dueAt` while received or processing: `{"dossierId",
//!   "procedure", "procedureName", "agency", "receivedAt", "dueAt",
//!   "overdueBy" (ISO 8601 duration, e.g. "PT2H"), "observedAt"}` (see
//!   [`Overdue`]).
//! - `city.admin.indicator` (the shared [`Indicator`](cityhub_sdk::city::Indicator)),
//!   subject and scope = the agency, `scopeName` its configured Vietnamese
//!   name, each emitted when its value changes:
//!   `overdue-dossiers` (count of dossiers overdue now), `processing-days`
//!   (mean days from `receivedAt` to completion over the agency's completed
//!   dossiers, a running mean, to 0.01 day; calendar days) and `on-time`
//!   (the share of completed dossiers completed by their `dueAt`, to 0.001).
//! - `city.admin.alert` (the shared [`Alert`](cityhub_sdk::city::Alert)),
//!   subject = the agency, `alertId` `admin/overdue/<agency>`, category
//!   `admin`, subCategory `overdue`, severity `medium`, figures
//!   `overdueDossiers` and `threshold`: `open` when the agency's overdue
//!   dossiers reach `overdue_alert_count`, `resolved` when they fall below.
//!
//! Output times are RFC 3339 at +07:00; indicators and alerts are observed
//! at the plugin's "now".
//!
//! # Rules
//!
//! Time is event time: the plugin's "now" ([`Clock`])
//! is the newest `observedAt` or tick it has seen, and never moves back. A
//! dossier is overdue when "now" is past its `dueAt` and it is neither
//! completed nor returned; this is checked when the dossier's event arrives
//! and whenever "now" moves, through an index of open dossiers by `dueAt`
//! ([`Deadlines`]) so that only the dossiers falling due are read. A dossier
//! completed after its `dueAt` counts as late in `on-time`, whether or not
//! it was announced overdue; a returned dossier leaves the overdue count
//! and is not counted as completed. A `dueAt` moved later (an extension)
//! takes the dossier out of the overdue count, and it may fall overdue, and
//! be announced, again.
//!
//! # State and redelivery
//!
//! `dossier/<id>` ([`Record`]), `agency/<id>` ([`Stats`]), the deadline
//! index [`DUE`] (`due/index` and hourly `due/<hour>` buckets), the pruning
//! index [`PRUNE`] (`prune/index` and daily `prune/<day>` buckets; both the
//! SDK's [`Deadlines`] layout), and `clock/now`.
//! A dossier event observed no later than the dossier's last is a
//! redelivery or arrives out of order: it is skipped (logged at debug), so
//! nothing is counted or announced twice. A completed or returned dossier
//! is forgotten `retention` after it closed; events about a dossier older
//! than `retention` before "now" are skipped too, so a late redelivery
//! cannot bring a forgotten dossier back. A dossier reopened after it
//! closed is tracked again, and its completion is counted once.
//! Dossiers that stay open stay in state: they are the agencies' backlog.
//! A malformed event fails the batch with an invalid-input error naming
//! the event and the field.

mod agency;
mod config;
mod dossier;
mod overdue;
mod record;

use cityhub_sdk::city::{Clock, Deadlines, TICK, local_rfc3339, tick_time};
use cityhub_sdk::{Batch, Context, Error, Event, Plugin, Timestamp};

pub use agency::{Sent, Stats};
pub use config::{Agency, Config, MAX_AGENCY_ID};
pub use dossier::{Dossier, MAX_DOSSIER_ID, Status, Times};
pub use overdue::{Overdue, iso_duration};
pub use record::{Open, Record};

/// The dossier events the plugin reads.
pub const DOSSIER: &str = "city.admin.dossier";
/// The host's clock ticks, which the plugin reads too.
pub const CLOCK_TICK: &str = TICK;
/// A dossier fell overdue.
pub const OVERDUE: &str = "city.admin.dossier-overdue";
/// The agencies' indicators.
pub const INDICATOR: &str = "city.admin.indicator";
/// The agencies' overdue alerts.
pub const ALERT: &str = "city.admin.alert";

/// The index of open dossiers by `dueAt`.
pub const DUE: Deadlines = Deadlines::hourly("due/");
/// The index of closed dossiers by when they are forgotten.
pub const PRUNE: Deadlines = Deadlines::daily("prune/");

/// The plugin: its configuration and the agencies an event touched.
/// Everything else lives in state.
#[derive(Debug)]
pub struct PublicAdmin {
    config: Config,
    touched: Vec<String>,
}

impl Plugin for PublicAdmin {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(PublicAdmin {
            config,
            touched: Vec::new(),
        })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            self.touched.clear();
            match event.ty() {
                DOSSIER => self.dossier(&event, ctx)?,
                TICK => self.tick(&event, ctx)?,
                other => {
                    ctx.log().warn(
                        "event skipped: not a dossier or a clock tick",
                        &[("event", event.id()), ("type", other)],
                    );
                    continue;
                }
            }
            self.publish(ctx)?;
        }
        Ok(())
    }
}

impl PublicAdmin {
    fn retention(&self) -> i64 {
        i64::try_from(self.config.retention.as_duration().as_secs()).unwrap_or(i64::MAX)
    }

    fn touch(&mut self, agency: &str) {
        if !self.touched.iter().any(|a| a == agency) {
            self.touched.push(agency.to_owned());
        }
    }

    fn tick(&mut self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let now = tick_time(event)?;
        self.advance(ctx, event, now.seconds())
    }

    fn dossier(&mut self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let dossier: Dossier<'_> = event.data_json()?;
        let times = dossier.check(event)?;
        let id = &*dossier.dossier_id;
        let before = Clock::now(ctx).map(|t| t.seconds());
        let now = before.map_or(times.observed_at, |b| b.max(times.observed_at));
        let record = record::load(ctx, id, event);
        let stale = match &record {
            Some(r) => times.observed_at <= r.observed_at,
            None => before.is_some_and(|b| times.observed_at <= b.saturating_sub(self.retention())),
        };
        if stale {
            ctx.log().debug(
                "dossier skipped: not newer than its last status, or older than `retention`",
                &[("event", event.id()), ("dossier", id)],
            );
            return Ok(());
        }

        // Take the dossier out of the index and counts it was in.
        let mut overdue_in = None;
        let mut closed_at = None;
        let counted = record.as_ref().is_some_and(|r| r.counted);
        if let Some(r) = &record {
            if let Some(open) = &r.open {
                if open.overdue {
                    overdue_in = Some(open.agency.clone());
                } else {
                    DUE.remove(ctx, open.due_at, id)?;
                }
            }
            closed_at = r.closed_at;
        }

        let agency = &*dossier.agency;
        self.touch(agency);
        let mut announce = None;
        let new = if dossier.status.is_open() {
            if let Some(closed) = closed_at {
                PRUNE.remove(ctx, closed.saturating_add(self.retention()), id)?;
            }
            let overdue = times.due_at < now;
            match (&overdue_in, overdue) {
                (Some(old), true) if old == agency => {}
                (Some(old), _) => {
                    agency::update(ctx, old, |s| s.overdue = s.overdue.saturating_sub(1))?;
                    self.touch(old);
                    if overdue {
                        agency::update(ctx, agency, |s| s.overdue += 1)?;
                    } else {
                        DUE.insert(ctx, times.due_at, id)?;
                    }
                }
                (None, true) => {
                    agency::update(ctx, agency, |s| s.overdue += 1)?;
                    announce = Some(now);
                }
                (None, false) => DUE.insert(ctx, times.due_at, id)?,
            }
            Record {
                status: dossier.status,
                observed_at: times.observed_at,
                open: Some(Open {
                    agency: agency.to_owned(),
                    procedure: dossier.procedure.clone().into_owned(),
                    procedure_name: dossier.procedure_name.clone().into_owned(),
                    received_at: times.received_at,
                    due_at: times.due_at,
                    overdue,
                }),
                closed_at: None,
                counted,
            }
        } else {
            if let Some(old) = &overdue_in {
                agency::update(ctx, old, |s| s.overdue = s.overdue.saturating_sub(1))?;
                self.touch(old);
            }
            let complete = !counted && dossier.status == Status::Completed;
            if complete {
                let took = times.observed_at - times.received_at;
                let on_time = times.observed_at <= times.due_at;
                agency::update(ctx, agency, |s| s.complete(took, on_time))?;
            }
            let closed = match closed_at {
                Some(closed) => closed,
                None => {
                    let forget = times.observed_at.saturating_add(self.retention());
                    PRUNE.insert(ctx, forget, id)?;
                    times.observed_at
                }
            };
            Record {
                status: dossier.status,
                observed_at: times.observed_at,
                open: None,
                closed_at: Some(closed),
                counted: counted || complete,
            }
        };
        ctx.state().set_json(&record::key(id), &new)?;
        if let (Some(at), Some(open)) = (announce, &new.open) {
            overdue::emit(ctx, id, open, at)?;
        }
        self.advance(ctx, event, times.observed_at)
    }

    /// Moves "now" to `t` (Unix seconds) if it is newer, then announces the
    /// dossiers that fell overdue and forgets the closed ones whose
    /// retention ended.
    fn advance(&mut self, ctx: &mut Context<'_>, event: &Event<'_>, t: i64) -> Result<(), Error> {
        let before = Clock::now(ctx).map(|t| t.seconds());
        let now = Clock::advance(ctx, Timestamp::new(t, 0))?.seconds();
        if before.is_some_and(|b| now <= b) {
            return Ok(());
        }
        // Overdue once "now" is past `dueAt`: due strictly before "now".
        let due = DUE.take_due(ctx, now.saturating_sub(1), usize::MAX)?;
        for (due, id) in due.entries {
            let Some(mut r) = record::load(ctx, &id, event) else {
                continue;
            };
            let Some(open) = r.open.as_mut().filter(|o| !o.overdue && o.due_at == due) else {
                continue; // an entry the dossier has moved on from
            };
            open.overdue = true;
            let agency = open.agency.clone();
            agency::update(ctx, &agency, |s| s.overdue += 1)?;
            self.touch(&agency);
            ctx.state().set_json(&record::key(&id), &r)?;
            if let Some(open) = &r.open {
                overdue::emit(ctx, &id, open, now)?;
            }
        }
        let expired = PRUNE.take_due(ctx, now.saturating_sub(1), usize::MAX)?;
        for (at, id) in expired.entries {
            let forget = record::load(ctx, &id, event).is_some_and(|r| {
                r.closed_at
                    .is_some_and(|c| c.saturating_add(self.retention()) == at)
            });
            if forget {
                ctx.state().delete(&record::key(&id))?;
            }
        }
        Ok(())
    }

    /// Emits the touched agencies' changed indicators and alerts, observed
    /// at "now".
    fn publish(&mut self, ctx: &mut Context<'_>) -> Result<(), Error> {
        if self.touched.is_empty() {
            return Ok(());
        }
        let now = Clock::now(ctx).unwrap_or(Timestamp::UNIX_EPOCH);
        let observed_at = local_rfc3339(now);
        for agency in std::mem::take(&mut self.touched) {
            agency::publish(ctx, &self.config, &agency, &observed_at)?;
        }
        Ok(())
    }
}

cityhub_sdk::export_plugin!(PublicAdmin);
