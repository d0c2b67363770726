//! The plugin's configuration: when an agency's overdue dossiers raise an
//! alert, how long closed dossiers are remembered, and the agencies' names.
//! `plugin.toml`'s `config-schema` describes the same fields with the same
//! defaults (a test keeps them in step).

use std::num::NonZeroU32;

use cityhub_sdk::Error;
pub use cityhub_sdk::city::Agency;
use cityhub_sdk::city::Span;
use serde::Deserialize;

/// The longest agency id: `agency/<id>` must fit a 256-byte state key.
pub const MAX_AGENCY_ID: usize = 256 - crate::agency::KEY_PREFIX.len();

/// How the plugin watches the one-stop shops.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// An agency's `overdue` alert opens when this many of its dossiers are
    /// overdue at once, and resolves below it.
    pub overdue_alert_count: NonZeroU32,
    /// How long a completed or returned dossier is remembered (so that a
    /// redelivered event about it is recognised), in event time.
    pub retention: Span,
    /// The agencies' names, for indicators' `scopeName` and alert titles.
    /// Dossiers of agencies not listed are handled all the same, named by
    /// their id.
    pub agencies: Vec<Agency>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            overdue_alert_count: NonZeroU32::MIN.saturating_add(4),
            retention: Span::hours(7 * 24),
            agencies: vec![
                Agency::new("so-tu-phap", "Sở Tư pháp", "Department of Justice"),
                Agency::new("so-tai-chinh", "Sở Tài chính", "Department of Finance"),
                Agency::new("so-xay-dung", "Sở Xây dựng", "Department of Construction"),
                Agency::new(
                    "so-tai-nguyen-moi-truong",
                    "Sở Tài nguyên và Môi trường",
                    "Department of Natural Resources and Environment",
                ),
                Agency::new(
                    "so-cong-thuong",
                    "Sở Công Thương",
                    "Department of Industry and Trade",
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
        Agency::check_all(&self.agencies, MAX_AGENCY_ID, "dossiers", "so-tu-phap")
    }

    /// The configured agency with id `id`.
    pub fn agency(&self, id: &str) -> Option<&Agency> {
        Agency::find(&self.agencies, id)
    }
}
