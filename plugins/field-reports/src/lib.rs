//! Citizens' field reports for Lạng Sơn (Phản ánh hiện trường), after
//! Open311 GeoReport v2: each report is classified under a service, routed
//! to the agency responsible with a deadline (`expected_datetime`), tracked
//! through the agency's updates, and flagged once if it is still open when
//! the deadline passes. The host's Open311 API (`/open311/v2/…`) lists this
//! plugin's `services` and answers requests from its
//! `city.fieldreport.request` events.
//!
//! # In
//!
//! - `city.fieldreport.submitted`, subject = the request id (the host's
//!   Open311 endpoint and the simulator post these): `{"service_request_id",
//!   "service_code"?, "description"?, "lat"?, "long"?, "address_string"?,
//!   "address_id"?, "media_url"?, "requested_datetime"?,
//!   "jurisdiction_id"?}`. A location is required (`lat` and `long`,
//!   `address_string` or `address_id`); `lat`/`long` may be numbers or
//!   numbers in strings; `requested_datetime` defaults to the event's
//!   `time`. `jurisdiction_id` is never read. The citizen's contact is not
//!   in the report: the host keeps it in a `city.fieldreport.contact` event
//!   of data class `personal`, which this plugin is not approved for and
//!   never receives; any other field is ignored.
//! - `city.fieldreport.progress`, an agency's update: `{"service_request_id",
//!   "status": "open" | "closed", "status_notes"?, "updated_datetime",
//!   "agency_responsible"?}` (the last hands the request over to another
//!   agency).
//! - `cityhub.clock.tick`: `{"now"}`.
//!
//! # Out
//!
//! - `city.fieldreport.request`, subject = the request id, time = when it
//!   changed, after every change (routed, updated, overdue): the whole
//!   request ([`Request`]), null where absent:
//!
//! ```json
//! {"service_request_id": "LS-2026-000123", "status": "open", "status_notes": null,
//!  "service_name": "Hư hỏng mặt đường, ổ gà", "service_code": "pothole",
//!  "description": "Ổ gà lớn giữa làn xe tải trên Quốc lộ 4A", "agency_responsible": "Sở Giao thông Vận tải",
//!  "service_notice": "Đã chuyển Sở Giao thông Vận tải xử lý trong vòng 3 ngày.",
//!  "requested_datetime": "2026-11-27T08:10:00+07:00", "updated_datetime": "2026-11-27T08:10:00+07:00",
//!  "expected_datetime": "2026-11-30T08:10:00+07:00", "address": "Km 5, QL4A, xã Hoàng Đồng",
//!  "address_id": null, "lat": 21.8712, "long": 106.7355, "media_url": null,
//!  "road": "QL4A", "overdue": false}
//! ```
//! - `city.fieldreport.overdue`, subject = the request id, once per request
//!   still open when its `expected_datetime` passes: `{"service_request_id",
//!   "service_code", "agency_responsible", "expected_datetime", "road",
//!   "observedAt"}` (`observedAt` = the event time it was noticed).
//! - `city.fieldreport.indicator` (shared [`Indicator`](cityhub_sdk::city::Indicator)
//!   shape), subject = scope: `open-reports` and `overdue-reports` per agency
//!   (scope = the agency's slug, e.g. `so-giao-thong-van-tai`, `scopeName` =
//!   its name, unit `count`), at the end of a batch that changed them.
//! - `city.fieldreport.alert` (shared [`Alert`](cityhub_sdk::city::Alert)
//!   shape), subject = the agency's slug: `alertId`
//!   `fieldreport/overdue/<slug>`, `category` `fieldreport`, `subCategory`
//!   `overdue-reports`, opening (`medium`) when an agency's overdue open
//!   reports reach `overdue_alert_threshold`, escalating (`high`) at twice
//!   that, resolved below it; figures `overdueReports`, `openReports`,
//!   `threshold`, `agency`.
//!
//! # Rules
//!
//! - Classification: the configured service of the report's
//!   `service_code`; else the first service with a keyword in the
//!   description (whole words, lowercase, diacritics kept); else `fallback`.
//!   `service_code` in the outputs is the service it was filed under.
//! - `expected_datetime` = `requested_datetime` + the service's `sla`.
//!   Times are published at `+07:00` in whole seconds.
//! - `road`: the first configured road the address, else the description,
//!   names (`QL4A`, `QL 4A`, `Quốc lộ 4A` → `QL4A`), or null.
//! - Event time is the clock ([`Clock`]): the
//!   `time` of each report and update (their `requested_datetime` /
//!   `updated_datetime` if they have none) and each tick's `now`. Whenever
//!   it moves, open requests past their deadline are flagged: `overdue`
//!   becomes true (for good), one `city.fieldreport.overdue` and the request
//!   are emitted. Deadlines are kept in a timer wheel in state
//!   ([`Deadlines`], [`DUE`]), so a tick reads only what is due. A batch stops flagging
//!   at 8,000 outputs and carries on in the next one.
//! - Idempotent: a report whose id is known emits nothing; an update not
//!   newer than the request's `updated_datetime` emits nothing (both logged
//!   at debug). An update of an unknown request is logged as a warning and
//!   skipped: it was never submitted here, or was closed and pruned; failing
//!   the batch would block the agency's route for a request nobody can fix.
//! - A closed request is forgotten `retention` after its last update
//!   (reopening it keeps it). Open requests stay until closed.
//! - Malformed input fails the batch with an invalid-input error naming the
//!   event and the field.
//!
//! # State
//!
//! `clock/now`; `req/<id>` (the request as last published); `due/index` and
//! `due/<hour>` (open requests by deadline, [`DUE`]); `prune/index` and
//! `prune/<day>` (closed requests by when to forget them, [`PRUNE`]); both
//! are the SDK's [`Deadlines`] layout (bucket numbers zero-padded to 11
//! digits); `agency/<slug>` (counts and what was last published about
//! them).

