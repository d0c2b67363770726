//! The plugin's configuration: the services citizens report under (each
//! with its agency and SLA), the fallback service, the roads to recognise,
//! how long closed requests are kept and when an agency's overdue reports
//! raise an alert. `plugin.toml`'s `config-schema` describes the same fields
//! with the same defaults (a test keeps them in step), and the host's
//! Open311 API lists `services` as `GET /open311/v2/services.json`.

use std::num::NonZeroU32;

use cityhub_sdk::Error;
use cityhub_sdk::city::Span;
use serde::Deserialize;

use crate::roads::parse_code;

/// The longest `service_code`: a request's state record and the host's
/// URLs stay small.
pub const MAX_SERVICE_CODE: usize = 64;

/// The configuration (`[plugins.field-reports] config` in city.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The services a report can be filed under, in the order they are
    /// listed and tried by keyword.
    pub services: Vec<Service>,
    /// The `service_code` of the service a report falls back to when neither
    /// its code nor its description's keywords name one.
    pub fallback: String,
    /// The road codes recognised in addresses and descriptions (`QL4A`,
    /// `CT13`, `ĐT226`): a report naming one carries it as `road`.
    pub roads: Vec<String>,
    /// How long a closed request is kept in state after its closing update,
    /// in event time; then it is forgotten (the host keeps what it was sent).
    pub retention: Span,
    /// An agency with this many overdue open reports gets an alert (high
    /// severity at twice as many).
    pub overdue_alert_threshold: NonZeroU32,
}

/// One Open311 service (`GET /open311/v2/services.json` lists these fields
/// but `agency`, `sla` and `keywords`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The code reports are filed under, unique: `pothole`.
    pub service_code: String,
    /// Its name, for people: `Hư hỏng mặt đường, ổ gà`.
    pub service_name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// The group it is listed under: `Giao thông`.
    #[serde(default)]
    pub group: String,
    /// The agency that handles its reports (`agency_responsible`).
    pub agency: String,
    /// How long the agency has: `expected_datetime` is `requested_datetime`
    /// plus this.
    pub sla: Span,
    /// Words that file a report under this service when its code is not
    /// one of the services'; compared lowercase, diacritics kept, as whole
    /// words (`lũ` does not match `Hữu Lũng`).
    #[serde(default)]
    pub keywords: Vec<String>,
}

impl Service {
    fn new(
        code: &str,
        name: &str,
        description: &str,
        group: &str,
        agency: &str,
        sla_hours: u64,
        keywords: &[&str],
    ) -> Self {
        Service {
            service_code: code.to_owned(),
            service_name: name.to_owned(),
            description: description.to_owned(),
            group: group.to_owned(),
            agency: agency.to_owned(),
            sla: Span::hours(sla_hours),
            keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        }
    }
}

/// The agencies of the default services.
pub mod agencies {
    /// Roads: potholes, subsidence.
    pub const TRANSPORT: &str = "Sở Giao thông Vận tải";
    /// Flooding, drainage, dykes.
    pub const AGRICULTURE_ENVIRONMENT: &str = "Sở Nông nghiệp và Môi trường";
    /// The city: litter, street lighting.
    pub const CITY: &str = "UBND thành phố Lạng Sơn";
    /// The traffic police: obstructions, illegal parking.
    pub const TRAFFIC_POLICE: &str = "Công an tỉnh Lạng Sơn (Phòng CSGT)";
    /// The provincial People's Committee's office: anything else.
    pub const PROVINCE_OFFICE: &str = "Văn phòng UBND tỉnh Lạng Sơn";
}

