//! The inputs, read in place and checked field by field: border-trade
//! declarations, online orders and the traffic plugin's border queues.
//! Errors are invalid-input errors naming the event and the field.

use std::borrow::Cow;

use cityhub_sdk::city::Text;
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
        let bad = bad(event);
        id(&bad, "declarationId", &self.declaration_id, MAX_ID)?;
        id(&bad, "gate", &self.gate, MAX_GATE_ID)?;
        if self.goods.trim().is_empty() {
            return Err(bad(
                "goods",
                "must name the goods, such as \"Thanh long\"".into(),
            ));
        }
        if !(self.tonnes.is_finite() && self.tonnes > 0.0 && self.tonnes <= MAX_TONNES) {
            return Err(bad(
                "tonnes",
                format!(
                    "must be above 0 and at most {MAX_TONNES} tonnes, got {}",
                    self.tonnes
                ),
            ));
        }
        let declared = time(&bad, "declaredAt", &self.declared_at)?;
        let observed = time(&bad, "observedAt", &self.observed_at)?;
        if observed < declared {
            return Err(bad(
                "observedAt",
                format!("({observed}) is before `declaredAt` ({declared})"),
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
        let bad = bad(event);
        id(&bad, "orderId", &self.order_id, MAX_ID)?;
        if self.product.trim().is_empty() {
            return Err(bad(
                "product",
                "must name the product, such as \"Hồi Lạng Sơn\"".into(),
            ));
        }
        id(&bad, "district", &self.district, MAX_DISTRICT)?;
        if !(self.quantity_kg.is_finite() && self.quantity_kg > 0.0) {
            return Err(bad(
                "quantityKg",
                format!("must be above 0 kg, got {}", self.quantity_kg),
            ));
        }
        if self.value_vnd > MAX_ORDER_VND {
            return Err(bad(
                "valueVnd",
                format!(
                    "must be at most {MAX_ORDER_VND} đồng, got {}",
                    self.value_vnd
                ),
            ));
        }
        time(&bad, "orderedAt", &self.ordered_at)
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
        let bad = bad(event);
        id(&bad, "gate", &self.gate, MAX_GATE_ID)?;
        if let Some(location) = &self.location {
            location
                .check()
                .map_err(|(member, why)| bad(&format!("location.{member}"), why))?;
        }
        if !self.growth_per_hour.is_finite() {
            return Err(bad(
                "growthPerHour",
                format!(
                    "must be a number of trucks per hour, got {}",
                    self.growth_per_hour
                ),
            ));
        }
        time(&bad, "observedAt", &self.observed_at)
    }
}

/// The data of a clock tick.
pub fn tick(event: &Event<'_>) -> Result<Timestamp, Error> {
    let tick: cityhub_sdk::city::Tick = event.data_json()?;
    time(&bad(event), "now", &tick.now)
}

type Bad<'e> = dyn Fn(&str, String) -> Error + 'e;

fn bad<'e>(event: &'e Event<'_>) -> impl Fn(&str, String) -> Error + 'e {
    move |field: &str, why: String| Error::invalid_input(event, format!("`data.{field}` {why}"))
}

fn id(bad: &Bad<'_>, field: &str, value: &str, max: usize) -> Result<(), Error> {
    if value.is_empty() || value.len() > max {
        return Err(bad(
            field,
            format!("must be 1 to {max} bytes, got {}", value.len()),
        ));
    }
    Ok(())
}

fn time(bad: &Bad<'_>, field: &str, text: &str) -> Result<Timestamp, Error> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| {
        bad(
            field,
            format!(
                "must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got {text:?}"
            ),
        )
    })
}
