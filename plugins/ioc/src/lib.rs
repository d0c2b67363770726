//! The Intelligent Operations Centre's aggregator (Trung tâm Giám sát,
//! điều hành đô thị thông minh tỉnh Lạng Sơn): every sector's figures as
//! KPIs with a standing, every sector's alerts on one screen, and the
//! alerts only the centre can raise because they join several sectors.
//!
//! # In
//!
//! - `city.<sector>.indicator` (`cityhub_sdk::city::Indicator`:
//!   `indicator`, `scope`, `scopeName`?, `name` {vi, en}, `value`, `unit`,
//!   `observedAt`) from every sector; the sector is the type's middle token.
//! - `city.<sector>.alert` (`cityhub_sdk::city::Alert`: `alertId`,
//!   `status`, `category`, `subCategory`, `severity`, `title`,
//!   `description`?, `location`?, `figures`?, `observedAt`).
//! - `city.traffic.border-queue`: `gate`, `gateName` {vi, en}, `road`,
//!   `location`, `queueLength`, `growthPerHour`, `clearancePerHour`,
//!   `trend` (`growing` | `steady` | `shrinking`), `observedAt`.
//! - `city.ecommerce.gate-volume`: `gate`, `waitingTonnes`,
//!   `perishableWaitingTonnes`, `observedAt` (its other fields are ignored).
//! - `city.fieldreport.request` (Open311 names): `service_request_id`,
//!   `status` (`open` | `closed`), `road` (string or null),
//!   `requested_datetime`, `updated_datetime`? (the rest is ignored).
//! - `cityhub.clock.tick` (`{"now"}`): "now" moves; reports age out.
//!
//! Events of the sector `ioc` (the centre's own `city.ioc.alert`, which
//! `city.*.alert` matches) are skipped with a warning: routes must not feed
//! the centre its own alerts (list the sectors' alert types instead). The
//! sector `border` is reserved for the combined alerts and skipped too.
//!
//! # Out
//!
//! `city.ioc.kpi`, subject = its id, after FIWARE KeyPerformanceIndicator,
//! for each (sector, indicator, scope) when its value or standing changes:
//!
//! ```json
//! {"id": "kpi/health/bed-occupancy/bvdk-tinh",
//!  "name": {"vi": "Tỷ lệ sử dụng giường bệnh", "en": "Bed occupancy"},
//!  "category": "health", "kpiValue": 0.87, "unit": "ratio",
//!  "currentStanding": "warning",
//!  "organization": {"vi": "Sở Y tế tỉnh Lạng Sơn", "en": "Lạng Sơn Department of Health"},
//!  "scope": "bvdk-tinh", "scopeName": "Bệnh viện Đa khoa tỉnh Lạng Sơn",
//!  "calculationPeriod": {"from": "2026-11-27T06:00:00+07:00", "to": "2026-11-27T07:00:00+07:00"},
//!  "dateModified": "2026-11-27T07:00:00+07:00"}
//! ```
//!
//! `currentStanding` comes from `thresholds` (config, per indicator name);
//! an indicator without thresholds (`visitors`, `orders-value`, an unknown
//! one) has no `currentStanding`: the centre does not call a figure good
//! that nobody set a bar for. `organization` is the sector's agency
//! (`sectors`), absent for an unconfigured sector. `calculationPeriod`
//! runs from the KPI's previous observation to this one (the same instant
//! the first time).
//!
//! Per sector, KPI `kpi/<sector>` (no `scopeName`, with a `description`):
//! `kpiValue` = how many of its KPIs stand at `warning` or `bad` (`unit`
//! `count`), `currentStanding` = the worst of its KPIs' standings (`good`
//! when none is worse), `scope` = the sector; sent when its standing or
//! that count changes, and the first time one of its KPIs has a standing.
//!
//! `city.ioc.alert`, subject = its `alertId`: the sector alerts'
//! shape plus `sector` (see [`IocAlert`]):
//!
//! - every sector alert, `alertId` prefixed `<sector>/` unless it already
//!   starts so, with `sector` = the sector ([`relay`]);
//! - the combined border alert `border/<gate>` ([`border`]), `sector` =
//!   `ioc`, `category` `border`, `subCategory` `border-queue`, `severity`
//!   `critical`, `figures` {`gate`, `road`, `queueLength`, `growthPerHour`,
//!   `perishableTonnes`, `reports`}, `location` = the gate's, title such as
//!   "Ùn ứ tại Cửa khẩu Hữu Nghị: 2.400 xe, tăng 120 xe/giờ, 3.100 tấn nông
//!   sản dễ hỏng, 14 phản ánh trên QL1A", a description naming the
//!   agencies to direct, `observedAt` = the centre's "now".
//!
//! # Time, redelivery, state
//!
//! "Now" is the newest time seen (`cityhub_sdk::city::Clock`): an input's `observedAt`
//! (`updated_datetime` for a request), or a tick's `now`; outputs carry it
//! at +07:00. Every entity remembers the time of its last input, and an
//! input not newer (a redelivery, a late copy) is skipped and logged at
//! debug, so nothing is emitted twice. State is bounded by the number of
//! KPIs, gates, roads and open alerts; report lists and resolved relays
//! are pruned by event time. A malformed input fails the batch with an
//! invalid-input error naming the event and the field.

