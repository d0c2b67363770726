//! [`World`]: every sector's generator, stepped one simulated minute at a
//! time, and the events of that minute in time order with their ids.
//!
//! Pure: no clock, no I/O. The same seed, scenario and start give the same
//! events, byte for byte (`sim-<scenario>-s<seed>-<start>-<n>` ids).

use super::{
    clock::SimTime,
    event::{Emitter, Outgoing, ReportsVia},
    scenario::Scenario,
    sectors::{
        Tick, admin::Admin, directives::Directives, education::Education, health::Health,
        reports::Reports, tourism::Tourism, trade::Trade, traffic::Traffic,
    },
};

/// The simulated province.
#[derive(Debug)]
pub struct World {
    t: SimTime,
    first: bool,
    scenario: Scenario,
    tag: String,
    emitter: Emitter,
    traffic: Traffic,
    trade: Trade,
    tourism: Tourism,
    health: Health,
    education: Education,
    reports: Reports,
    admin: Admin,
    directives: Directives,
}

impl World {
    /// The province at `start` (a whole minute), its field reports sent
    /// `via` (which changes how they are sent, not which there are).
    pub fn new(seed: u64, scenario: Scenario, start: SimTime, via: ReportsVia) -> Self {
        let tag = format!("s{seed}-{}", start.compact());
        let run = format!("sim-{}-{tag}", scenario.kind.name());
        Self {
            t: start,
            first: true,
            scenario,
            tag,
            emitter: Emitter::new(run, via),
            traffic: Traffic::new(seed),
            trade: Trade::new(seed),
            tourism: Tourism::new(seed),
            health: Health::new(seed),
            education: Education::new(seed),
            reports: Reports::new(seed),
            admin: Admin::new(seed),
            directives: Directives::new(seed),
        }
    }

    /// The start of the next minute to simulate.
    pub fn now(&self) -> SimTime {
        self.t
    }

    /// Simulates the next minute; returns its events, earliest first.
    pub fn minute(&mut self) -> Vec<Outgoing> {
        let mut out = Vec::new();
        let mut k = Tick {
            t: self.t,
            first: self.first,
            scenario: &self.scenario,
            tag: &self.tag,
            out: &mut out,
        };
        self.traffic.tick(&mut k);
        self.trade.tick(&mut k);
        self.tourism.tick(&mut k);
        self.health.tick(&mut k);
        self.education.tick(&mut k);
        self.reports.tick(&mut k);
        self.admin.tick(&mut k);
        self.directives.tick(&mut k);
        self.first = false;
        self.t = self.t.plus(60);
        self.emitter.emit(out)
    }
}

#[cfg(test)]
mod tests {
    use cityhub_cloudevents::CloudEvent;
    use serde_json::Value;

    use super::*;
    use crate::commands::simulate::scenario::{self, Kind};

    /// Every input type of plugins/README.md.
    const CONTRACT: [&str; 17] = [
        "city.traffic.reading",
        "city.traffic.incident-report",
        "city.traffic.gate-count",
        "city.ecommerce.order",
        "city.ecommerce.declaration",
        "city.tourism.visitors",
        "city.tourism.occupancy",
        "city.tourism.event",
        "city.health.beds",
        "city.health.emergency-call",
        "city.health.case-report",
        "city.education.attendance",
        "city.education.incident",
        "city.fieldreport.submitted",
        "city.fieldreport.progress",
        "city.admin.dossier",
        "city.reporting.directive",
    ];

    fn run(kind: Kind, seed: u64, hours: i64) -> Vec<Value> {
        run_via(kind, seed, hours, ReportsVia::Events)
    }

    fn run_via(kind: Kind, seed: u64, hours: i64, via: ReportsVia) -> Vec<Value> {
        let start = SimTime::parse("2026-11-26T06:00:00+07:00").unwrap();
        let mut w = World::new(seed, Scenario { kind, onset: start }, start, via);
        let mut out = Vec::new();
        for _ in 0..=hours * 60 {
            out.extend(w.minute().into_iter().map(|o| o.json().clone()));
        }
        out
    }

    #[test]
    fn one_seed_gives_one_history() {
        assert_eq!(run(Kind::Normal, 3, 3), run(Kind::Normal, 3, 3));
        assert_ne!(run(Kind::Normal, 3, 3), run(Kind::Normal, 4, 3));
    }

