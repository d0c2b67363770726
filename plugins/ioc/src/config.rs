//! The plugin's configuration: the KPI thresholds per indicator, the
//! sectors' names and agencies, and the combined border alert's conditions.
//! `plugin.toml`'s `config-schema` describes the same fields with the same
//! defaults (a test keeps them in step).
//!
//! `thresholds` and `sectors` are merged onto the defaults: an entry
//! replaces the default of the same name and leaves the others alone;
//! `thresholds = { visitors = false }` (TOML has no null) removes one.

use std::collections::BTreeMap;
use std::fmt;

use cityhub_sdk::Error;
use cityhub_sdk::city::{Span, Text};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::kpi::Standing;

/// What the operations centre watches, and when it calls for action.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The standing thresholds per indicator name (`bed-occupancy`, ...).
    pub thresholds: Thresholds,
    /// Each sector's name and the agency responsible for it.
    pub sectors: Sectors,
    /// The combined border alert needs at least this many trucks queueing.
    pub min_queue: u32,
    /// ... a queue growing by at least this many trucks per hour.
    pub min_growth_per_hour: f64,
    /// ... at least this many tonnes of perishable goods waiting at the gate.
    pub min_perishable_tonnes: f64,
    /// ... and at least this many citizens' reports naming the gate's road.
    pub min_reports: u32,
    /// Reports count when requested within this span before "now".
    pub report_window: Span,
    /// An open border alert is sent again when the queue, its growth or the
    /// perishable tonnes move by at least this share of the figure last sent
    /// (or the number of reports changes at all).
    pub material_change: f64,
    /// How long a relayed sector alert's resolution is remembered, so a
    /// late copy of the alert does not reopen it.
    pub alert_retention: Span,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            thresholds: Thresholds::default(),
            sectors: Sectors::default(),
            min_queue: 1000,
            min_growth_per_hour: 50.0,
            min_perishable_tonnes: 500.0,
            min_reports: 5,
            report_window: Span::hours(24),
            material_change: 0.1,
            alert_retention: Span::hours(7 * 24),
        }
    }
}

impl Config {
    /// Checks what serde cannot: thresholds and figures are finite and make
    /// sense, sector and indicator names fit the KPI ids.
    pub fn check(&self) -> Result<(), Error> {
        for (name, t) in &self.thresholds.0 {
            if name.is_empty() || name.contains('/') {
                return Err(Error::config(format!(
                    "`thresholds` has the indicator name `{name}`: name an indicator such as `bed-occupancy` (not empty, no `/`)"
                )));
            }
            if !(t.warning.is_finite() && t.bad.is_finite()) {
                return Err(Error::config(format!(
                    "`thresholds.{name}` must have finite `warning` and `bad`, got {} and {}",
                    t.warning, t.bad
                )));
            }
            if t.warning == t.bad {
                return Err(Error::config(format!(
                    "`thresholds.{name}` has `warning` = `bad` = {}: make `bad` above `warning` if higher is worse, below it if lower is worse",
                    t.bad
                )));
            }
        }
        for (sector, s) in &self.sectors.0 {
            if sector.is_empty() || sector.contains(['.', '/']) {
                return Err(Error::config(format!(
                    "`sectors` has the sector `{sector}`: use the middle token of its event types, such as `health` (not empty, no `.` or `/`)"
                )));
            }
            for (field, text) in [("name", &s.name), ("organization", &s.organization)] {
                if text.vi.is_empty() || text.en.is_empty() {
                    return Err(Error::config(format!(
                        "`sectors.{sector}.{field}` needs both `vi` and `en` text"
                    )));
                }
            }
        }
        if !(self.min_growth_per_hour.is_finite() && self.min_growth_per_hour > 0.0) {
            return Err(Error::config(format!(
                "`min_growth_per_hour` must be above 0 trucks per hour, got {}: a queue that does not grow is no emergency",
                self.min_growth_per_hour
            )));
        }
        if !(self.min_perishable_tonnes.is_finite() && self.min_perishable_tonnes >= 0.0) {
            return Err(Error::config(format!(
                "`min_perishable_tonnes` must be 0 tonnes or more, got {}",
                self.min_perishable_tonnes
            )));
        }
        if !(self.material_change > 0.0 && self.material_change <= 1.0) {
            return Err(Error::config(format!(
                "`material_change` must be a share in (0, 1], such as 0.1 for 10%, got {}",
                self.material_change
            )));
        }
        Ok(())
    }