impl Default for Config {
    fn default() -> Self {
        use agencies::*;
        let services = vec![
            Service::new(
                "pothole",
                "Hư hỏng mặt đường, ổ gà",
                "Ổ gà, sụt lún, nứt vỡ mặt đường trên quốc lộ, đường tỉnh và đường đô thị",
                "Giao thông",
                TRANSPORT,
                72,
                &[
                    "ổ gà",
                    "ổ voi",
                    "sụt lún",
                    "lún",
                    "nứt",
                    "vỡ mặt đường",
                    "hư hỏng mặt đường",
                    "bong tróc",
                ],
            ),
            Service::new(
                "flooding",
                "Ngập úng, thoát nước",
                "Đường ngập, cống tắc, nước tràn, sạt lở bờ suối",
                "Hạ tầng đô thị",
                AGRICULTURE_ENVIRONMENT,
                24,
                &[
                    "ngập",
                    "ngập úng",
                    "nước tràn",
                    "tắc cống",
                    "cống",
                    "thoát nước",
                    "lũ",
                ],
            ),
            Service::new(
                "litter",
                "Rác thải, vệ sinh môi trường",
                "Rác thải tồn đọng, đổ trộm phế thải, điểm tập kết rác quá tải",
                "Môi trường",
                CITY,
                48,
                &[
                    "rác",
                    "phế thải",
                    "xả thải",
                    "đổ trộm",
                    "bốc mùi",
                    "vệ sinh môi trường",
                ],
            ),
            Service::new(
                "streetlight",
                "Đèn chiếu sáng công cộng",
                "Đèn đường hỏng, không sáng, cột đèn nghiêng đổ",
                "Hạ tầng đô thị",
                CITY,
                72,
                &[
                    "đèn đường",
                    "đèn chiếu sáng",
                    "cột đèn",
                    "bóng đèn",
                    "không có đèn",
                ],
            ),
            Service::new(
                "traffic-obstruction",
                "Cản trở giao thông",
                "Vật cản, cây đổ, đất đá, xe hỏng chắn đường, ùn tắc kéo dài",
                "Giao thông",
                TRAFFIC_POLICE,
                4,
                &[
                    "cản trở",
                    "chắn đường",
                    "vật cản",
                    "cây đổ",
                    "đất đá",
                    "sạt lở",
                    "ùn tắc",
                    "tắc đường",
                    "xe hỏng",
                ],
            ),
            Service::new(
                "illegal-parking",
                "Dừng, đỗ xe trái phép",
                "Xe dừng, đỗ sai quy định, lấn chiếm lòng đường, vỉa hè",
                "Giao thông",
                TRAFFIC_POLICE,
                12,
                &[
                    "đỗ xe",
                    "đậu xe",
                    "dừng đỗ",
                    "đỗ trái phép",
                    "lấn chiếm",
                    "xe tải đỗ",
                ],
            ),
            Service::new(
                "other",
                "Phản ánh khác",
                "Phản ánh, kiến nghị khác về đô thị và dịch vụ công",
                "Khác",
                PROVINCE_OFFICE,
                120,
                &[],
            ),
        ];
        Config {
            services,
            fallback: "other".to_owned(),
            roads: ["QL1A", "QL1B", "QL4A", "QL4B", "QL31", "QL3B", "QL279"]
                .map(str::to_owned)
                .to_vec(),
            retention: Span::hours(30 * 24),
            overdue_alert_threshold: NonZeroU32::MIN.saturating_add(4),
        }
    }
}

impl Config {
    /// Checks what the fields cannot check alone and returns every problem
    /// at once, one per line: codes present and unique, names and agencies
    /// given, keywords not empty, `fallback` a configured service, `roads`
    /// road codes listed once.
    pub fn check(&self) -> Result<(), Error> {
        let mut problems = Vec::new();
        if self.services.is_empty() {
            problems.push("`services` is empty: list at least the fallback service, e.g. `{ service_code = \"other\", service_name = \"Phản ánh khác\", agency = \"Văn phòng UBND tỉnh Lạng Sơn\", sla = \"5d\" }`".to_owned());
        }
        for (i, s) in self.services.iter().enumerate() {
            let code = &s.service_code;
            let valid_code = !code.is_empty()
                && code.len() <= MAX_SERVICE_CODE
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !valid_code {
                problems.push(format!("`services[{i}].service_code` (`{code}`) must be 1 to {MAX_SERVICE_CODE} ASCII letters, digits, `-`, `_` or `.`, e.g. `pothole`"));
            } else if self.services[..i].iter().any(|t| t.service_code == *code) {
                problems.push(format!(
                    "`services[{i}].service_code` `{code}` is listed twice: codes must be unique"
                ));
            }
            if s.service_name.trim().is_empty() {
                problems.push(format!("`services[{i}].service_name` is empty: name the service for citizens, e.g. `Hư hỏng mặt đường, ổ gà`"));
            }
            if s.agency.trim().is_empty() {
                problems.push(format!("`services[{i}].agency` is empty: name the agency that handles `{code}` reports, e.g. `Sở Giao thông Vận tải`"));
            }
            for (j, k) in s.keywords.iter().enumerate() {
                if k.trim().is_empty() {
                    problems.push(format!("`services[{i}].keywords[{j}]` is empty: remove it (an empty keyword would match every report)"));
                }
            }
        }
        if !self
            .services
            .iter()
            .any(|s| s.service_code == self.fallback)
        {
            problems.push(format!(
                "`fallback` names `{}`, which is not in `services`: name one of the configured service codes",
                self.fallback
            ));
        }
        for (i, road) in self.roads.iter().enumerate() {
            match parse_code(road) {
                None => problems.push(format!("`roads[{i}]` (`{road}`) is not a road code: write `QL` (quốc lộ), `CT` (cao tốc) or `ĐT` (đường tỉnh) and the road's number, e.g. `QL4A`")),
                Some(code) => {
                    if self.roads[..i].iter().any(|r| parse_code(r).as_ref() == Some(&code)) {
                        problems.push(format!("`roads[{i}]` `{road}` is listed twice: remove one"));
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::config(problems.join("\n")))
        }
    }

    /// The service with `code`, if configured.
    pub fn service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.service_code == code)
    }
}
