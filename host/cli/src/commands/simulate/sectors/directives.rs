//! The reporting and direction system: directives from the provincial
//! People's Committee to agencies (`city.reporting.directive`), sent again
//! on each change: `assigned` (≈0.4/h in office hours), `in-progress`
//! 30–180 min later, `done` before the deadline (75 %), late (15 %) or not
//! in the run (10 %). Six directives are under way at the start, some
//! already near or past their deadline. In the border-queue scenario the
//! committee directs traffic and trade agencies an hour into the jam.

use serde_json::{Value, json};

use super::{Later, Tick, curves};
use crate::commands::simulate::{
    clock::SimTime,
    event::{Draft, text},
    rng::Rng,
};

const SECTOR: &str = "reporting";

/// Directives per office hour.
const PER_HOUR: f64 = 0.4;

/// Title (vi, en), agency.
const ORDINARY: [(&str, &str, &str); 6] = [
    (
        "Khắc phục sạt lở taluy trên QL4A đoạn qua huyện Văn Lãng",
        "Repair the landslide on QL4A in Văn Lãng",
        "so-gtvt",
    ),
    (
        "Báo cáo tiến độ giải ngân vốn đầu tư công quý IV",
        "Report on public investment disbursement, Q4",
        "so-khdt",
    ),
    (
        "Tăng cường phòng, chống dịch sốt xuất huyết tại huyện Hữu Lũng",
        "Step up dengue prevention in Hữu Lũng",
        "so-yt",
    ),
    (
        "Kiểm tra an toàn thực phẩm bếp ăn bán trú các trường học",
        "Inspect school canteens for food safety",
        "so-gddt",
    ),
    (
        "Rà soát hồ sơ một cửa quá hạn, báo cáo nguyên nhân",
        "Review overdue one-stop dossiers and report why",
        "ubnd-tp-lang-son",
    ),
    (
        "Chuẩn bị phương án đón khách dịp lễ hội Động Tam Thanh",
        "Prepare for visitors at the Tam Thanh cave festival",
        "so-vhttdl",
    ),
];

/// The jam's directives.
const BORDER: [(&str, &str, &str); 2] = [
    (
        "Phân luồng, bố trí bãi chờ cho xe chở nông sản trên QL1A",
        "Divert produce trucks on QL1A and open waiting yards",
        "so-gtvt",
    ),
    (
        "Làm việc với phía Trung Quốc đề nghị tăng thời gian thông quan tại cửa khẩu Hữu Nghị",
        "Ask the Chinese side to extend clearance hours at Hữu Nghị",
        "so-ct",
    ),
];

const ISSUERS: [&str; 2] = [
    "Chủ tịch UBND tỉnh Lạng Sơn",
    "Phó Chủ tịch UBND tỉnh Lạng Sơn",
];

/// The directives generator.
#[derive(Debug)]
pub struct Directives {
    rng: Rng,
    directives: u64,
    changes: Later<(Value, &'static str)>,
}

impl Directives {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::stream(seed, SECTOR),
            directives: 0,
            changes: Later::default(),
        }
    }

    /// Called once per simulated minute.
    pub fn tick(&mut self, k: &mut Tick) {
        if k.first {
            for _ in 0..6 {
                let t = *self.rng.pick(&ORDINARY).unwrap_or(&ORDINARY[0]);
                let deadline = k.t.plus(self.rng.int(-2 * 60, 8 * 60) * 60);
                let issued = deadline.plus(-self.rng.int(24, 72) * 3600);
                let d = self.directive(k.tag, t, issued, deadline);
                k.out.push(change(k.t, &d, "in-progress"));
                self.finish(d, issued, deadline, k.t);
            }
        }
        if curves::office(k.t) {
            for _ in 0..k.per_hour(&mut self.rng, PER_HOUR) {
                let t = *self.rng.pick(&ORDINARY).unwrap_or(&ORDINARY[0]);
                let at = k.within(&mut self.rng);
                self.issue(k, t, at);
            }
        }
        if k.scenario.jam(k.t).is_some_and(|j| j.elapsed == 3600) {
            for t in BORDER {
                self.issue(k, t, k.t);
            }
        }
        for (at, (d, status)) in self.changes.due(k.t.plus(60)) {
            k.out.push(change(at.max(k.t), &d, status));
        }
    }

    fn issue(&mut self, k: &mut Tick, t: (&str, &str, &str), at: SimTime) {
        let deadline = at.plus(self.rng.int(4, 72) * 3600);
        let d = self.directive(k.tag, t, at, deadline);
        k.out.push(change(at, &d, "assigned"));
        let started = at.plus(self.rng.int(30, 180) * 60);
        self.changes.at(started, (d.clone(), "in-progress"));
        self.finish(d, at, deadline, started);
    }

    fn directive(
        &mut self,
        tag: &str,
        (vi, en, agency): (&str, &str, &str),
        issued: SimTime,
        deadline: SimTime,
    ) -> Value {
        self.directives += 1;
        json!({
            "directiveId": format!("CD-{tag}-{:04}", self.directives),
            "title": text(vi, en),
            "agency": agency,
            "issuedBy": *self.rng.pick(&ISSUERS).unwrap_or(&ISSUERS[0]),
            "issuedAt": issued.rfc3339(),
            "deadline": deadline.rfc3339(),
        })
    }

    fn finish(&mut self, d: Value, issued: SimTime, deadline: SimTime, from: SimTime) {
        let span = deadline.since(issued).max(3600) as f64;
        let x = self.rng.unit();
        let at = if x < 0.75 {
            deadline.plus(-(span * self.rng.range(0.05, 0.4)) as i64)
        } else if x < 0.9 {
            deadline.plus(self.rng.int(1, 8) * 3600)
        } else {
            return;
        };
        self.changes.at(at.max(from.plus(600)), (d, "done"));
    }
}

fn change(at: SimTime, d: &Value, status: &str) -> Draft {
    let mut data = d.clone();
    data["status"] = json!(status);
    data["observedAt"] = json!(at.rfc3339());
    let id = d["directiveId"].as_str().map(str::to_owned);
    Draft::event(at, "city.reporting.directive", SECTOR, id, data)
}