    /// The standing of `value` for `indicator`, or `None` when the indicator
    /// has no thresholds.
    pub fn standing(&self, indicator: &str, value: f64) -> Option<Standing> {
        self.thresholds.0.get(indicator).map(|t| t.standing(value))
    }

    /// The sector's entry, if it is configured (or one of the defaults).
    pub fn sector(&self, sector: &str) -> Option<&Sector> {
        self.sectors.0.get(sector)
    }
}

/// When an indicator's value is a warning and when it is bad. The order of
/// the two gives the direction: `bad` above `warning` means higher is worse
/// (bed occupancy), below it means lower is worse (school attendance). A
/// value at a threshold has that threshold's standing.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// From here on the standing is `warning`.
    pub warning: f64,
    /// From here on it is `bad`.
    pub bad: f64,
}

impl Threshold {
    /// A threshold pair.
    pub const fn new(warning: f64, bad: f64) -> Self {
        Self { warning, bad }
    }

    /// The standing of `value`.
    pub fn standing(&self, value: f64) -> Standing {
        let (warning, bad) = if self.bad > self.warning {
            (value >= self.warning, value >= self.bad)
        } else {
            (value <= self.warning, value <= self.bad)
        };
        if bad {
            Standing::Bad
        } else if warning {
            Standing::Warning
        } else {
            Standing::Good
        }
    }
}

/// Thresholds by indicator name; deserialized onto [`Thresholds::default`].
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds(pub BTreeMap<String, Threshold>);

impl Default for Thresholds {
    /// The indicators of `plugins/README.md` that have a standing; the
    /// others (`visitors`, `orders-value`, `open-reports`,
    /// `processing-days`) are reported without one.
    fn default() -> Self {
        let t = |name: &str, warning, bad| (name.to_owned(), Threshold::new(warning, bad));
        Self(BTreeMap::from([
            // health: hospital beds in use; emergency calls per district per hour
            t("bed-occupancy", 0.85, 0.95),
            t("emergency-calls", 4.0, 8.0),
            // education: share of pupils present (lower is worse)
            t("attendance", 0.9, 0.8),
            // traffic: trucks queueing at a gate; active incidents on a road
            t("border-queue", 800.0, 1500.0),
            t("active-incidents", 2.0, 4.0),
            // ecommerce: perishable tonnes waiting at a gate
            t("perishable-waiting", 300.0, 1000.0),
            // field reports: requests past their SLA, per agency
            t("overdue-reports", 5.0, 15.0),
            // public administration: overdue dossiers; share done on time
            t("overdue-dossiers", 5.0, 15.0),
            t("on-time", 0.9, 0.75),
            // reporting: directives past their deadline, per agency
            t("directives-overdue", 1.0, 3.0),
            // tourism: hotel rooms occupied, per district
            t("occupancy", 0.85, 0.95),
        ]))
    }
}

impl<'de> Deserialize<'de> for Thresholds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = BTreeMap::<String, ThresholdEntry>::deserialize(d)?;
        let mut thresholds = Thresholds::default();
        for (name, entry) in entries {
            match entry.0 {
                Some(t) => thresholds.0.insert(name, t),
                None => thresholds.0.remove(&name),
            };
        }
        Ok(thresholds)
    }
}

/// One configured threshold: a `{warning, bad}` table, or `false` for none.
struct ThresholdEntry(Option<Threshold>);

