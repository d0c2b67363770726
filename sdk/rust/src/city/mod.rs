//! The shapes every city plugin shares (see `plugins/README.md`): bilingual
//! text for the operations centre, `city.<sector>.indicator` and
//! `city.<sector>.alert` data, the host's clock ticks, the event-time
//! clock plugins keep their deadlines by, configured agencies, and reading
//! JSON records from state.
//!
//! ```
//! use cityhub_sdk::city::{Indicator, Text, Unit};
//! let i = Indicator {
//!     indicator: "bed-occupancy".into(),
//!     scope: "bvdk-tinh".into(),
//!     scope_name: Some("Bệnh viện Đa khoa tỉnh Lạng Sơn".into()),
//!     name: Text::new("Tỷ lệ sử dụng giường bệnh", "Bed occupancy"),
//!     value: 0.87,
//!     unit: Unit::Ratio,
//!     observed_at: "2026-11-27T07:00:00+07:00".into(),
//! };
//! let json = serde_json::to_value(&i).unwrap();
//! assert_eq!(json["scopeName"], "Bệnh viện Đa khoa tỉnh Lạng Sơn");
//! assert_eq!(json["unit"], "ratio");
//! ```

use core::time::Duration;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::{Context, Error, Output, Timestamp};

mod input;
pub use input::{Input, tick_time};

mod deadlines;
pub use deadlines::{Deadline, DeadlineBuffer, Deadlines, Due};

mod agency;
pub use agency::Agency;

mod change;
pub use change::AlertChange;

mod record;
pub use record::{UNREADABLE, load_record};

/// The type of the host's clock ticks (`[clock] tick` in city.toml).
pub const TICK: &str = "cityhub.clock.tick";

/// The province's offset from UTC, in minutes (Asia/Ho_Chi_Minh, UTC+7).
pub const PROVINCE_OFFSET_MINUTES: i32 = 7 * 60;

/// Text for the operations centre's screens: Vietnamese first (full
/// diacritics), English too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Text from its two languages.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }
}

/// The unit of an [`Indicator`]'s value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// A share, 0 to 1.
    Ratio,
    /// A number of things.
    Count,
    /// Things per hour.
    PerHour,
    /// Metric tonnes.
    Tonnes,
    /// Days.
    Days,
    /// Vietnamese đồng.
    Vnd,
}

/// The data of a `city.<sector>.indicator` event: one measured figure, the
/// input of the operations centre's KPIs. Emit it when the value changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Indicator {
    /// What is measured, kebab-case (`bed-occupancy`).
    pub indicator: String,
    /// What it is measured for: a hospital, gate, district, agency id.
    pub scope: String,
    /// The scope's human name, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_name: Option<String>,
    /// The indicator's name on screen.
    pub name: Text,
    /// The figure.
    pub value: f64,
    /// Its unit.
    pub unit: Unit,
    /// When it was observed (RFC 3339 with offset).
    pub observed_at: String,
}

impl Indicator {
    /// The `city.<sector>.indicator` output `ty` carrying it, as the
    /// plugins' contract has it: subject = its `scope`, time = its
    /// `observedAt`.
    ///
    /// ```
    /// use cityhub_sdk::city::{Indicator, Text, Unit};
    /// let i = Indicator {
    ///     indicator: "attendance".into(),
    ///     scope: "th-dong-dang".into(),
    ///     scope_name: None,
    ///     name: Text::new("Tỷ lệ học sinh đi học", "Attendance"),
    ///     value: 0.93,
    ///     unit: Unit::Ratio,
    ///     observed_at: "2026-11-27T07:30:00+07:00".into(),
    /// };
    /// let out = i.output("city.education.indicator"); // then `ctx.emit(out)?`
    /// assert_eq!(out.ty(), "city.education.indicator");
    /// ```
    pub fn output<'a>(&'a self, ty: &'a str) -> Output<'a> {
        Output::new(ty)
            .subject(&self.scope)
            .time(&self.observed_at)
            .json(self)
    }
}

