//! The scenarios (`--scenario`): `normal` is the province's ordinary days;
//! `border-queue` adds the fruit-season jam at Hữu Nghị from its onset:
//!
//! - the truck queue on QL1A grows by exactly [`GROWTH_PER_COUNT`] trucks
//!   per gate count (one every 10 simulated minutes, so 120 trucks/h) from
//!   [`QUEUE_AT_ONSET`] (1,680) for [`BUILDUP_COUNTS`] counts (6 h, to
//!   2,400), while clearance slows to 85 trucks/h; then it holds;
//! - a backlog of perishable export declarations (≈1,500 t) is waiting at
//!   the onset, new ones arrive at [`DECLARATIONS_PER_HOUR`] and few clear,
//!   so perishable tonnes waiting pass 3,000 t after 6 h;
//! - residents along QL1A file field reports naming `QL1A`
//!   ([`REPORTS_PER_HOUR`]), and drivers call the emergency line.
//!
//! [`Figures`] recomputes the scenario's end state from recorded events
//! (what `--record` writes), the way the IOC's combined alert should see it.

use serde::Serialize;
use serde_json::Value;

use super::clock::SimTime;

/// The gate of the jam.
pub const GATE: &str = "huu-nghi";
/// Its road.
pub const ROAD: &str = "QL1A";
/// Seconds between two gate counts.
pub const COUNT_EVERY: i64 = 600;
/// Trucks waiting at the onset.
pub const QUEUE_AT_ONSET: i64 = 1680;
/// Trucks added to the queue per count while it builds up.
pub const GROWTH_PER_COUNT: i64 = 20;
/// Counts of build-up: 36 × 10 min = 6 h.
pub const BUILDUP_COUNTS: i64 = 36;
/// Trucks cleared per count, in turn: 85 per hour.
pub const CLEARED: [i64; 6] = [14, 14, 14, 14, 14, 15];
/// Perishable tonnes already waiting at the onset (about).
pub const BACKLOG_TONNES: f64 = 1500.0;
/// New export declarations at the gate per hour during the build-up.
pub const DECLARATIONS_PER_HOUR: f64 = 14.0;
/// Waiting declarations of the backlog cleared per hour.
pub const BACKLOG_CLEARED_PER_HOUR: f64 = 1.5;
/// Residents' field reports along QL1A per hour during the build-up.
pub const REPORTS_PER_HOUR: f64 = 2.5;

/// Which scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Ordinary days: daily cycles in every sector.
    Normal,
    /// Ordinary days plus the fruit-season jam at Hữu Nghị.
    BorderQueue,
}

impl Kind {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::BorderQueue => "border-queue",
        }
    }
}

/// A scenario and when its events begin.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub kind: Kind,
    /// When the border queue starts to build (`border-queue` only).
    pub onset: SimTime,
}

/// Where the jam stands at a simulated instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jam {
    /// Seconds since the onset.
    pub elapsed: i64,
    /// Still building up (else it holds).
    pub building: bool,
}

impl Scenario {
    /// The jam at `t`, if the scenario has one and it has begun.
    pub fn jam(&self, t: SimTime) -> Option<Jam> {
        let elapsed = t.since(self.onset);
        (self.kind == Kind::BorderQueue && elapsed >= 0).then_some(Jam {
            elapsed,
            building: elapsed < BUILDUP_COUNTS * COUNT_EVERY,
        })
    }
}

/// The gate count due in the minute starting at `t`, if one is:
/// `(trucksWaiting, trucksCleared)`.
pub fn jam_count(jam: Jam) -> Option<(i64, i64)> {
    if jam.elapsed % COUNT_EVERY != 0 {
        return None;
    }
    let n = (jam.elapsed / COUNT_EVERY).min(BUILDUP_COUNTS);
    let cleared = CLEARED[(jam.elapsed / COUNT_EVERY) as usize % CLEARED.len()];
    Some((QUEUE_AT_ONSET + GROWTH_PER_COUNT * n, cleared))
}

/// The jam's figures as recorded events show them at their end.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    pub gate: String,
    pub road: String,
    /// `trucksWaiting` of the gate's last count.
    pub queue_length: i64,
    /// Change of `trucksWaiting` per hour, from the earliest count in the
    /// hour before the last one to the last.
    pub growth_per_hour: f64,
    /// `trucksCleared` per hour over the same counts (the first excluded).
    pub clearance_per_hour: f64,
    /// Tonnes of perishable declarations at the gate whose latest status
    /// is `waiting`.
    pub perishable_tonnes: f64,
    pub waiting_declarations: usize,
    /// Field reports (`city.fieldreport.submitted`) whose address or
    /// description names the road (`QL1A`, `QL 1A`, `Quốc lộ 1A`).
    pub reports: usize,
    /// When the last count was made.
    pub observed_at: String,
}

