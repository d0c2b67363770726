//! E-commerce and border trade for Lạng Sơn (Sở Công Thương): the volumes
//! waiting at the border gates, perishable cargo at risk when the gates'
//! truck queues grow, and the value of online orders of local produce.
//!
//! # In
//! - `city.ecommerce.declaration`: a border-trade declaration, sent again
//!   when its status changes: `{"declarationId", "gate": "huu-nghi",
//!   "direction": "export" | "import", "goods": "Thanh long", "tonnes":
//!   28.5, "perishable": true, "status": "waiting" | "cleared",
//!   "declaredAt", "observedAt"}`.
//! - `city.ecommerce.order`: an online order `{"orderId", "product": "Hồi
//!   Lạng Sơn", "district": "Văn Quan", "quantityKg": 12.5, "valueVnd":
//!   2500000, "orderedAt"}`.
//! - `city.traffic.border-queue` from the traffic plugin: `{"gate",
//!   "gateName", "road", "location", "queueLength", "growthPerHour",
//!   "clearancePerHour", "trend": "growing" | "steady" | "shrinking",
//!   "observedAt"}` (`gateName` and `location` optional here; `road` and
//!   `clearancePerHour` ignored). The newest per gate is kept.
//! - `cityhub.clock.tick` `{"now"}`: moves the clock, so pending reports,
//!   the day's end and pruning happen without other input.
//!
//! # Out
//! - `city.ecommerce.gate-volume`, subject = the gate, whenever one of its
//!   figures changes: `{"gate", "waitingTonnes", "perishableWaitingTonnes",
//!   "waitingDeclarations", "clearedTonnesToday", "declaredTonnesToday",
//!   "observedAt"}`. Sums are exact (kept in kilograms); "today" is the
//!   civil day in UTC+7 (cleared by the day of the clearance's
//!   `observedAt`, declared by the day of `declaredAt`); at midnight the
//!   gates with figures for the day before report again, reset.
//! - `city.ecommerce.alert`, subject = the gate, `alertId` =
//!   `ecommerce/cargo-at-risk/<gate>`, `subCategory: "cargo-at-risk"`:
//!   opened when the gate's perishable waiting tonnes reach
//!   `perishable_alert_tonnes` while its queue's trend is `growing`
//!   (severity `high`, `critical` from `critical_perishable_tonnes`; sent
//!   again when the severity changes), resolved when either stops. Figures
//!   `perishableWaitingTonnes`, `queueLength`, `growthPerHour`; the
//!   gate's location from its border queue; title e.g. "Nông sản dễ hỏng
//!   có nguy cơ hư hỏng tại Cửa khẩu Quốc tế Hữu Nghị: 3.100 tấn" / "Perishable
//!   produce at risk at Hữu Nghị International Border Gate: 3,100 t". See [`risk`].
//! - `city.ecommerce.indicator`, subject = the scope:
//!   `perishable-waiting` (scope = gate, `tonnes`) whenever it changes, and
//!   `orders-value` (scope = district, `vnd`, today) at most once per
//!   `orders_report_every` (see [`orders`]).
//!
//! Output times are RFC 3339 at `+07:00`. Names (gates, districts) pass
//! through byte for byte; gates the configuration does not name are named
//! by the traffic plugin's `gateName`, else by their id.
//!
//! # Time, redelivery, state
//! The plugin's clock ([`Clock`]) is the newest time it has seen: a
//! declaration's or queue's `observedAt`, an order's `orderedAt`, a tick's
//! `now`. Whenever it moves, due order reports are sent, a new day is
//! started, and expired records are pruned (see [`store`]). Every input is
//! idempotent: declarations and queues not newer than their record, orders
//! already counted and orders of an earlier day are skipped (logged at
//! debug). A malformed event fails the batch with an invalid-input error
//! naming the event and the field.

pub mod config;
pub mod declaration;
pub mod gate;
pub mod input;
pub mod orders;
pub mod risk;
pub mod store;
pub mod text;

use cityhub_sdk::city::{Clock, TICK, local_day, tick_time};
use cityhub_sdk::{Batch, Context, Error, Event, Plugin, Timestamp};

pub use config::{Config, Tonnes};

/// A border-trade declaration (in).
pub const DECLARATION: &str = "city.ecommerce.declaration";
/// An online order (in).
pub const ORDER: &str = "city.ecommerce.order";
/// The traffic plugin's border queue (in).
pub const BORDER_QUEUE: &str = "city.traffic.border-queue";
/// A gate's figures (out).
pub const GATE_VOLUME: &str = "city.ecommerce.gate-volume";
/// The cargo-at-risk alert (out).
pub const ALERT: &str = "city.ecommerce.alert";
/// The indicators (out).
pub const INDICATOR: &str = "city.ecommerce.indicator";

/// The plugin: its configuration. Everything else lives in state.
#[derive(Debug)]
pub struct Ecommerce {
    config: Config,
}

impl Plugin for Ecommerce {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(Ecommerce { config })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            self.event(&event, ctx)?;
        }
        Ok(())
    }
}

impl Ecommerce {
    fn event(&self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let config = &self.config;
        match event.ty() {
            DECLARATION => {
                let decl: input::Declaration<'_> = event.data_json()?;
                let times = decl.check(event)?;
                self.advance(ctx, times.1)?;
                declaration::handle(ctx, config, event, &decl, times)
            }
            ORDER => {
                let order: input::Order<'_> = event.data_json()?;
                let at = order.check(event)?;
                self.advance(ctx, at)?;
                orders::handle(ctx, config, event, &order, at)
            }
            BORDER_QUEUE => {
                let queue: input::BorderQueue<'_> = event.data_json()?;
                let at = queue.check(event)?;
                self.advance(ctx, at)?;
                risk::border_queue(ctx, config, event, &queue, at)
            }
            TICK => {
                let now = tick_time(event)?;
                self.advance(ctx, now).map(drop)
            }
            other => {
                ctx.log().warn(
                    "event skipped: not an input of the e-commerce plugin",
                    &[("event", event.id()), ("type", other)],
                );
                Ok(())
            }
        }
    }

    /// Moves the clock to `t` if newer; then reports due order totals,
    /// starts a new day if one began, and prunes expired records.
    fn advance(&self, ctx: &mut Context<'_>, t: Timestamp) -> Result<Timestamp, Error> {
        let before = Clock::now(ctx);
        let now = Clock::advance(ctx, t)?;
        let Some(before) = before else {
            return Ok(now);
        };
        if before >= now {
            return Ok(now);
        }
        orders::flush(ctx, now)?;
        let today = local_day(now);
        if local_day(before) != today {
            let midnight = orders::midnight(now, 0);
            gate::roll_all(ctx, &today, midnight)?;
            orders::roll_all(ctx, &today, midnight)?;
        }
        for (hour, keys) in store::due(ctx, now)? {
            for key in keys {
                if key.starts_with(declaration::PREFIX) {
                    declaration::expire(ctx, &self.config, &key, hour, now)?;
                } else {
                    orders::expire(ctx, &key)?;
                }
            }
        }
        Ok(now)
    }
}

cityhub_sdk::export_plugin!(Ecommerce);
