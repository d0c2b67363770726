//! Sở Văn hóa, Thể thao và Du lịch: visitors present at 6 sites
//! (`city.tourism.visitors`, every 15 min: 24/h), rooms occupied at 8
//! lodgings (`city.tourism.occupancy`, hourly: 8/h) and events at the sites
//! (`city.tourism.event`: the next two days' at the start, then each
//! day's night market announced at 06:00).
//!
//! Sites fill by day and at weekends; an event at a site adds its expected
//! visitors while it runs, which can crowd it (the tourism plugin's alert).

use serde_json::json;

use super::Tick;
use crate::commands::simulate::{
    clock::SimTime,
    event::{Draft, point},
    places::{LODGINGS, SITES},
    rng::Rng,
};

const SECTOR: &str = "tourism";

/// An event at a site.
#[derive(Debug, Clone)]
struct Festival {
    id: String,
    name: &'static str,
    site: &'static str,
    starts: SimTime,
    ends: SimTime,
    expected: i64,
}

/// The tourism generator.
#[derive(Debug)]
pub struct Tourism {
    rng: Rng,
    festivals: Vec<Festival>,
}

impl Tourism {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::stream(seed, SECTOR),
            festivals: Vec::new(),
        }
    }

    /// Called once per simulated minute.
    pub fn tick(&mut self, k: &mut Tick) {
        if k.first {
            self.announce_start(k);
        } else if (k.t.hour() - 6.0).abs() < 1e-9 {
            let tomorrow = day_start(k.t).plus(86_400);
            self.night_market(k, tomorrow);
        }
        if k.every(900) {
            for s in &SITES {
                let present = self.present(k.t, s.id, s.capacity);
                k.out.push(Draft::event(
                    k.t,
                    "city.tourism.visitors",
                    SECTOR,
                    Some(s.id.to_owned()),
                    json!({"site": s.id, "siteName": s.name, "present": present, "location": point(s.lon, s.lat), "observedAt": k.t.rfc3339()}),
                ));
            }
        }
        if k.every(3600) {
            let evening = if (18.0..24.0).contains(&k.t.hour()) {
                0.15
            } else {
                0.0
            };
            let base = if k.t.weekend() { 0.78 } else { 0.5 };
            for l in &LODGINGS {
                let ratio = (base + evening + self.rng.normal(0.0, 0.05)).clamp(0.05, 1.0);
                k.out.push(Draft::event(
                    k.t,
                    "city.tourism.occupancy",
                    SECTOR,
                    Some(l.id.to_owned()),
                    json!({
                        "accommodationId": l.id,
                        "district": l.district,
                        "roomsTotal": l.rooms,
                        "roomsOccupied": (l.rooms as f64 * ratio).round() as i64,
                        "observedAt": k.t.rfc3339(),
                    }),
                ));
            }
        }
    }

    fn present(&mut self, t: SimTime, site: &str, capacity: f64) -> i64 {
        let h = t.hour();
        let open = match site {
            // The night market runs into the evening.
            "ky-lua" => (5.0..23.0).contains(&h),
            _ => (6.0..19.0).contains(&h),
        };
        if !open {
            return 0;
        }
        let curve = (-((h - 12.5) / 3.5).powi(2)).exp();
        let share = if t.weekend() { 0.6 } else { 0.3 };
        let mut present = capacity * share * curve * self.rng.range(0.9, 1.1);
        for f in self
            .festivals
            .iter()
            .filter(|f| f.site == site && f.starts <= t && t < f.ends)
        {
            present += f.expected as f64 * self.rng.range(0.85, 1.05);
        }
        present.round() as i64
    }

    /// At the start: a festival in the city that begins two hours in (so
    /// a short run sees a crowd), tonight's and tomorrow's night markets,
    /// and a festival at Bắc Sơn tomorrow.
    fn announce_start(&mut self, k: &mut Tick) {
        let today = day_start(k.t);
        let festival = Festival {
            id: format!("le-hoi-dong-tam-thanh-{}", k.t.plus(7200).date()),
            name: "Lễ hội Động Tam Thanh",
            site: "tam-thanh",
            starts: k.t.plus(7200),
            ends: k.t.plus(7200 + 6 * 3600),
            expected: 2200,
        };
        self.announce(k, festival);
        self.night_market(k, today);
        self.night_market(k, today.plus(86_400));
        let bac_son = Festival {
            id: format!("ngay-hoi-van-hoa-bac-son-{}", today.plus(86_400).date()),
            name: "Ngày hội Văn hóa các dân tộc Tày, Nùng huyện Bắc Sơn",
            site: "bac-son",
            starts: today.plus(86_400 + 8 * 3600),
            ends: today.plus(86_400 + 17 * 3600),
            expected: 3000,
        };
        self.announce(k, bac_son);
    }

    fn night_market(&mut self, k: &mut Tick, day: SimTime) {
        let f = Festival {
            id: format!("cho-dem-ky-lua-{}", day.date()),
            name: "Phiên chợ đêm Kỳ Lừa",
            site: "ky-lua",
            starts: day.plus(18 * 3600),
            ends: day.plus(23 * 3600),
            expected: 1500,
        };
        self.announce(k, f);
    }

    fn announce(&mut self, k: &mut Tick, f: Festival) {
        k.out.push(Draft::event(
            k.t,
            "city.tourism.event",
            SECTOR,
            Some(f.id.clone()),
            json!({
                "eventId": f.id,
                "name": f.name,
                "site": f.site,
                "startsAt": f.starts.rfc3339(),
                "endsAt": f.ends.rfc3339(),
                "expectedVisitors": f.expected,
            }),
        ));
        self.festivals.push(f);
        // Forget what ended more than a day ago.
        let t = k.t;
        self.festivals.retain(|f| f.ends.since(t) > -86_400);
    }
}

/// Local midnight of `t`'s day.
fn day_start(t: SimTime) -> SimTime {
    t.plus(-((t.hour() * 3600.0).round() as i64))
}
