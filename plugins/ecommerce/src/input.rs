//! The inputs, read in place and checked field by field: border-trade
//! declarations, online orders and the traffic plugin's border queues.
//! Errors are invalid-input errors naming the event and the field.

use std::borrow::Cow;

use std::ops::Bound::{Excluded, Included, Unbounded};

use cityhub_sdk::city::{Input, Text};
use cityhub_sdk::geo::Point;
use cityhub_sdk::{Error, Event, Timestamp};
use serde::Deserialize;

use crate::config::MAX_GATE_ID;

/// The longest declaration or order id: `decl/<id>` and `order/<id>` must
/// fit a state key with room to spare.
pub const MAX_ID: usize = 128;
/// The longest district name, in bytes.
pub const MAX_DISTRICT: usize = 64;
/// The heaviest plausible declaration, in tonnes (a full freight train).
pub const MAX_TONNES: f64 = 5000.0;
/// The largest plausible order, in đồng (10 billion).
pub const MAX_ORDER_VND: u64 = 10_000_000_000;

/// Whether goods leave or enter Vietnam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Leaving for China.
    Export,
    /// Arriving from China.
    Import,
}

/// Where a declaration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The goods wait at the gate.
    Waiting,
    /// The goods crossed.
    Cleared,
}

/// The data of a `city.ecommerce.declaration` event (sent again when its
/// status changes).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Declaration<'a> {
    /// Stable id of the declaration (tờ khai).
    #[serde(borrow)]
    pub declaration_id: Cow<'a, str>,
    /// The gate id, e.g. `huu-nghi`.
    #[serde(borrow)]
    pub gate: Cow<'a, str>,
    /// Export or import.
    pub direction: Direction,
    /// What is carried, e.g. `Thanh long`; not used beyond the check.
    #[serde(borrow)]
    pub goods: Cow<'a, str>,
    /// How much, in tonnes.
    pub tonnes: f64,
    /// Whether the goods spoil (fresh fruit, vegetables, seafood).
    pub perishable: bool,
    /// Waiting or cleared.
    pub status: Status,
    /// When it was declared, RFC 3339.
    #[serde(borrow)]
    pub declared_at: Cow<'a, str>,
    /// When this status was observed, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl Declaration<'_> {
    /// Checks what serde cannot; returns `(declaredAt, observedAt)`.
    pub fn check(&self, event: &Event<'_>) -> Result<(Timestamp, Timestamp), Error> {
        let input = Input::of(event);
        input.id("declarationId", &self.declaration_id, MAX_ID)?;
        input.id("gate", &self.gate, MAX_GATE_ID)?;
        if self.goods.trim().is_empty() {
            return Err(input.invalid("goods", "must name the goods, such as \"Thanh long\""));
        }
        let tonnes = (Excluded(0.0), Included(MAX_TONNES));
        input.number("tonnes", self.tonnes, tonnes, "tonnes")?;
        let declared = input.time("declaredAt", &self.declared_at)?;
        let observed = input.time("observedAt", &self.observed_at)?;
        if observed < declared {
            return Err(input.invalid(
                "observedAt",
                format_args!("({observed}) is before `declaredAt` ({declared})"),
            ));
        }
        Ok((declared, observed))
    }
}

/// The data of a `city.ecommerce.order` event: an online order of local
/// produce.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order<'a> {
    /// Stable id of the order.
    #[serde(borrow)]
    pub order_id: Cow<'a, str>,
    /// The product, e.g. `Hồi Lạng Sơn`; not used beyond the check.
    #[serde(borrow)]
    pub product: Cow<'a, str>,
    /// The producing district, e.g. `Văn Quan`: the indicator's scope.
    #[serde(borrow)]
    pub district: Cow<'a, str>,
    /// How much, in kg.
    pub quantity_kg: f64,
    /// What it is worth, in đồng.
    pub value_vnd: u64,
    /// When it was ordered, RFC 3339.
    #[serde(borrow)]
    pub ordered_at: Cow<'a, str>,
}

impl Order<'_> {
    /// Checks what serde cannot; returns `orderedAt`.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        let input = Input::of(event);
        input.id("orderId", &self.order_id, MAX_ID)?;
        if self.product.trim().is_empty() {
            return Err(input.invalid("product", "must name the product, such as \"Hồi Lạng Sơn\""));
        }
        input.id("district", &self.district, MAX_DISTRICT)?;
        let above_zero = (Excluded(0.0), Unbounded);
        input.number("quantityKg", self.quantity_kg, above_zero, "kg")?;
        if self.value_vnd > MAX_ORDER_VND {
            return Err(input.invalid(
                "valueVnd",
                format_args!(
                    "must be at most {MAX_ORDER_VND} đồng, got {}",
                    self.value_vnd
                ),
            ));
        }
        input.time("orderedAt", &self.ordered_at)
    }
}

/// How a gate's queue moves, as the traffic plugin says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// More trucks join than cross.
    Growing,
    /// About as many join as cross.
    Steady,
    /// More cross than join.
    Shrinking,
}

/// The data of a `city.traffic.border-queue` event. Its other fields
/// (`road`, `clearancePerHour`) are accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BorderQueue<'a> {
    /// The gate id.
    #[serde(borrow)]
    pub gate: Cow<'a, str>,
    /// Its name, used for gates the configuration does not name.
    #[serde(default)]
    pub gate_name: Option<Text>,
    /// Where the gate is.
    #[serde(default, borrow)]
    pub location: Option<Point<'a>>,
    /// Trucks waiting.
    pub queue_length: u32,
    /// Trucks joining per hour, net.
    pub growth_per_hour: f64,
    /// Growing, steady or shrinking.
    pub trend: Trend,
    /// When the queue was counted, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl BorderQueue<'_> {
    /// Checks what serde cannot; returns `observedAt`.
    pub fn check(&self, event: &Event<'_>) -> Result<Timestamp, Error> {
        let input = Input::of(event);
        input.id("gate", &self.gate, MAX_GATE_ID)?;
        if let Some(location) = &self.location {
            input.location("location", location)?;
        }
        input.number("growthPerHour", self.growth_per_hour, .., "trucks per hour")?;
        input.time("observedAt", &self.observed_at)
    }
}
