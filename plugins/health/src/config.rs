//! The plugin's configuration: the bed-occupancy thresholds and their
//! hysteresis, the outbreak window and case thresholds, and where the
//! hospitals are. `plugin.toml`'s `config-schema` describes the same fields
//! with the same defaults (a test keeps them in step).

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use cityhub_sdk::Error;
use cityhub_sdk::city::Span;
use serde::Deserialize;

/// The longest `outbreak_window`: cases are kept in state for that long, so
/// the window bounds the state.
pub const MAX_OUTBREAK_WINDOW_DAYS: u64 = 60;

/// When the plugin alerts, and what it knows of the province's hospitals.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// A `capacity` alert opens when a hospital's bed occupancy
    /// (`bedsOccupied / bedsTotal`) reaches this ratio (severity `high`).
    pub capacity_ratio: Ratio,
    /// ... and is `critical` from this ratio on (1.0: more patients than beds).
    pub critical_ratio: Ratio,
    /// An open `capacity` alert is resolved when occupancy falls below this
    /// (hysteresis, so a ward hovering at the threshold does not flap).
    pub capacity_resolve_ratio: Ratio,
    /// Case reports of one disease in one district are counted over this
    /// sliding window of event time.
    pub outbreak_window: Span,
    /// An `outbreak` alert opens when the count reaches this many cases.
    pub outbreak_cases: NonZeroU32,
    /// Thresholds for particular diseases, by the name case reports give
    /// (byte for byte), replacing `outbreak_cases` for them.
    pub outbreak_cases_by_disease: BTreeMap<String, NonZeroU32>,
    /// Where hospitals are, by hospital id: `[longitude, latitude]` (WGS84),
    /// the `location` of their `capacity` alerts. A hospital not listed has
    /// alerts without a location.
    pub hospital_locations: BTreeMap<String, [f64; 2]>,
}

impl Default for Config {
    fn default() -> Self {
        let cases = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        let locations = [
            ("bvdk-tinh", [106.761, 21.853]),
            ("bv-yhct-tinh", [106.752, 21.847]),
            ("ttyt-cao-loc", [106.766, 21.876]),
            ("ttyt-huu-lung", [106.343, 21.502]),
            ("ttyt-trang-dinh", [106.458, 22.257]),
        ];
        Self {
            capacity_ratio: Ratio(0.9),
            critical_ratio: Ratio(1.0),
            capacity_resolve_ratio: Ratio(0.85),
            outbreak_window: Span::hours(7 * 24),
            outbreak_cases: cases(5),
            outbreak_cases_by_disease: [("Bạch hầu", cases(1)), ("Sởi", cases(2))]
                .into_iter()
                .map(|(d, n)| (d.to_owned(), n))
                .collect(),
            hospital_locations: locations
                .into_iter()
                .map(|(id, at)| (id.to_owned(), at))
                .collect(),
        }
    }
}

impl Config {
    /// Checks what the fields cannot check alone.
    pub fn check(&self) -> Result<(), Error> {
        let (open, critical, resolve) = (
            self.capacity_ratio.0,
            self.critical_ratio.0,
            self.capacity_resolve_ratio.0,
        );
        if resolve >= open {
            return Err(Error::config(format!(
                "`capacity_resolve_ratio` ({resolve}) must be below `capacity_ratio` ({open}): an alert resolves below the level that opened it"
            )));
        }
        if critical < open {
            return Err(Error::config(format!(
                "`critical_ratio` ({critical}) must not be below `capacity_ratio` ({open}): critical is the fuller kind"
            )));
        }
        let window = self.outbreak_window.as_duration().as_secs();
        if window > MAX_OUTBREAK_WINDOW_DAYS * 86_400 {
            return Err(Error::config(format!(
                "`outbreak_window` must be at most {MAX_OUTBREAK_WINDOW_DAYS}d: cases are kept in state that long"
            )));
        }
        if self.outbreak_cases_by_disease.contains_key("") {
            return Err(Error::config(
                "`outbreak_cases_by_disease` has an empty disease name: use the name case reports give, such as `Sốt xuất huyết`",
            ));
        }
        for (id, [lon, lat]) in &self.hospital_locations {
            if !(-180.0..=180.0).contains(lon) || !(-90.0..=90.0).contains(lat) {
                return Err(Error::config(format!(
                    "`hospital_locations.{id}` must be [longitude, latitude], got [{lon}, {lat}]"
                )));
            }
        }
        Ok(())
    }

    /// The number of cases that signals an outbreak of `disease`.
    pub fn outbreak_threshold(&self, disease: &str) -> u32 {
        self.outbreak_cases_by_disease
            .get(disease)
            .unwrap_or(&self.outbreak_cases)
            .get()
    }
}

/// An occupancy ratio in configuration: above 0 and at most 2.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Ratio(pub f64);

impl TryFrom<f64> for Ratio {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v > 0.0 && v <= 2.0 {
            Ok(Ratio(v))
        } else {
            Err(format!("must be a ratio in (0, 2], got {v}"))
        }
    }
}