impl<'de> Deserialize<'de> for ThresholdEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> Visitor<'de> for Entry {
            type Value = ThresholdEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table `{warning, bad}`, or `false` for no thresholds")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ThresholdEntry, E> {
                if v {
                    Err(E::invalid_value(de::Unexpected::Bool(true), &self))
                } else {
                    Ok(ThresholdEntry(None))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ThresholdEntry, A::Error> {
                Threshold::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| ThresholdEntry(Some(t)))
            }
        }
        d.deserialize_any(Entry)
    }
}

/// A sector as the operations centre shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    /// The sector's name (`Y tế` / `Health`).
    pub name: Text,
    /// The agency responsible, the KPIs' `organization`.
    pub organization: Text,
}

/// Sectors by the middle token of their event types; deserialized onto
/// [`Sectors::default`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sectors(pub BTreeMap<String, Sector>);

impl Default for Sectors {
    /// The demo city's sectors and their departments of Lạng Sơn province.
    fn default() -> Self {
        let s = |sector: &str, name: (&str, &str), org: (&str, &str)| {
            (
                sector.to_owned(),
                Sector {
                    name: Text::new(name.0, name.1),
                    organization: Text::new(org.0, org.1),
                },
            )
        };
        Self(BTreeMap::from([
            s(
                "traffic",
                ("Giao thông", "Traffic"),
                (
                    "Sở Giao thông Vận tải tỉnh Lạng Sơn",
                    "Lạng Sơn Department of Transport",
                ),
            ),
            s(
                "health",
                ("Y tế", "Health"),
                ("Sở Y tế tỉnh Lạng Sơn", "Lạng Sơn Department of Health"),
            ),
            s(
                "ecommerce",
                ("Thương mại điện tử", "E-commerce and border trade"),
                (
                    "Sở Công Thương tỉnh Lạng Sơn",
                    "Lạng Sơn Department of Industry and Trade",
                ),
            ),
            s(
                "tourism",
                ("Du lịch", "Tourism"),
                (
                    "Sở Văn hóa, Thể thao và Du lịch tỉnh Lạng Sơn",
                    "Lạng Sơn Department of Culture, Sports and Tourism",
                ),
            ),
            s(
                "education",
                ("Giáo dục", "Education"),
                (
                    "Sở Giáo dục và Đào tạo tỉnh Lạng Sơn",
                    "Lạng Sơn Department of Education and Training",
                ),
            ),
            s(
                "fieldreport",
                ("Phản ánh hiện trường", "Citizens' field reports"),
                (
                    "Sở Thông tin và Truyền thông tỉnh Lạng Sơn",
                    "Lạng Sơn Department of Information and Communications",
                ),
            ),
            s(
                "admin",
                ("Hành chính công", "Public administration"),
                (
                    "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn",
                    "Lạng Sơn Public Administration Service Centre",
                ),
            ),
            s(
                "reporting",
                ("Báo cáo, chỉ đạo điều hành", "Reporting and direction"),
                (
                    "Văn phòng Ủy ban nhân dân tỉnh Lạng Sơn",
                    "Office of the Lạng Sơn Provincial People's Committee",
                ),
            ),
        ]))
    }
}

impl<'de> Deserialize<'de> for Sectors {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = BTreeMap::<String, Sector>::deserialize(d)?;
        let mut sectors = Sectors::default();
        sectors.0.extend(entries);
        Ok(sectors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_of_the_thresholds_gives_the_direction() {
        let higher_worse = Threshold::new(0.85, 0.95);
        assert_eq!(higher_worse.standing(0.84), Standing::Good);
        assert_eq!(higher_worse.standing(0.85), Standing::Warning);
        assert_eq!(higher_worse.standing(0.95), Standing::Bad);
        let lower_worse = Threshold::new(0.9, 0.8);
        assert_eq!(lower_worse.standing(0.91), Standing::Good);
        assert_eq!(lower_worse.standing(0.9), Standing::Warning);
        assert_eq!(lower_worse.standing(0.8), Standing::Bad);
        assert_eq!(lower_worse.standing(0.1), Standing::Bad);
    }
}
