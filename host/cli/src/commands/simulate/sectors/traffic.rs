//! Sở Giao thông Vận tải: sensors' readings (`city.traffic.reading`, FIWARE
//! TrafficFlowObserved, every 5 min on each of 17 segments: ≈204/h),
//! incidents (`city.traffic.incident-report`, ≈0.15/h, each `active` then
//! `cleared` 30–180 min later) and border-gate truck counts
//! (`city.traffic.gate-count`, every 10 min at 4 gates: 24/h).
//!
//! Speeds follow the rush hours; a gate's queue slows the segments that
//! approach it; in the border-queue scenario Hữu Nghị's counts follow
//! [`scenario::jam_count`] exactly.

use serde_json::json;

use super::{Later, Tick, curves};
use crate::commands::simulate::{
    clock::SimTime,
    event::{Draft, point, round},
    places::{GATES, SEGMENTS, Segment},
    rng::Rng,
    scenario::{self, Jam},
};

const SECTOR: &str = "traffic";

/// Incidents per hour, province-wide.
const INCIDENTS_PER_HOUR: f64 = 0.15;

const CATEGORIES: [(&str, &str); 5] = [
    (
        "accident",
        "Va chạm giữa xe tải và xe máy, một người bị thương nhẹ",
    ),
    ("breakdown", "Xe container hỏng máy, chiếm một làn đường"),
    ("roadworks", "Thi công sửa chữa mặt đường, đi chậm một làn"),
    (
        "landslide",
        "Sạt lở taluy dương, đất đá tràn xuống mặt đường",
    ),
    (
        "flooding",
        "Ngập úng cục bộ sau mưa lớn, nước sâu khoảng 30 cm",
    ),
];

/// The traffic generator.
#[derive(Debug)]
pub struct Traffic {
    rng: Rng,
    /// Trucks waiting at each gate (index of [`GATES`]).
    queues: Vec<f64>,
    incidents: u64,
    clearing: Later<(String, usize, &'static str, &'static str)>,
}

impl Traffic {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::stream(seed, SECTOR),
            queues: GATES.iter().map(|g| g.usual_queue).collect(),
            incidents: 0,
            clearing: Later::default(),
        }
    }

    /// Called once per simulated minute.
    pub fn tick(&mut self, k: &mut Tick) {
        let jam = k.scenario.jam(k.t);
        if k.every(300) {
            for s in &SEGMENTS {
                let d = self.reading(k.t, s, jam);
                k.out.push(d);
            }
        }
        self.gates(k, jam);
        self.incidents(k);
    }

    fn reading(&mut self, t: SimTime, s: &Segment, jam: Option<Jam>) -> Draft {
        let load = curves::traffic(t);
        let r = &mut self.rng;
        let mut count = (s.peak_count * load * r.range(0.85, 1.15)).round();
        let mut speed = s.free_kmh * (1.0 - 0.55 * load.powi(2)) * r.range(0.9, 1.1);
        let gate = s.gate.and_then(|g| GATES.iter().position(|x| x.id == g));
        if let Some(i) = gate {
            let ratio = self.queues[i] / GATES[i].usual_queue;
            if ratio > 1.5 {
                speed *= (1.5 / ratio).max(0.25);
            }
        }
        if s.gate == Some(scenario::GATE) && jam.is_some() {
            // Stop and go behind the queue.
            speed = self.rng.range(4.0, 9.0);
            count = self.rng.range(10.0, 18.0).round();
        }
        let from = t.plus(-300);
        Draft::event(
            t,
            "city.traffic.reading",
            SECTOR,
            Some(s.id.to_owned()),
            json!({
                "id": format!("urn:ngsi-ld:TrafficFlowObserved:{}:{}", s.id, t.compact()),
                "type": "TrafficFlowObserved",
                "refRoadSegment": s.id,
                "location": point(s.lon, s.lat),
                "intensity": count as i64,
                "averageVehicleSpeed": round(speed.max(2.0), 1),
                "dateObservedFrom": from.rfc3339(),
                "dateObservedTo": t.rfc3339(),
            }),
        )
    }

    fn gates(&mut self, k: &mut Tick, jam: Option<Jam>) {
        for (i, g) in GATES.iter().enumerate() {
            let count = if g.id == scenario::GATE
                && let Some(jam) = jam
            {
                let Some((waiting, cleared)) = scenario::jam_count(jam) else {
                    continue;
                };
                self.queues[i] = waiting as f64;
                (waiting, cleared)
            } else {
                if !k.every(600) {
                    continue;
                }
                // Customs clear mostly by day; arrivals pull the queue back
                // towards its usual length.
                let open = if (7.0..21.0).contains(&k.t.hour()) {
                    1.0
                } else {
                    0.25
                };
                let cleared = (g.usual_clearance / 6.0 * open * self.rng.range(0.8, 1.2)).round();
                let pull = (g.usual_queue - self.queues[i]) * 0.08;
                let arrived =
                    (cleared + pull + self.rng.normal(0.0, g.usual_queue * 0.01)).max(0.0);
                self.queues[i] = (self.queues[i] - cleared + arrived).max(0.0).round();
                (self.queues[i] as i64, cleared as i64)
            };
            k.out.push(Draft::event(
                k.t,
                "city.traffic.gate-count",
                SECTOR,
                Some(g.id.to_owned()),
                json!({
                    "gate": g.id,
                    "trucksWaiting": count.0,
                    "trucksCleared": count.1,
                    "observedAt": k.t.rfc3339(),
                }),
            ));
        }
    }

    fn incidents(&mut self, k: &mut Tick) {
        for _ in 0..k.per_hour(&mut self.rng, INCIDENTS_PER_HOUR) {
            let at = k.within(&mut self.rng);
            let seg = self.rng.int(0, SEGMENTS.len() as i64 - 1) as usize;
            let mountain = matches!(SEGMENTS[seg].road, "QL4A" | "QL4B" | "QL31" | "QL1B");
            let mut cat = self.rng.int(0, 4) as usize;
            if cat == 3 && !mountain {
                cat = 1;
            }
            self.incidents += 1;
            let id = format!("SC-{}-{:04}", k.tag, self.incidents);
            let (category, description) = CATEGORIES[cat];
            k.out
                .push(incident(at, &id, seg, category, description, "active"));
            let clear = at.plus(self.rng.int(30, 180) * 60);
            self.clearing.at(clear, (id, seg, category, description));
        }
        for (at, (id, seg, category, description)) in self.clearing.due(k.t.plus(60)) {
            k.out.push(incident(
                at.max(k.t),
                &id,
                seg,
                category,
                description,
                "cleared",
            ));
        }
    }
}

fn incident(
    at: SimTime,
    id: &str,
    seg: usize,
    category: &str,
    description: &str,
    status: &str,
) -> Draft {
    let s = &SEGMENTS[seg];
    Draft::event(
        at,
        "city.traffic.incident-report",
        SECTOR,
        Some(id.to_owned()),
        json!({
            "incidentId": id,
            "category": category,
            "road": s.road,
            "refRoadSegment": s.id,
            "location": point(s.lon, s.lat),
            "description": description,
            "status": status,
            "observedAt": at.rfc3339(),
        }),
    )
}
