//! The reporting and direction system (Hệ thống thông tin báo cáo và chỉ
//! đạo điều hành) of Lạng Sơn's provincial People's Committee office:
//! directives tracked to done or overdue, and periodic sector reports.
//!
//! # In
//!
//! - `city.reporting.directive`, sent again each time a directive changes:
//!
//!   ```json
//!   {"directiveId": "CD-2026-118",
//!    "title": {"vi": "Phân luồng xe chở nông sản trên QL4A về cửa khẩu Tân Thanh",
//!              "en": "Route produce trucks on QL4A to the Tân Thanh gate"},
//!    "agency": "so-giao-thong-van-tai", "issuedBy": "Chủ tịch UBND tỉnh",
//!    "issuedAt": "2026-11-25T09:00:00+07:00", "deadline": "2026-11-27T17:00:00+07:00",
//!    "status": "in-progress", "observedAt": "2026-11-26T08:00:00+07:00"}
//!   ```
//!
//!   `status` is `assigned`, `in-progress` or `done`; other fields are
//!   ignored. `observedAt` is the event's time.
//! - the sectors' `city.<sector>.indicator` (the shared
//!   [`Indicator`]: `indicator`, `scope`,
//!   `scopeName`, `name`, `value`, `unit`, `observedAt`), every sector but
//!   `reporting` itself (its own indicators are skipped);
//! - `cityhub.clock.tick`, data `{"now": "<RFC 3339>"}`.
//!
//! # Out
//!
//! - `city.reporting.directive-status`, subject = the directive, whenever
//!   anything about it changes, its falling overdue included:
//!   `{"directiveId", "title": {"vi", "en"}, "agency", "issuedBy",
//!   "issuedAt", "deadline", "status": "assigned" | "in-progress" | "done" |
//!   "overdue", "progress": "assigned" | "in-progress" | "done", "overdue",
//!   "doneLate", "doneAt", "observedAt"}` (see [`DirectiveStatus`]).
//!   `status` is `overdue` while the directive is past its deadline and not
//!   done; `progress` is what the agency last said; `overdue` is whether
//!   the deadline passed before it was done, `doneLate` whether it was done
//!   after its deadline, `doneAt` when it was done (or null).
//! - `city.reporting.alert` (the shared [`Alert`](cityhub_sdk::city::Alert)),
//!   subject = the directive, `alertId` `reporting/directive/<id>`, category
//!   `reporting`, subCategory `directive-overdue`, severity `high`, figures
//!   `agency`, `deadline`, `issuedBy`: `open` when the directive falls
//!   overdue, `resolved` when it is done or its deadline is moved later.
//! - `city.reporting.indicator`: `directives-overdue` (scope = agency,
//!   count of its directives overdue now), when it changes.
//! - `city.reporting.sector-report`, subject = the sector, once per sector
//!   and `report_period` (periods aligned to local midnight, in event
//!   time) for every sector that sent indicators in the period:
//!   `{"sector", "period": {"from", "to"}, "indicators": [<Indicator>...],
//!   "generatedAt"}` with the latest value of each of the sector's
//!   indicators (see [`SectorReport`]).
//!
//! Output times are RFC 3339 at +07:00.
//!
//! # Rules
//!
//! Time is event time: "now" ([`Clock`]) is the
//! newest `observedAt` or tick seen, and never moves back. A directive is
//! overdue once "now" is past its deadline and it is not done; this is
//! checked when its event arrives and whenever "now" moves, through an
//! index of pending directives by deadline ([`Deadlines`]), so only the
//! directives falling due are read, and it is announced once. When "now"
//! passes the end of the report period, the period's reports are emitted
//! (one period reported however far "now" jumps) and the next begins.
//!
//! # State and redelivery
//!
//! `directive/<id>` ([`Record`]), `agency/<id>`, the deadline index [`DUE`]
//! (`due/index` and hourly `due/<hour>` buckets), the pruning index
//! [`PRUNE`] (`prune/index` and daily `prune/<day>` buckets; both the SDK's
//! [`Deadlines`] layout), the sectors' indicators (see
//! the `report` module's docs) and `clock/now`. A directive or indicator
//! observed no later than the one kept is a redelivery or arrives out of
//! order: it is skipped (logged at debug). A done directive is forgotten
//! `retention` after it was done, and events about a directive older than
//! `retention` before "now" are skipped, so a late redelivery cannot bring
//! it back. Kept indicators are bounded by `max_sectors` and
//! `max_indicators_per_sector`. A malformed event fails the batch with an
//! invalid-input error naming the event and the field.

