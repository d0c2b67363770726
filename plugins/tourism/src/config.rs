//! The plugin's configuration: the tourist sites (names, capacity,
//! location), the crowding thresholds and how far ahead events are named.
//! `plugin.toml`'s `config-schema` describes the same fields with the same
//! defaults (a test keeps them in step).

use std::collections::BTreeMap;

use cityhub_sdk::Error;
use cityhub_sdk::city::Span;
use serde::Deserialize;

/// The longest site id: state keys stay short.
pub const MAX_SITE_ID: usize = 64;

/// How the plugin judges crowding.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The tourist sites by id. Visitors at other sites are counted (the
    /// `visitors` indicator) but never alerted: their capacity is unknown.
    pub sites: BTreeMap<String, Site>,
    /// A crowding alert opens when a site's visitors reach this share of its
    /// capacity.
    pub crowding_ratio: f64,
    /// ... and is resolved when they fall below this share; below
    /// `crowding_ratio`, so an alert does not flap.
    pub resolve_ratio: f64,
    /// A crowding alert names the site's events under way or starting
    /// within this span.
    pub event_horizon: Span,
}

/// A tourist site.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Its name in Vietnamese, with full diacritics.
    pub vi: String,
    /// Its name in English.
    pub en: String,
    /// How many visitors it holds at once, safely.
    pub capacity: u32,
    /// Where it is: `[longitude, latitude]`, WGS84.
    pub location: [f64; 2],
}

impl Default for Config {
    fn default() -> Self {
        let site = |id: &str, vi: &str, en: &str, capacity: u32, lon: f64, lat: f64| {
            (
                id.to_owned(),
                Site {
                    vi: vi.to_owned(),
                    en: en.to_owned(),
                    capacity,
                    location: [lon, lat],
                },
            )
        };
        Self {
            sites: BTreeMap::from([
                site(
                    "mau-son",
                    "Khu du lịch Mẫu Sơn",
                    "Mẫu Sơn tourist area",
                    5000,
                    106.96,
                    21.86,
                ),
                site(
                    "tam-thanh",
                    "Động Tam Thanh",
                    "Tam Thanh Cave",
                    1500,
                    106.745,
                    21.857,
                ),
                site(
                    "nhi-thanh",
                    "Động Nhị Thanh",
                    "Nhị Thanh Cave",
                    1200,
                    106.741,
                    21.862,
                ),
                site(
                    "ky-lua",
                    "Chợ Kỳ Lừa",
                    "Kỳ Lừa Market",
                    3000,
                    106.763,
                    21.858,
                ),
                site(
                    "bac-son",
                    "Thung lũng Bắc Sơn",
                    "Bắc Sơn Valley",
                    4000,
                    106.32,
                    21.90,
                ),
                site(
                    "chi-lang",
                    "Khu di tích Ải Chi Lăng",
                    "Chi Lăng Pass historic site",
                    2000,
                    106.58,
                    21.66,
                ),
            ]),
            crowding_ratio: 0.9,
            resolve_ratio: 0.8,
            event_horizon: Span::hours(24),
        }
    }
}

impl Config {
    /// Checks what serde cannot.
    pub fn check(&self) -> Result<(), Error> {
        if !(self.crowding_ratio > 0.0 && self.crowding_ratio <= 2.0) {
            return Err(Error::config(format!(
                "`crowding_ratio` must be above 0 and at most 2 (a share of capacity), got {}",
                self.crowding_ratio
            )));
        }
        if !(self.resolve_ratio > 0.0 && self.resolve_ratio < self.crowding_ratio) {
            return Err(Error::config(format!(
                "`resolve_ratio` ({}) must be above 0 and below `crowding_ratio` ({}), so an alert does not flap",
                self.resolve_ratio, self.crowding_ratio
            )));
        }
        for (id, site) in &self.sites {
            if id.is_empty() || id.len() > MAX_SITE_ID {
                return Err(Error::config(format!(
                    "`sites` has an id of {} bytes (`{id}`): ids are 1 to {MAX_SITE_ID} bytes, such as `mau-son`",
                    id.len()
                )));
            }
            if site.vi.trim().is_empty() || site.en.trim().is_empty() {
                return Err(Error::config(format!(
                    "`sites.{id}` needs both names: `vi` and `en` must not be empty"
                )));
            }
            if site.capacity == 0 {
                return Err(Error::config(format!(
                    "`sites.{id}.capacity` must be at least 1 visitor"
                )));
            }
            let [lon, lat] = site.location;
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return Err(Error::config(format!(
                    "`sites.{id}.location` must be [longitude, latitude], got [{lon}, {lat}]"
                )));
            }
        }
        Ok(())
    }
}
