//! One-stop shops (bộ phận một cửa): dossiers (`city.admin.dossier`), sent
//! again on each change: `received` (≈12/h in office hours), `processing`
//! 15–120 min later, then `completed` within the procedure's time (85 %),
//! late (12 %) or `returned` (3 %).
//!
//! At the start, 25 dossiers received days ago are announced `processing`
//! with due times from 12 h ago to a day ahead: some finish, some late,
//! some never in the run, so overdue dossiers show from the first minutes.

use serde_json::{Value, json};

use super::{Later, Tick, curves};
use crate::commands::simulate::{
    clock::SimTime,
    event::Draft,
    places::{PROCEDURES, Procedure},
    rng::Rng,
};

const SECTOR: &str = "public-admin";

/// Dossiers per office hour.
const PER_HOUR: f64 = 12.0;
/// Dossiers in progress at the start.
const BACKLOG: usize = 25;

/// The public-administration generator.
#[derive(Debug)]
pub struct Admin {
    rng: Rng,
    dossiers: u64,
    changes: Later<(Value, &'static str)>,
}

impl Admin {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::stream(seed, SECTOR),
            dossiers: 0,
            changes: Later::default(),
        }
    }

    /// Called once per simulated minute.
    pub fn tick(&mut self, k: &mut Tick) {
        if k.first {
            for _ in 0..BACKLOG {
                let p = self.procedure();
                let due = k.t.plus(self.rng.int(-12 * 60, 24 * 60) * 60);
                let received = due.plus(-p.sla_hours * 3600);
                let d = self.dossier(k.tag, p, received);
                k.out.push(change(k.t, &d, "processing"));
                self.finish(d, p, due, k.t);
            }
        }
        if curves::office(k.t) {
            for _ in 0..k.per_hour(&mut self.rng, PER_HOUR) {
                let at = k.within(&mut self.rng);
                let p = self.procedure();
                let d = self.dossier(k.tag, p, at);
                k.out.push(change(at, &d, "received"));
                let processing = at.plus(self.rng.int(15, 120) * 60);
                self.changes.at(processing, (d.clone(), "processing"));
                self.finish(d, p, at.plus(p.sla_hours * 3600), processing);
            }
        }
        for (at, (d, status)) in self.changes.due(k.t.plus(60)) {
            k.out.push(change(at.max(k.t), &d, status));
        }
    }

    fn procedure(&mut self) -> &'static Procedure {
        let total: f64 = PROCEDURES.iter().map(|p| p.weight).sum();
        let mut x = self.rng.range(0.0, total);
        PROCEDURES
            .iter()
            .find(|p| {
                x -= p.weight;
                x < 0.0
            })
            .unwrap_or(&PROCEDURES[0])
    }

    fn dossier(&mut self, tag: &str, p: &Procedure, received: SimTime) -> Value {
        self.dossiers += 1;
        json!({
            "dossierId": format!("HS-{tag}-{:05}", self.dossiers),
            "procedure": p.id,
            "procedureName": p.name,
            "agency": p.agency,
            "receivedAt": received.rfc3339(),
            "dueAt": received.plus(p.sla_hours * 3600).rfc3339(),
        })
    }

    /// Schedules how dossier `d` (due at `due`, in processing from `from`) ends.
    fn finish(&mut self, d: Value, p: &Procedure, due: SimTime, from: SimTime) {
        let sla = p.sla_hours * 3600;
        let x = self.rng.unit();
        let (at, status) = if x < 0.85 {
            let at = due.plus(-((sla as f64) * self.rng.range(0.05, 0.6)) as i64);
            (at, "completed")
        } else if x < 0.97 {
            (
                due.plus(((sla as f64) * self.rng.range(0.05, 0.4)) as i64),
                "completed",
            )
        } else {
            (from.plus(self.rng.int(30, 240) * 60), "returned")
        };
        self.changes.at(at.max(from.plus(600)), (d, status));
    }
}

fn change(at: SimTime, d: &Value, status: &str) -> Draft {
    let mut data = d.clone();
    data["status"] = json!(status);
    data["observedAt"] = json!(at.rfc3339());
    let id = d["dossierId"].as_str().map(str::to_owned);
    Draft::event(at, "city.admin.dossier", SECTOR, id, data)
}
