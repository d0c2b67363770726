//! The plugin's configuration: the thresholds of the cargo-at-risk alert,
//! the border gates' names, how long declarations and orders are remembered
//! and how often the orders indicator is reported. `plugin.toml`'s
//! `config-schema` describes the same fields with the same defaults (a test
//! keeps them in step).

use std::collections::BTreeMap;

use cityhub_sdk::Error;
use cityhub_sdk::city::{Span, Text};
use serde::Deserialize;

/// The longest gate id: `queue/<gate>`, `gate/<gate>` and `risk/<gate>`
/// keys stay short.
pub const MAX_GATE_ID: usize = 64;

/// How the plugin judges border trade and reports orders.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// A `cargo-at-risk` alert opens when at least this many tonnes of
    /// perishable goods wait at a gate whose queue is growing.
    pub perishable_alert_tonnes: Tonnes,
    /// ... and its severity is `critical` (rather than `high`) from this
    /// many tonnes; at least `perishable_alert_tonnes`.
    pub critical_perishable_tonnes: Tonnes,
    /// Display names of the border gates by id. Declarations may name other
    /// gates; those are shown by their id.
    pub gates: BTreeMap<String, Text>,
    /// How long a cleared declaration is remembered after its last update
    /// (so a redelivery changes nothing), in event time. Declaration events
    /// observed longer ago than this are skipped as too old.
    pub declaration_retention: Span,
    /// A declaration still waiting this long after its last update is
    /// dropped from the gate's figures as stale (its clearance was never
    /// reported); at least `declaration_retention`.
    pub stale_waiting_after: Span,
    /// A district's `orders-value` indicator is emitted at most once per
    /// this span of event time; changes in between are reported when it has
    /// passed.
    pub orders_report_every: Span,
}

impl Default for Config {
    fn default() -> Self {
        let gate = |id: &str, vi: &str, en: &str| (id.to_owned(), Text::new(vi, en));
        Self {
            perishable_alert_tonnes: Tonnes(500.0),
            critical_perishable_tonnes: Tonnes(2000.0),
            gates: BTreeMap::from([
                gate(
                    "huu-nghi",
                    "Cửa khẩu Quốc tế Hữu Nghị",
                    "Hữu Nghị International Border Gate",
                ),
                gate("tan-thanh", "Cửa khẩu Tân Thanh", "Tân Thanh Border Gate"),
                gate("coc-nam", "Cửa khẩu Cốc Nam", "Cốc Nam Border Gate"),
                gate("chi-ma", "Cửa khẩu Chi Ma", "Chi Ma Border Gate"),
                gate("dong-dang", "Ga Đồng Đăng", "Đồng Đăng Railway Station"),
            ]),
            declaration_retention: Span::hours(48),
            stale_waiting_after: Span::hours(14 * 24),
            orders_report_every: Span::new(std::time::Duration::from_secs(15 * 60)),
        }
    }
}

impl Config {
    /// Checks what the fields cannot check alone.
    pub fn check(&self) -> Result<(), Error> {
        if self.critical_perishable_tonnes.0 < self.perishable_alert_tonnes.0 {
            return Err(Error::config(format!(
                "`critical_perishable_tonnes` ({}) must be at least `perishable_alert_tonnes` ({}): critical is the graver kind",
                self.critical_perishable_tonnes.0, self.perishable_alert_tonnes.0
            )));
        }
        if self.stale_waiting_after < self.declaration_retention {
            return Err(Error::config(format!(
                "`stale_waiting_after` ({}) must be at least `declaration_retention` ({}): raise it or shorten the retention",
                span(self.stale_waiting_after),
                span(self.declaration_retention)
            )));
        }
        for (id, name) in &self.gates {
            if id.is_empty() || id.len() > MAX_GATE_ID {
                return Err(Error::config(format!(
                    "`gates` has an id of {} bytes (`{id}`): ids are 1 to {MAX_GATE_ID} bytes, such as `huu-nghi`",
                    id.len()
                )));
            }
            if name.vi.trim().is_empty() || name.en.trim().is_empty() {
                return Err(Error::config(format!(
                    "`gates.{id}` needs both names: `vi` and `en` must not be empty"
                )));
            }
        }
        Ok(())
    }

    /// The display name of gate `id`: configured, else `fallback` (the
    /// traffic plugin's name for it), else the id in both languages.
    pub fn gate_name(&self, id: &str, fallback: Option<&Text>) -> Text {
        self.gates
            .get(id)
            .or(fallback)
            .cloned()
            .unwrap_or_else(|| Text::new(id, id))
    }
}

fn span(s: Span) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A mass in tonnes: finite and above zero.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Tonnes(pub f64);

impl TryFrom<f64> for Tonnes {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v.is_finite() && v > 0.0 {
            Ok(Tonnes(v))
        } else {
            Err(format!("must be a mass above 0 tonnes, got {v}"))
        }
    }
}

impl Tonnes {
    /// In whole kilograms, the unit the plugin sums in.
    pub fn kg(self) -> u64 {
        kg(self.0)
    }
}

/// `tonnes` in whole kilograms (rounded; the sums stay exact).
pub fn kg(tonnes: f64) -> u64 {
    // Checked finite and positive before; `as` saturates at the bounds.
    (tonnes * 1000.0).round() as u64
}