/// An [`Alert`]'s state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertStatus {
    /// The condition holds.
    Open,
    /// It no longer does.
    Resolved,
}

/// How serious an [`Alert`] is, after FIWARE Alert's `severity`; orders
/// from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information only.
    Informational,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical: act now.
    Critical,
}

/// The data of a `city.<sector>.alert` event, after FIWARE's `Alert`.
/// `alert_id` is stable, so an alert's `open` and `resolved` events share
/// it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// Stable id, e.g. `health/capacity/bvdk-tinh`.
    pub alert_id: String,
    /// Open or resolved.
    pub status: AlertStatus,
    /// The sector (`traffic`, `health`, …).
    pub category: String,
    /// The kind of alert within the sector (`capacity`, `outbreak`, …).
    pub sub_category: String,
    /// How serious.
    pub severity: Severity,
    /// One line for the screen.
    pub title: Text,
    /// More detail, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Where, if it has a place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The figures behind it, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub figures: BTreeMap<String, serde_json::Value>,
    /// When the condition was observed (RFC 3339 with offset).
    pub observed_at: String,
}

impl Alert {
    /// The `city.<sector>.alert` output `ty` carrying it, as the plugins'
    /// contract has it: subject = its `alertId`, time = its `observedAt`.
    /// See [`Indicator::output`].
    pub fn output<'a>(&'a self, ty: &'a str) -> Output<'a> {
        Output::new(ty)
            .subject(&self.alert_id)
            .time(&self.observed_at)
            .json(self)
    }
}

/// An owned GeoJSON point, for data a plugin keeps or builds (see
/// [`geo::Point`](crate::geo::Point) to read one in place).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Always `Point`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `[longitude, latitude]`, WGS84.
    pub coordinates: [f64; 2],
}

impl Location {
    /// The point at `lon`, `lat`.
    pub fn point(lon: f64, lat: f64) -> Self {
        Self {
            kind: "Point".to_owned(),
            coordinates: [lon, lat],
        }
    }
}

impl From<&crate::geo::Point<'_>> for Location {
    fn from(p: &crate::geo::Point<'_>) -> Self {
        Self {
            kind: p.kind.to_string(),
            coordinates: p.coordinates,
        }
    }
}

/// The data of a [`TICK`] event.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Tick {
    /// The host's time when it emitted the tick.
    pub now: String,
}

/// Formats `t` as RFC 3339 at the province's offset (`+07:00`), whole
/// seconds.
///
/// ```
/// use cityhub_sdk::{Timestamp, city::local_rfc3339};
/// let t = Timestamp::parse_rfc3339("2026-11-27T01:00:00.5Z").unwrap();
/// assert_eq!(local_rfc3339(t), "2026-11-27T08:00:00+07:00");
/// ```
pub fn local_rfc3339(t: Timestamp) -> String {
    let shifted = Timestamp::new(t.seconds() + i64::from(PROVINCE_OFFSET_MINUTES) * 60, 0);
    let utc = shifted.to_string();
    // `YYYY-MM-DDTHH:MM:SSZ`, whole seconds.
    format!("{}+07:00", utc.trim_end_matches('Z'))
}

/// `t` plus `d`, saturating.
///
/// ```
/// use cityhub_sdk::{Timestamp, city::after};
/// let t = Timestamp::new(100, 0);
/// assert_eq!(after(t, std::time::Duration::from_secs(3600)), Timestamp::new(3700, 0));
/// ```
pub fn after(t: Timestamp, d: Duration) -> Timestamp {
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    let nanos = t.nanoseconds() + d.subsec_nanos();
    Timestamp::new(t.seconds().saturating_add(secs), nanos)
}

/// The civil day (`YYYY-MM-DD`) of `t` in the province.
///
/// ```
/// use cityhub_sdk::{Timestamp, city::local_day};
/// let t = Timestamp::parse_rfc3339("2026-11-27T18:30:00Z").unwrap();
/// assert_eq!(local_day(t), "2026-11-28");
/// ```
pub fn local_day(t: Timestamp) -> String {
    local_rfc3339(t)[..10].to_owned()
}

