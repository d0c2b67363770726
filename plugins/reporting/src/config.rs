//! The plugin's configuration: the period of the sector reports, how much
//! of the sectors' indicators is kept, how long done directives are
//! remembered, and the agencies' names. `plugin.toml`'s `config-schema`
//! describes the same fields with the same defaults (a test keeps them in
//! step).

use std::num::NonZeroU32;

use cityhub_sdk::Error;
pub use cityhub_sdk::city::Agency;
use cityhub_sdk::city::Span;
use serde::Deserialize;

/// The longest agency id: `agency/<id>` must fit a 256-byte state key.
pub const MAX_AGENCY_ID: usize = 256 - crate::agency::KEY_PREFIX.len();

/// How the plugin reports and follows directives.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// One sector report per sector and period, in event time, periods
    /// aligned to local midnight.
    pub report_period: Span,
    /// The most sectors whose indicators are kept; indicators of further
    /// sectors are skipped with a warning.
    pub max_sectors: NonZeroU32,
    /// The most indicators (indicator and scope) kept per sector; a new one
    /// beyond it replaces the one observed longest ago.
    pub max_indicators_per_sector: NonZeroU32,
    /// How long a done directive is remembered (so that a redelivered event
    /// about it is recognised), in event time.
    pub retention: Span,
    /// The agencies' names, for indicators' `scopeName` and alerts.
    /// Directives to agencies not listed are handled all the same, named by
    /// their id.
    pub agencies: Vec<Agency>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            report_period: Span::hours(24),
            max_sectors: NonZeroU32::MIN.saturating_add(15),
            max_indicators_per_sector: NonZeroU32::MIN.saturating_add(199),
            retention: Span::hours(30 * 24),
            agencies: vec![
                Agency::new(
                    "so-giao-thong-van-tai",
                    "Sở Giao thông Vận tải",
                    "Department of Transport",
                ),
                Agency::new(
                    "so-cong-thuong",
                    "Sở Công Thương",
                    "Department of Industry and Trade",
                ),
                Agency::new("so-y-te", "Sở Y tế", "Department of Health"),
                Agency::new(
                    "so-van-hoa-the-thao-du-lich",
                    "Sở Văn hóa, Thể thao và Du lịch",
                    "Department of Culture, Sports and Tourism",
                ),
                Agency::new(
                    "so-giao-duc-dao-tao",
                    "Sở Giáo dục và Đào tạo",
                    "Department of Education and Training",
                ),
                Agency::new(
                    "ban-quan-ly-kkt-cua-khau",
                    "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
                    "Đồng Đăng - Lạng Sơn Border Gate Economic Zone Authority",
                ),
                Agency::new(
                    "ubnd-tp-lang-son",
                    "UBND thành phố Lạng Sơn",
                    "Lạng Sơn City People's Committee",
                ),
            ],
        }
    }
}

impl Config {
    /// Checks what the fields cannot check alone: every agency has an id
    /// that fits a state key, listed once, and names in both languages.
    pub fn check(&self) -> Result<(), Error> {
        Agency::check_all(&self.agencies, MAX_AGENCY_ID, "directives", "so-y-te")
    }

    /// The configured agency with id `id`.
    pub fn agency(&self, id: &str) -> Option<&Agency> {
        Agency::find(&self.agencies, id)
    }

    /// `retention` in seconds.
    pub fn retention_secs(&self) -> i64 {
        i64::try_from(self.retention.as_duration().as_secs()).unwrap_or(i64::MAX)
    }

    /// `report_period` in seconds.
    pub fn period_secs(&self) -> i64 {
        i64::try_from(self.report_period.as_duration().as_secs()).unwrap_or(i64::MAX)
    }
}
