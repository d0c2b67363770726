//! Sở Công Thương: online orders of local produce (`city.ecommerce.order`,
//! ≈6–35/h following the shopping hours) and border-trade declarations
//! (`city.ecommerce.declaration`, ≈8/h by day over 4 gates), each sent
//! `waiting` and again `cleared` 1–5 h later with the same `declarationId`.
//!
//! In the border-queue scenario: a backlog of perishable exports (≈1,500 t)
//! is declared waiting at Hữu Nghị at the onset, new ones come at
//! [`scenario::DECLARATIONS_PER_HOUR`] and stay waiting past the run, and
//! the oldest clear slowly ([`scenario::BACKLOG_CLEARED_PER_HOUR`]).

use std::collections::VecDeque;

use serde_json::{Value, json};

use super::{Later, Tick, curves};
use crate::commands::simulate::{
    clock::SimTime,
    event::{Draft, round},
    places::GATES,
    rng::Rng,
    scenario,
};

const SECTOR: &str = "ecommerce";

/// Orders per hour at the shopping peak.
const ORDERS_PER_HOUR: f64 = 35.0;

/// Product, producing district, VND per kg, kg per order (min, max).
const PRODUCTS: [(&str, &str, f64, f64, f64); 6] = [
    ("Hồi Lạng Sơn", "Văn Quan", 180_000.0, 0.5, 5.0),
    ("Na Chi Lăng", "Chi Lăng", 45_000.0, 2.0, 20.0),
    ("Quýt Bắc Sơn", "Bắc Sơn", 40_000.0, 2.0, 15.0),
    ("Thạch đen Tràng Định", "Tràng Định", 90_000.0, 0.5, 5.0),
    ("Hồng không hạt Bảo Lâm", "Cao Lộc", 50_000.0, 2.0, 10.0),
    ("Đào Mẫu Sơn", "Lộc Bình", 70_000.0, 1.0, 5.0),
];

/// Exported fruit: perishable.
const FRUIT: [&str; 7] = [
    "Thanh long",
    "Mít",
    "Sầu riêng",
    "Nhãn",
    "Chuối",
    "Dưa hấu",
    "Xoài",
];
/// Exports that keep.
const DRY_EXPORTS: [&str; 3] = ["Tinh bột sắn", "Hạt điều", "Cao su"];
/// Imports.
const IMPORTS: [&str; 4] = [
    "Linh kiện điện tử",
    "Phân bón",
    "Máy móc nông nghiệp",
    "Vải may mặc",
];

/// Declarations per hour by day at each gate (order of [`GATES`]).
const DECLARATIONS_PER_HOUR: [f64; 4] = [4.0, 2.5, 0.5, 1.0];

/// One declaration, as sent again on each change.
#[derive(Debug, Clone)]
struct Declaration {
    data: Value,
}

/// The e-commerce and border-trade generator.
#[derive(Debug)]
pub struct Trade {
    rng: Rng,
    orders: u64,
    declarations: u64,
    clearing: Later<Declaration>,
    /// The jam's waiting declarations at Hữu Nghị, oldest first.
    backlog: VecDeque<Declaration>,
}