    #[test]
    fn every_event_is_a_valid_cloudevent_of_the_contract_in_time_order() {
        // Two days: school days, nights, every sector's cycle.
        let events = run(Kind::BorderQueue, 11, 48);
        let mut seen = std::collections::BTreeSet::new();
        let mut last = String::new();
        let mut ids = std::collections::HashSet::new();
        for e in &events {
            let ce = CloudEvent::from_json_value(e).unwrap_or_else(|err| panic!("{err}: {e}"));
            let ty = ce.ty.as_str().to_owned();
            assert!(CONTRACT.contains(&ty.as_str()), "{ty}");
            let time = e["time"].as_str().unwrap().to_owned();
            assert!(
                time.ends_with("+07:00") && time >= last,
                "{time} after {last}"
            );
            assert!(ids.insert(ce.id.clone()), "id {} twice", ce.id);
            last = time;
            seen.insert(ty);
        }
        for ty in CONTRACT {
            assert!(seen.contains(ty), "no `{ty}` in two simulated days");
        }
        let text = serde_json::to_string(&events).unwrap();
        for word in [
            "Hữu Nghị",
            "Thanh long",
            "Hồi Lạng Sơn",
            "Bệnh viện Đa khoa tỉnh Lạng Sơn",
            "Động Tam Thanh",
            "huyện Cao Lộc",
        ] {
            assert!(text.contains(word), "no `{word}`");
        }
    }

    #[test]
    fn the_border_queue_ends_at_2400_trucks_and_thousands_of_tonnes() {
        let events = run(Kind::BorderQueue, 5, 6);
        let f = scenario::figures(&events, scenario::GATE, scenario::ROAD).unwrap();
        assert_eq!(
            (f.queue_length, f.growth_per_hour, f.clearance_per_hour),
            (2400, 120.0, 85.0)
        );
        assert!(f.perishable_tonnes > 2500.0, "{f:?}");
        assert!(f.reports >= 5, "{f:?}");
        let normal =
            scenario::figures(&run(Kind::Normal, 5, 6), scenario::GATE, scenario::ROAD).unwrap();
        assert!(
            normal.queue_length < 600 && normal.reports < 3,
            "{normal:?}"
        );
    }

    #[test]
    fn declarations_are_cleared_under_the_same_id_and_progress_follows_its_report() {
        let events = run(Kind::Normal, 2, 12);
        let mut waiting = std::collections::HashSet::new();
        let mut cleared = 0;
        let mut reports = std::collections::HashSet::new();
        let mut progress = 0;
        for e in &events {
            let d = &e["data"];
            match e["type"].as_str().unwrap() {
                "city.ecommerce.declaration" if d["status"] == "waiting" => {
                    waiting.insert(d["declarationId"].as_str().unwrap().to_owned());
                }
                "city.ecommerce.declaration" => {
                    assert!(waiting.contains(d["declarationId"].as_str().unwrap()));
                    cleared += 1;
                }
                "city.fieldreport.submitted" => {
                    // The request is known by the id of the event that filed it.
                    assert!(e.get("via").is_none(), "{e}");
                    assert_eq!(d["service_request_id"], e["id"], "{e}");
                    assert_eq!(e["subject"], e["id"], "{e}");
                    assert_eq!(d["requested_datetime"], e["time"], "{e}");
                    reports.insert(e["id"].as_str().unwrap().to_owned());
                }
                "city.fieldreport.progress" => {
                    let id = d["service_request_id"].as_str().unwrap();
                    assert!(reports.contains(id), "{e}");
                    assert_eq!(e["subject"], id);
                    assert_eq!(d["updated_datetime"], e["time"], "{e}");
                    progress += 1;
                }
                _ => {}
            }
        }
        assert!(cleared > 10, "{cleared}");
        assert!(reports.len() > 3 && progress > 3, "{reports:?} {progress}");
    }

    #[test]
    fn the_way_reports_are_sent_changes_nothing_else() {
        let via_events = run_via(Kind::BorderQueue, 4, 8, ReportsVia::Events);
        let via_open311 = run_via(Kind::BorderQueue, 4, 8, ReportsVia::Open311);
        assert_eq!(via_events.len(), via_open311.len());
        let mut reports = 0;
        for (a, b) in via_events.iter().zip(&via_open311) {
            assert_eq!(
                (&a["id"], &a["type"], &a["time"]),
                (&b["id"], &b["type"], &b["time"])
            );
            if a["type"] == "city.fieldreport.submitted" {
                reports += 1;
                assert_eq!(b["via"], "open311");
                assert_eq!(b["data"]["service_request_id"], Value::Null);
                for k in [
                    "service_code",
                    "description",
                    "lat",
                    "long",
                    "address_string",
                ] {
                    assert_eq!(a["data"][k], b["data"][k], "{k}");
                }
            } else if a["type"] != "city.fieldreport.progress" {
                assert_eq!(a, b);
            }
        }
        assert!(reports > 5, "{reports}");
        assert_eq!(
            scenario::figures(&via_events, scenario::GATE, scenario::ROAD),
            scenario::figures(&via_open311, scenario::GATE, scenario::ROAD)
        );
    }
}