/// The event-time clock: the newest time a plugin has seen (an input's
/// time or a [`TICK`]), kept in state under [`Clock::KEY`]. It never moves
/// back, so redelivered or late events cannot rewind deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock;

impl Clock {
    /// The state key holding the clock.
    pub const KEY: &'static str = "clock/now";

    /// The plugin's "now", or `None` before its first event.
    pub fn now(ctx: &mut Context<'_>) -> Option<Timestamp> {
        let mut state = ctx.state();
        let bytes = state.get(Self::KEY)?;
        let text = core::str::from_utf8(bytes).ok()?;
        Timestamp::parse_rfc3339(text)
    }

    /// Moves "now" to `t` if `t` is newer, and returns the (possibly
    /// unchanged) "now". Called for every event a plugin handles.
    pub fn advance(ctx: &mut Context<'_>, t: Timestamp) -> Result<Timestamp, Error> {
        match Self::now(ctx) {
            Some(now) if now >= t => Ok(now),
            _ => {
                ctx.state().set(Self::KEY, t.to_string().into_bytes())?;
                Ok(t)
            }
        }
    }
}

/// A duration in configuration: `"90s"`, `"30m"`, `"48h"`, `"7d"` (one
/// number and one unit). Deserializes from such a string.
///
/// ```
/// use cityhub_sdk::city::Span;
/// let s: Span = serde_json::from_str("\"48h\"").unwrap();
/// assert_eq!(s.as_duration().as_secs(), 48 * 3600);
/// assert!(serde_json::from_str::<Span>("\"2 days\"").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span(Duration);

impl Span {
    /// A span of `d`.
    pub const fn new(d: Duration) -> Self {
        Self(d)
    }

    /// So many hours.
    pub const fn hours(h: u64) -> Self {
        Self(Duration::from_secs(h * 3600))
    }

    /// The duration.
    pub const fn as_duration(&self) -> Duration {
        self.0
    }

    /// Parses `90s`, `30m`, `48h`, `7d`; says why not otherwise.
    pub fn parse(text: &str) -> Result<Self, String> {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let (number, unit) = text.split_at(digits);
        let n: u64 = number.parse().map_err(|_| {
            format!("`{text}` is not a duration: write a number and a unit, such as `48h`")
        })?;
        let secs = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => {
                return Err(format!(
                    "`{text}` has no known unit: use s, m, h or d, such as `48h`"
                ));
            }
        };
        if n == 0 {
            return Err(format!("`{text}` is zero: give a positive duration"));
        }
        n.checked_mul(secs)
            .map(|s| Self(Duration::from_secs(s)))
            .ok_or_else(|| format!("`{text}` is too long"))
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Span::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let secs = self.0.as_secs();
        let text = match secs {
            s if s % 86_400 == 0 => format!("{}d", s / 86_400),
            s if s % 3600 == 0 => format!("{}h", s / 3600),
            s if s % 60 == 0 => format!("{}m", s / 60),
            s => format!("{s}s"),
        };
        s.serialize_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse_and_print_back() {
        for text in ["90s", "30m", "36h", "7d"] {
            let span = Span::parse(text).unwrap();
            assert_eq!(serde_json::to_value(span).unwrap(), text);
        }
        assert_eq!(Span::parse("120m").unwrap(), Span::hours(2));
        assert!(Span::parse("").unwrap_err().contains("not a duration"));
        assert!(Span::parse("5w").unwrap_err().contains("no known unit"));
        assert!(Span::parse("0h").unwrap_err().contains("zero"));
    }

    #[test]
    fn severities_order_by_seriousness() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Informational < Severity::Low);
        let s: Severity = serde_json::from_str("\"critical\"").unwrap();
        assert_eq!(s, Severity::Critical);
    }

    #[test]
    fn local_times_are_at_plus_seven() {
        let t = Timestamp::parse_rfc3339("2026-12-31T17:00:00Z").unwrap();
        assert_eq!(local_rfc3339(t), "2027-01-01T00:00:00+07:00");
        assert_eq!(local_day(t), "2027-01-01");
    }
}