mod alert;
pub mod border;
mod check;
mod config;
pub mod gate;
pub mod kpi;
pub mod numbers;
mod record;
pub mod relay;
pub mod report;

use cityhub_sdk::city::TICK;
use cityhub_sdk::{Batch, Context, Error, Event, Plugin};

pub use alert::{ALERT, IocAlert};
pub use config::{Config, Sector, Sectors, Threshold, Thresholds};
pub use kpi::{KPI, Standing};
pub use record::At;

/// The traffic plugin's gate queues.
pub const BORDER_QUEUE: &str = "city.traffic.border-queue";
/// The ecommerce plugin's gate volumes.
pub const GATE_VOLUME: &str = "city.ecommerce.gate-volume";
/// The field-reports plugin's requests.
pub const REQUEST: &str = "city.fieldreport.request";

/// The plugin: its configuration. Everything else lives in state.
#[derive(Debug)]
pub struct Ioc {
    config: Config,
}

/// What an event is to the centre.
enum Kind<'e> {
    Indicator(&'e str),
    Alert(&'e str),
    Own(&'e str),
    Other,
}

/// `city.<sector>.indicator` or `city.<sector>.alert`, by the type's tokens.
fn kind(ty: &str) -> Kind<'_> {
    let mut tokens = ty.split('.');
    let (Some("city"), Some(sector), Some(thing), None) =
        (tokens.next(), tokens.next(), tokens.next(), tokens.next())
    else {
        return Kind::Other;
    };
    match thing {
        "indicator" | "alert" if sector == border::IOC || sector == "border" => Kind::Own(sector),
        "indicator" => Kind::Indicator(sector),
        "alert" => Kind::Alert(sector),
        _ => Kind::Other,
    }
}

impl Plugin for Ioc {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(Ioc { config })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            self.event(&event, ctx)?;
        }
        Ok(())
    }
}

impl Ioc {
    fn event(&self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let config = &self.config;
        match event.ty() {
            BORDER_QUEUE => border::border_queue(config, event, ctx),
            GATE_VOLUME => border::gate_volume(config, event, ctx),
            REQUEST => border::request(config, event, ctx),
            TICK => border::tick(config, event, ctx),
            ty => match kind(ty) {
                Kind::Indicator(sector) => kpi::indicator(config, sector, event, ctx),
                Kind::Alert(sector) => relay::alert(config, sector, event, ctx),
                Kind::Own(sector) => {
                    ctx.log().warn(
                        "event skipped: the operations centre's own sector; route only the sectors' types to it",
                        &[("event", event.id()), ("type", ty), ("sector", sector)],
                    );
                    Ok(())
                }
                Kind::Other => {
                    ctx.log().warn(
                        "event skipped: not an input of the operations centre",
                        &[("event", event.id()), ("type", ty)],
                    );
                    Ok(())
                }
            },
        }
    }
}

cityhub_sdk::export_plugin!(Ioc);