mod agency;
mod config;
mod directive;
mod record;
mod report;
mod status;

use cityhub_sdk::city::{Clock, Deadlines, Indicator, Input, TICK, local_rfc3339, tick_time};
use cityhub_sdk::{Batch, Context, Error, Event, Plugin, Timestamp};

pub use agency::Stats;
pub use config::{Agency, Config, MAX_AGENCY_ID};
pub use directive::{Directive, MAX_DIRECTIVE_ID, Progress, Times};
pub use record::Record;
pub use report::{Period, SectorReport, period_start};
pub use status::{Change, DirectiveStatus};

/// The directive events the plugin reads.
pub const DIRECTIVE: &str = "city.reporting.directive";
/// The sectors' indicators the plugin reads (a subscription pattern).
pub const SECTOR_INDICATORS: &str = "city.*.indicator";
/// The host's clock ticks, which the plugin reads too.
pub const CLOCK_TICK: &str = TICK;
/// A directive's status changed.
pub const DIRECTIVE_STATUS: &str = "city.reporting.directive-status";
/// A sector's periodic report.
pub const SECTOR_REPORT: &str = "city.reporting.sector-report";
/// The agencies' `directives-overdue`.
pub const INDICATOR: &str = "city.reporting.indicator";
/// Overdue directives' alerts.
pub const ALERT: &str = "city.reporting.alert";

/// The index of pending directives by deadline.
pub const DUE: Deadlines = Deadlines::hourly("due/");
/// The index of done directives by when they are forgotten.
pub const PRUNE: Deadlines = Deadlines::daily("prune/");

/// The plugin: its configuration and the agencies an event touched.
/// Everything else lives in state.
#[derive(Debug)]
pub struct Reporting {
    config: Config,
    touched: Vec<String>,
}

impl Plugin for Reporting {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(Reporting {
            config,
            touched: Vec::new(),
        })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            self.touched.clear();
            match event.ty() {
                DIRECTIVE => self.directive(&event, ctx)?,
                TICK => self.tick(&event, ctx)?,
                INDICATOR => {
                    ctx.log().debug(
                        "event skipped: the plugin's own indicator",
                        &[("event", event.id())],
                    );
                    continue;
                }
                ty => match sector_of(ty) {
                    Some(sector) => self.indicator(&event, sector, ctx)?,
                    None => {
                        ctx.log().warn(
                            "event skipped: not a directive, a sector indicator or a clock tick",
                            &[("event", event.id()), ("type", ty)],
                        );
                        continue;
                    }
                },
            }
            self.publish(ctx)?;
        }
        Ok(())
    }
}

/// The sector of a `city.<sector>.indicator` type.
fn sector_of(ty: &str) -> Option<&str> {
    let sector = ty.strip_prefix("city.")?.strip_suffix(".indicator")?;
    (!sector.is_empty() && !sector.contains('.')).then_some(sector)
}

impl Reporting {
    fn touch(&mut self, agency: &str) {
        if !self.touched.iter().any(|a| a == agency) {
            self.touched.push(agency.to_owned());
        }
    }

    fn tick(&mut self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let now = tick_time(event)?;
        self.advance(ctx, event, now.seconds())
    }

    fn indicator(
        &mut self,
        event: &Event<'_>,
        sector: &str,
        ctx: &mut Context<'_>,
    ) -> Result<(), Error> {
        let indicator: Indicator = event.data_json()?;
        let bad =
            |field: &str, why: &str| Error::invalid_input(event, format!("`data.{field}` {why}"));
        if indicator.indicator.is_empty() || indicator.indicator.contains('/') {
            return Err(bad(
                "indicator",
                "must be a kebab-case name such as `bed-occupancy`",
            ));
        }
        if indicator.scope.is_empty() {
            return Err(bad(
                "scope",
                "must name what is measured, such as `bvdk-tinh`",
            ));
        }
        let observed = Input::of(event).time("observedAt", &indicator.observed_at)?;
        // The period ends before a newer figure is kept.
        self.advance(ctx, event, observed.seconds())?;
        report::store(ctx, &self.config, event, sector, &indicator, observed)
    }

