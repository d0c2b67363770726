//! Sở Giáo dục và Đào tạo: each school's attendance on school days at
//! 07:45 (`city.education.attendance`, 12 schools), usually 93–98 % with
//! now and then a low day (a cold spell, a local festival), and school
//! incidents in school hours (`city.education.incident`, ≈0.2/h).

use serde_json::json;

use super::{Tick, curves};
use crate::commands::simulate::{event::Draft, places::SCHOOLS, rng::Rng};

const SECTOR: &str = "education";

/// Chance that a school has a low-attendance day.
const LOW_DAY: f64 = 0.06;
/// Incidents per school hour, all schools together.
const INCIDENTS_PER_HOUR: f64 = 0.2;

/// Category, severity, description.
const INCIDENTS: [(&str, &str, &str); 4] = [
    (
        "injury",
        "medium",
        "Học sinh bị ngã cầu thang, đã sơ cứu và đưa đến trạm y tế",
    ),
    (
        "food-safety",
        "high",
        "Nhiều học sinh đau bụng sau bữa trưa ở căng tin, nghi ngộ độc thực phẩm",
    ),
    (
        "bullying",
        "medium",
        "Học sinh bị bạn cùng lớp bắt nạt, phụ huynh phản ánh",
    ),
    (
        "facility",
        "low",
        "Mái tôn nhà đa năng bị gió lốc làm bong, đã khoanh vùng",
    ),
];

/// The education generator.
#[derive(Debug)]
pub struct Education {
    rng: Rng,
    incidents: u64,
}

impl Education {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::stream(seed, SECTOR),
            incidents: 0,
        }
    }

    /// Called once per simulated minute.
    pub fn tick(&mut self, k: &mut Tick) {
        if !curves::school_day(k.t) {
            return;
        }
        if (k.t.hour() - 7.75).abs() < 1e-9 {
            for s in &SCHOOLS {
                let ratio = if self.rng.chance(LOW_DAY) {
                    self.rng.range(0.72, 0.85)
                } else {
                    self.rng.range(0.93, 0.985)
                };
                k.out.push(Draft::event(
                    k.t,
                    "city.education.attendance",
                    SECTOR,
                    Some(s.id.to_owned()),
                    json!({
                        "school": s.id,
                        "schoolName": s.name,
                        "district": s.district,
                        "enrolled": s.enrolled,
                        "present": (s.enrolled as f64 * ratio).round() as i64,
                        "date": k.t.date(),
                        "observedAt": k.t.rfc3339(),
                    }),
                ));
            }
        }
        if (7.0..17.0).contains(&k.t.hour()) {
            for _ in 0..k.per_hour(&mut self.rng, INCIDENTS_PER_HOUR) {
                let at = k.within(&mut self.rng);
                let s = *self.rng.pick(&SCHOOLS).unwrap_or(&SCHOOLS[0]);
                let (category, severity, description) =
                    *self.rng.pick(&INCIDENTS).unwrap_or(&INCIDENTS[0]);
                self.incidents += 1;
                let id = format!("SCGD-{}-{:04}", k.tag, self.incidents);
                k.out.push(Draft::event(
                    at,
                    "city.education.incident",
                    SECTOR,
                    Some(id.clone()),
                    json!({
                        "incidentId": id,
                        "school": s.id,
                        "schoolName": s.name,
                        "category": category,
                        "severity": severity,
                        "description": description,
                        "observedAt": at.rfc3339(),
                    }),
                ));
            }
        }
    }
}
