//! Citizens' field reports (phản ánh hiện trường), as a citizen's app
//! files them (how they are sent is `--reports`), ≈0.2–1.5/h following the
//! daytime, with the service codes the field-reports plugin lists
//! (`pothole`, `flooding`, `litter`, `streetlight`, `traffic-obstruction`,
//! `illegal-parking`); and the agencies' updates
//! (`city.fieldreport.progress`): most are acknowledged (`open` with a
//! note) within 20–90 min and about two thirds closed within 2–20 h; the
//! rest stay open and may pass their SLA.
//!
//! In the border-queue scenario residents along QL1A report the trucks
//! ([`scenario::REPORTS_PER_HOUR`]), every address naming `QL1A`.

use super::{Later, Tick, curves};
use crate::commands::simulate::{
    event::{Body, Draft, Report},
    places::{ADDRESSES, Address, QL1A_ADDRESSES},
    rng::Rng,
    scenario,
};

const SECTOR: &str = "field-reports";

/// Reports per hour by day.
const REPORTS_PER_HOUR: f64 = 1.5;

/// Service code, description.
const ORDINARY: [(&str, &str); 6] = [
    (
        "pothole",
        "Mặt đường bị sụt lún, có ổ gà lớn, xe máy đi qua rất nguy hiểm",
    ),
    ("flooding", "Nước ngập sâu sau mưa, cống thoát nước bị tắc"),
    (
        "litter",
        "Rác thải sinh hoạt đổ bừa bãi ven đường, bốc mùi hôi thối",
    ),
    (
        "streetlight",
        "Đèn đường hỏng nhiều ngày, buổi tối rất tối và mất an toàn",
    ),
    (
        "traffic-obstruction",
        "Vật liệu xây dựng đổ tràn ra lòng đường, gây cản trở giao thông",
    ),
    (
        "illegal-parking",
        "Ô tô đỗ trên vỉa hè và lòng đường, người đi bộ phải đi xuống đường",
    ),
];

/// What residents along QL1A report during the jam.
const ALONG_QL1A: [(&str, &str); 4] = [
    (
        "traffic-obstruction",
        "Xe container chở thanh long xếp hàng dài trên QL1A, chắn lối ra vào nhà dân",
    ),
    (
        "traffic-obstruction",
        "Hàng xe tải chờ xuất khẩu chiếm hết một bên QL1A, xe máy phải đi ngược chiều",
    ),
    (
        "litter",
        "Lái xe vứt vỏ hoa quả hỏng và rác thải dọc QL1A, bốc mùi hôi thối",
    ),
    (
        "illegal-parking",
        "Xe đầu kéo đỗ qua đêm dưới lòng đường QL1A trước cổng trường học",
    ),
];

/// An update waiting to be sent.
#[derive(Debug, Clone)]
enum Update {
    Ack(u64),
    Close(u64, &'static str),
}

/// The field-reports generator.
#[derive(Debug)]
pub struct Reports {
    rng: Rng,
    reports: u64,
    updates: Later<Update>,
}

impl Reports {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::stream(seed, SECTOR),
            reports: 0,
            updates: Later::default(),
        }
    }

    /// Called once per simulated minute.
    pub fn tick(&mut self, k: &mut Tick) {
        let rate = REPORTS_PER_HOUR * curves::daytime(k.t);
        for _ in 0..k.per_hour(&mut self.rng, rate) {
            let night = !(6.0..18.5).contains(&k.t.hour());
            let (code, text) = if night && self.rng.chance(0.5) {
                ORDINARY[3]
            } else {
                *self.rng.pick(&ORDINARY).unwrap_or(&ORDINARY[0])
            };
            let place = *self.rng.pick(&ADDRESSES).unwrap_or(&ADDRESSES[0]);
            self.report(k, code, text, place);
        }
        if k.scenario.jam(k.t).is_some_and(|j| j.building) {
            for _ in 0..k.per_hour(&mut self.rng, scenario::REPORTS_PER_HOUR) {
                let (code, text) = *self.rng.pick(&ALONG_QL1A).unwrap_or(&ALONG_QL1A[0]);
                let place = *self.rng.pick(&QL1A_ADDRESSES).unwrap_or(&QL1A_ADDRESSES[0]);
                self.report(k, code, text, place);
            }
        }
        for (at, u) in self.updates.due(k.t.plus(60)) {
            let (key, status, notes) = match u {
                Update::Ack(key) => (
                    key,
                    "open",
                    "Đã tiếp nhận, chuyển đơn vị chức năng xử lý".to_owned(),
                ),
                Update::Close(key, code) => (key, "closed", closing_note(code).to_owned()),
            };
            k.out.push(Draft {
                at: at.max(k.t),
                body: Body::Progress { key, status, notes },
            });
        }
    }

    fn report(&mut self, k: &mut Tick, code: &'static str, text: &str, place: Address) {
        let at = k.within(&mut self.rng);
        self.reports += 1;
        let key = self.reports;
        let media_url = self
            .rng
            .chance(0.6)
            .then(|| format!("https://media.cityhub.example/phan-anh/{}-{key}.jpg", k.tag));
        k.out.push(Draft {
            at,
            body: Body::Report {
                key,
                report: Report {
                    service_code: code,
                    description: text.to_owned(),
                    lon: place.lon + self.rng.range(-0.002, 0.002),
                    lat: place.lat + self.rng.range(-0.002, 0.002),
                    address: place.text.to_owned(),
                    media_url,
                },
            },
        });
        if self.rng.chance(0.8) {
            let ack = at.plus(self.rng.int(20, 90) * 60);
            self.updates.at(ack, Update::Ack(key));
            if self.rng.chance(0.8) {
                let close = ack.plus(self.rng.int(2 * 60, 20 * 60) * 60);
                self.updates.at(close, Update::Close(key, code));
            }
        }
    }
}

fn closing_note(code: &str) -> &'static str {
    match code {
        "pothole" => "Đã vá ổ gà, hoàn trả mặt đường",
        "flooding" => "Đã nạo vét cống, nước đã rút",
        "litter" => "Đã thu gom, vận chuyển rác",
        "streetlight" => "Đã thay bóng đèn, đèn sáng bình thường",
        "illegal-parking" => "Đã lập biên bản, yêu cầu di chuyển phương tiện",
        _ => "Đã xử lý xong, giao thông thông suốt",
    }
}
