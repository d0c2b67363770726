//! Sở Y tế: beds at the provincial general hospital and the 10 district
//! medical centres (`city.health.beds`, hourly: 11/h), emergency calls
//! (`city.health.emergency-call`, ≈2–5/h by population and time of day)
//! and notifiable case reports (`city.health.case-report`, ≈1/h, dengue
//! clustered in Hữu Lũng).
//!
//! In the border-queue scenario drivers waiting on QL1A call for help too
//! (`exhaustion`, ≈0.6/h in Cao Lộc).

use serde_json::json;

use super::{Tick, curves};
use crate::commands::simulate::{
    event::{Draft, point},
    places::{DISTRICTS, HOSPITALS, QL1A_ADDRESSES},
    rng::Rng,
};

const SECTOR: &str = "health";

/// Emergency calls per hour province-wide, by day.
const CALLS_PER_HOUR: f64 = 5.0;
/// Calls per hour from drivers in the border queue.
const DRIVER_CALLS_PER_HOUR: f64 = 0.6;
/// Case reports per hour.
const CASES_PER_HOUR: f64 = 1.0;

const CALL_CATEGORIES: [&str; 7] = [
    "traffic-accident",
    "cardiac",
    "respiratory",
    "injury",
    "obstetric",
    "poisoning",
    "stroke",
];

const DISEASES: [&str; 5] = [
    "Sốt xuất huyết Dengue",
    "Tay chân miệng",
    "Cúm A",
    "Sởi",
    "Tiêu chảy cấp",
];

/// The health generator.
#[derive(Debug)]
pub struct Health {
    rng: Rng,
    /// Beds occupied, per hospital.
    occupied: Vec<f64>,
    calls: u64,
    cases: u64,
}

impl Health {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::stream(seed, SECTOR),
            occupied: HOSPITALS.iter().map(|h| h.beds as f64 * h.usual).collect(),
            calls: 0,
            cases: 0,
        }
    }

    /// Called once per simulated minute.
    pub fn tick(&mut self, k: &mut Tick) {
        if k.every(3600) {
            self.beds(k);
        }
        let total_weight: f64 = DISTRICTS.iter().map(|d| d.weight).sum();
        let rate = CALLS_PER_HOUR * (0.4 + 0.6 * curves::daytime(k.t));
        for _ in 0..k.per_hour(&mut self.rng, rate) {
            let mut pick = self.rng.range(0.0, total_weight);
            let d = DISTRICTS
                .iter()
                .find(|d| {
                    pick -= d.weight;
                    pick < 0.0
                })
                .unwrap_or(&DISTRICTS[0]);
            let category = *self.rng.pick(&CALL_CATEGORIES).unwrap_or(&"injury");
            let lon = d.lon + self.rng.range(-0.02, 0.02);
            let lat = d.lat + self.rng.range(-0.02, 0.02);
            self.call(k, d.name, category, lon, lat);
        }
        if k.scenario.jam(k.t).is_some() {
            for _ in 0..k.per_hour(&mut self.rng, DRIVER_CALLS_PER_HOUR) {
                let a = *self.rng.pick(&QL1A_ADDRESSES).unwrap_or(&QL1A_ADDRESSES[0]);
                self.call(k, "Cao Lộc", "exhaustion", a.lon, a.lat);
            }
        }
        for _ in 0..k.per_hour(&mut self.rng, CASES_PER_HOUR) {
            let at = k.within(&mut self.rng);
            let (disease, district) = if self.rng.chance(0.3) {
                (DISEASES[0], "Hữu Lũng")
            } else {
                (
                    *self.rng.pick(&DISEASES).unwrap_or(&DISEASES[2]),
                    self.rng.pick(&DISTRICTS).map_or("Cao Lộc", |d| d.name),
                )
            };
            self.cases += 1;
            let id = format!("CB-{}-{:05}", k.tag, self.cases);
            k.out.push(Draft::event(
                at,
                "city.health.case-report",
                SECTOR,
                Some(id.clone()),
                json!({"caseId": id, "disease": disease, "district": district, "reportedAt": at.rfc3339()}),
            ));
        }
    }

    fn beds(&mut self, k: &mut Tick) {
        // Admissions in the morning, discharges around noon.
        let swing = match k.t.hour() as u32 {
            6..=10 => 0.006,
            11..=15 => -0.006,
            _ => 0.0,
        };
        for (i, h) in HOSPITALS.iter().enumerate() {
            let beds = h.beds as f64;
            let drift = (h.usual * beds - self.occupied[i]) * 0.05;
            let step = beds * (swing + self.rng.normal(0.0, 0.008));
            self.occupied[i] = (self.occupied[i] + drift + step).clamp(0.0, beds);
            k.out.push(Draft::event(
                k.t,
                "city.health.beds",
                SECTOR,
                Some(h.id.to_owned()),
                json!({
                    "hospital": h.id,
                    "hospitalName": h.name,
                    "bedsTotal": h.beds,
                    "bedsOccupied": self.occupied[i].round() as i64,
                    "location": point(h.lon, h.lat),
                    "observedAt": k.t.rfc3339(),
                }),
            ));
        }
    }

    fn call(&mut self, k: &mut Tick, district: &str, category: &str, lon: f64, lat: f64) {
        let at = k.within(&mut self.rng);
        self.calls += 1;
        let id = format!("CC-{}-{:05}", k.tag, self.calls);
        k.out.push(Draft::event(
            at,
            "city.health.emergency-call",
            SECTOR,
            Some(id.clone()),
            json!({
                "callId": id,
                "district": district,
                "category": category,
                "location": point(lon, lat),
                "receivedAt": at.rfc3339(),
            }),
        ));
    }
}