/// Recomputes the figures at `gate` (on `road`) from events as recorded,
/// in time order; `None` without any count of the gate.
pub fn figures(events: &[Value], gate: &str, road: &str) -> Option<Figures> {
    let counts: Vec<(i64, i64, i64, &str)> = events
        .iter()
        .filter(|e| e["type"] == "city.traffic.gate-count" && e["data"]["gate"] == gate)
        .filter_map(|e| {
            let t = e["time"].as_str()?;
            Some((
                SimTime::parse(t).ok()?.0,
                e["data"]["trucksWaiting"].as_i64()?,
                e["data"]["trucksCleared"].as_i64()?,
                t,
            ))
        })
        .collect();
    let last = *counts.last()?;
    let window: Vec<_> = counts.iter().filter(|c| c.0 >= last.0 - 3600).collect();
    let first = window.first().copied().copied().unwrap_or(last);
    let hours = (last.0 - first.0) as f64 / 3600.0;
    let per_hour = |x: f64| if hours > 0.0 { x / hours } else { 0.0 };
    let cleared: i64 = window.iter().skip(1).map(|c| c.2).sum();

    let mut declarations: std::collections::BTreeMap<&str, &Value> = Default::default();
    for e in events
        .iter()
        .filter(|e| e["type"] == "city.ecommerce.declaration")
    {
        if let Some(id) = e["data"]["declarationId"].as_str() {
            declarations.insert(id, &e["data"]);
        }
    }
    let waiting: Vec<&&Value> = declarations
        .values()
        .filter(|d| d["gate"] == gate && d["perishable"] == true && d["status"] == "waiting")
        .collect();
    let tonnes: f64 = waiting.iter().filter_map(|d| d["tonnes"].as_f64()).sum();

    let reports = events
        .iter()
        .filter(|e| e["type"] == "city.fieldreport.submitted")
        .filter(|e| {
            ["address_string", "description"]
                .iter()
                .any(|k| e["data"][k].as_str().is_some_and(|s| names_road(s, road)))
        })
        .count();
    Some(Figures {
        gate: gate.to_owned(),
        road: road.to_owned(),
        queue_length: last.1,
        growth_per_hour: super::event::round(per_hour((last.1 - first.1) as f64), 1),
        clearance_per_hour: super::event::round(per_hour(cleared as f64), 1),
        perishable_tonnes: super::event::round(tonnes, 1),
        waiting_declarations: waiting.len(),
        reports,
        observed_at: last.3.to_owned(),
    })
}

/// Whether `text` names `road` (`QL1A`) as people write it: `QL1A`, `QL 1A`,
/// `Quốc lộ 1A`.
pub fn names_road(text: &str, road: &str) -> bool {
    let number = road.trim_start_matches("QL");
    [
        road.to_owned(),
        format!("QL {number}"),
        format!("Quốc lộ {number}"),
    ]
    .iter()
    .any(|form| {
        text.match_indices(form.as_str()).any(|(i, m)| {
            // Not a longer name: `QL1A` is not `QL1AB`.
            !text[i + m.len()..].starts_with(|c: char| c.is_alphanumeric())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_grows_120_an_hour_to_2400() {
        let onset = SimTime(0);
        let s = Scenario {
            kind: Kind::BorderQueue,
            onset,
        };
        let at = |secs| jam_count(s.jam(onset.plus(secs)).unwrap());
        assert_eq!(at(0), Some((1680, 14)));
        assert_eq!(at(60), None);
        assert_eq!(at(3600).unwrap().0 - at(0).unwrap().0, 120);
        assert_eq!(at(6 * 3600), Some((2400, 14)));
        assert_eq!(at(8 * 3600).unwrap().0, 2400, "then it holds");
        let hour: i64 = (1..=6).map(|k| at(k * 600).unwrap().1).sum();
        assert_eq!(hour, 85);
        assert!(
            Scenario {
                kind: Kind::Normal,
                onset
            }
            .jam(onset)
            .is_none()
        );
    }

    #[test]
    fn roads_are_found_as_people_write_them() {
        assert!(names_road("QL1A km 4, thị trấn Đồng Đăng", "QL1A"));
        assert!(names_road("xe tải đỗ trên Quốc lộ 1A", "QL1A"));
        assert!(names_road("QL 1A gần cửa khẩu", "QL1A"));
        assert!(!names_road("QL1B km 3", "QL1A"));
        assert!(!names_road("QL1AB", "QL1A"));
    }
}