impl Trade {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::stream(seed, SECTOR),
            orders: 0,
            declarations: 0,
            clearing: Later::default(),
            backlog: VecDeque::new(),
        }
    }

    /// Called once per simulated minute.
    pub fn tick(&mut self, k: &mut Tick) {
        self.orders(k);
        let jam = k.scenario.jam(k.t);
        if jam.is_some_and(|j| j.elapsed == 0) {
            self.backlog(k);
        }
        let by_day = if (6.0..22.0).contains(&k.t.hour()) {
            1.0
        } else {
            0.2
        };
        for (g, rate) in GATES.iter().zip(DECLARATIONS_PER_HOUR) {
            let jammed = g.id == scenario::GATE && jam.is_some_and(|j| j.building);
            let rate = if jammed {
                scenario::DECLARATIONS_PER_HOUR
            } else {
                rate * by_day
            };
            for _ in 0..k.per_hour(&mut self.rng, rate) {
                let at = k.within(&mut self.rng);
                let d = self.declare(k.tag, g.id, at, at, jammed);
                k.out.push(draft(at, &d));
                if jammed {
                    // Customs have stopped: cleared long after the run.
                    self.backlog.push_back(d);
                } else {
                    let clear = at.plus(self.rng.int(60, 300) * 60);
                    self.clearing.at(clear, d);
                }
            }
        }
        if jam.is_some_and(|j| j.building)
            && self.rng.chance(scenario::BACKLOG_CLEARED_PER_HOUR / 60.0)
            && let Some(d) = self.backlog.pop_front()
        {
            let at = k.within(&mut self.rng);
            k.out.push(draft(at, &cleared(d, at)));
        }
        for (at, d) in self.clearing.due(k.t.plus(60)) {
            let at = at.max(k.t);
            k.out.push(draft(at, &cleared(d, at)));
        }
    }

    fn orders(&mut self, k: &mut Tick) {
        let rate = ORDERS_PER_HOUR * curves::shopping(k.t);
        for _ in 0..k.per_hour(&mut self.rng, rate) {
            let at = k.within(&mut self.rng);
            let Some(&(product, district, price, lo, hi)) = self.rng.pick(&PRODUCTS) else {
                return;
            };
            let kg = round(self.rng.range(lo, hi), 1);
            self.orders += 1;
            let id = format!("DH-{}-{:05}", k.tag, self.orders);
            k.out.push(Draft::event(
                at,
                "city.ecommerce.order",
                SECTOR,
                Some(id.clone()),
                json!({
                    "orderId": id,
                    "product": product,
                    "district": district,
                    "quantityKg": kg,
                    "valueVnd": ((kg * price / 1000.0).round() * 1000.0) as i64,
                    "orderedAt": at.rfc3339(),
                }),
            ));
        }
    }

    /// The perishable exports already waiting at the jam's gate at the onset.
    fn backlog(&mut self, k: &mut Tick) {
        let mut tonnes = 0.0;
        while tonnes < scenario::BACKLOG_TONNES {
            let declared = k.t.plus(-self.rng.int(2 * 60, 20 * 60) * 60);
            let d = self.declare(k.tag, scenario::GATE, declared, k.t, true);
            tonnes += d.data["tonnes"].as_f64().unwrap_or(0.0);
            self.backlog.push_back(d);
        }
        // Oldest first, so that the slow clearance takes them in order.
        self.backlog.make_contiguous().sort_by(|a, b| {
            a.data["declaredAt"]
                .as_str()
                .cmp(&b.data["declaredAt"].as_str())
        });
        for d in &self.backlog {
            k.out.push(draft(k.t, d));
        }
    }

    fn declare(
        &mut self,
        tag: &str,
        gate: &str,
        declared: SimTime,
        now: SimTime,
        fruit: bool,
    ) -> Declaration {
        let r = &mut self.rng;
        let (direction, goods, perishable) = if fruit || r.chance(0.55) {
            ("export", *r.pick(&FRUIT).unwrap_or(&FRUIT[0]), true)
        } else if r.chance(0.5) {
            (
                "export",
                *r.pick(&DRY_EXPORTS).unwrap_or(&DRY_EXPORTS[0]),
                false,
            )
        } else {
            ("import", *r.pick(&IMPORTS).unwrap_or(&IMPORTS[0]), false)
        };
        let tonnes = round(r.range(15.0, 32.0), 1);
        self.declarations += 1;
        let id = format!("TK-{tag}-{:05}", self.declarations);
        Declaration {
            data: json!({
                "declarationId": id,
                "gate": gate,
                "direction": direction,
                "goods": goods,
                "tonnes": tonnes,
                "perishable": perishable,
                "status": "waiting",
                "declaredAt": declared.rfc3339(),
                "observedAt": now.rfc3339(),
            }),
        }
    }
}

fn cleared(mut d: Declaration, at: SimTime) -> Declaration {
    d.data["status"] = json!("cleared");
    d.data["observedAt"] = json!(at.rfc3339());
    d
}

fn draft(at: SimTime, d: &Declaration) -> Draft {
    let id = d.data["declarationId"].as_str().map(str::to_owned);
    Draft::event(at, "city.ecommerce.declaration", SECTOR, id, d.data.clone())
}