mod agency;
mod classify;
mod config;
mod deadline;
mod input;
mod intake;
mod request;
mod roads;

use cityhub_sdk::city::{Clock, DeadlineBuffer, Deadlines, TICK};
use cityhub_sdk::{Batch, Context, Error, Event, Plugin};

pub use agency::{Counts, slug};
pub use classify::{Basis, Catalogue};
pub use config::{Config, MAX_SERVICE_CODE, Service, agencies};
pub use input::MAX_REQUEST_ID;
pub use request::{Request, Status};
pub use roads::{Roads, parse_code};

/// A citizen's report (input).
pub const SUBMITTED: &str = "city.fieldreport.submitted";
/// An agency's update (input).
pub const PROGRESS: &str = "city.fieldreport.progress";
/// A request after every change (output).
pub const REQUEST: &str = "city.fieldreport.request";
/// A request that passed its deadline while open (output).
pub const OVERDUE: &str = "city.fieldreport.overdue";
/// Open and overdue reports per agency (output).
pub const INDICATOR: &str = agency::INDICATOR;
/// An agency's overdue reports crossed the threshold (output).
pub const ALERT: &str = agency::ALERT;

/// Open requests by `expected_datetime`, in hourly buckets.
pub const DUE: Deadlines = Deadlines::hourly("due/");
/// Closed requests by when they may be forgotten, in daily buckets.
pub const PRUNE: Deadlines = Deadlines::daily("prune/");

/// The plugin: its configuration, prepared once, and the agencies touched
/// in the current batch. Everything else lives in state.
#[derive(Debug)]
pub struct FieldReports {
    config: Config,
    catalogue: classify::Catalogue,
    roads: roads::Roads,
    tally: agency::Tally,
    /// [`DUE`] and [`PRUNE`] as this batch sees them, written back at its
    /// end, so a batch of reports due in the same busy hour parses and
    /// writes that bucket once.
    wheels: DeadlineBuffer,
    /// Whether this batch already logged that flagging was deferred.
    deferred: bool,
}

impl Plugin for FieldReports {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(FieldReports {
            catalogue: classify::Catalogue::new(&config),
            roads: roads::Roads::new(&config.roads),
            tally: agency::Tally::default(),
            wheels: DeadlineBuffer::default(),
            deferred: false,
            config,
        })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        // A failed batch may have left agencies behind: start clean.
        self.tally = agency::Tally::default();
        self.wheels.clear();
        self.deferred = false;
        for event in batch {
            match event.ty() {
                SUBMITTED => self.submitted(&event, ctx)?,
                PROGRESS => self.progress(&event, ctx)?,
                TICK => self.tick(&event, ctx)?,
                other => ctx.log().warn(
                    "event skipped: not a field report, an update or a tick",
                    &[("event", event.id()), ("type", other)],
                ),
            }
        }
        if let Some(now) = Clock::now(ctx) {
            let threshold = self.config.overdue_alert_threshold.get();
            self.tally.publish(ctx, now, threshold)?;
        }
        self.wheels.flush(ctx)
    }
}

impl FieldReports {
    /// `cityhub.clock.tick`: moves the clock and checks deadlines.
    fn tick(&mut self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let tick: input::Tick<'_> = event.data_json()?;
        let at = input::time(event, "now", &tick.now)?;
        let now = Clock::advance(ctx, at)?;
        self.sweep(ctx, event, now)
    }
}

cityhub_sdk::export_plugin!(FieldReports);