    fn directive(&mut self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let d: Directive = event.data_json()?;
        let times = d.check(event)?;
        let id = d.directive_id.as_str();
        let retention = self.config.retention_secs();
        let before = Clock::now(ctx).map(|t| t.seconds());
        let now = before.map_or(times.observed_at, |b| b.max(times.observed_at));
        let old = record::load(ctx, id, event);
        let stale = match &old {
            Some(r) => times.observed_at <= r.observed_at,
            None => before.is_some_and(|b| times.observed_at <= b.saturating_sub(retention)),
        };
        if stale {
            ctx.log().debug(
                "directive skipped: not newer than its last status, or older than `retention`",
                &[("event", event.id()), ("directive", id)],
            );
            return Ok(());
        }

        // Take the directive out of the indexes it was in.
        let old_counted = old.as_ref().filter(|r| r.counted).map(|r| r.agency.clone());
        if let Some(r) = &old {
            match r.done_at {
                Some(done) => PRUNE.remove(ctx, done.saturating_add(retention), id)?,
                None if !r.counted => DUE.remove(ctx, r.deadline, id)?,
                None => {}
            }
        }

        let agency = d.agency.as_str();
        self.touch(agency);
        let mut change = None;
        let (overdue, counted, done_at) = if d.status == Progress::Done {
            let done = old
                .as_ref()
                .and_then(|r| r.done_at)
                .unwrap_or(times.observed_at);
            if let Some(was) = &old_counted {
                agency::add(ctx, was, -1)?;
                self.touch(was);
                change = Some(Change::Done);
            }
            PRUNE.insert(ctx, done.saturating_add(retention), id)?;
            (done > times.deadline, false, Some(done))
        } else if times.deadline < now {
            match &old_counted {
                Some(was) if was == agency => {}
                Some(was) => {
                    agency::add(ctx, was, -1)?;
                    agency::add(ctx, agency, 1)?;
                    self.touch(was);
                }
                None => {
                    agency::add(ctx, agency, 1)?;
                    change = Some(Change::Overdue);
                }
            }
            (true, true, None)
        } else {
            if let Some(was) = &old_counted {
                agency::add(ctx, was, -1)?;
                self.touch(was);
                change = Some(Change::Extended);
            }
            DUE.insert(ctx, times.deadline, id)?;
            (false, false, None)
        };
        let new = Record {
            title: d.title,
            agency: d.agency.clone(),
            issued_by: d.issued_by,
            issued_at: times.issued_at,
            deadline: times.deadline,
            progress: d.status,
            observed_at: times.observed_at,
            overdue,
            counted,
            done_at,
        };
        ctx.state().set_json(&record::key(id), &new)?;
        if !old.as_ref().is_some_and(|o| o.same_status(&new)) {
            status::emit_status(ctx, id, &new, now)?;
        }
        if let Some(change) = change {
            status::emit_alert(ctx, &self.config, id, &new, change, now)?;
        }
        self.advance(ctx, event, times.observed_at)
    }

    /// Moves "now" to `t` (Unix seconds) if it is newer, then announces the
    /// directives that fell overdue, forgets the done ones whose retention
    /// ended, and ends the report period if it is over.
    fn advance(&mut self, ctx: &mut Context<'_>, event: &Event<'_>, t: i64) -> Result<(), Error> {
        let before = Clock::now(ctx).map(|t| t.seconds());
        let now = Clock::advance(ctx, Timestamp::new(t, 0))?.seconds();
        if before.is_some_and(|b| now <= b) {
            return Ok(());
        }
        // Overdue once "now" is past the deadline: due strictly before "now".
        let due = DUE.take_due(ctx, now.saturating_sub(1), usize::MAX)?;
        for (deadline, id) in due.entries {
            let Some(mut r) = record::load(ctx, &id, event) else {
                continue;
            };
            if r.done_at.is_some() || r.counted || r.deadline != deadline {
                continue; // an entry the directive has moved on from
            }
            r.counted = true;
            r.overdue = true;
            agency::add(ctx, &r.agency, 1)?;
            self.touch(&r.agency);
            ctx.state().set_json(&record::key(&id), &r)?;
            status::emit_status(ctx, &id, &r, now)?;
            status::emit_alert(ctx, &self.config, &id, &r, Change::Overdue, now)?;
        }
        let retention = self.config.retention_secs();
        let expired = PRUNE.take_due(ctx, now.saturating_sub(1), usize::MAX)?;
        for (at, id) in expired.entries {
            let forget = record::load(ctx, &id, event)
                .is_some_and(|r| r.done_at.is_some_and(|d| d.saturating_add(retention) == at));
            if forget {
                ctx.state().delete(&record::key(&id))?;
            }
        }
        report::roll(ctx, &self.config, now)
    }

    /// Emits the touched agencies' changed `directives-overdue`, observed at
    /// "now".
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

cityhub_sdk::export_plugin!(Reporting);
