//! The plugin's configuration: the level that opens an alert and the road
//! segments whose alerts are urgent. `plugin.toml`'s `config-schema`
//! describes the same fields with the same defaults (a test keeps them in
//! step).

use cityhub_sdk::Error;
use serde::Deserialize;

use crate::congestion::Level;

/// When the plugin opens an alert, and with what priority.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// An alert opens when a segment's congestion reaches at least this level.
    pub min_level: MinLevel,
    /// Segments approaching the border gates (Hữu Nghị, Tân Thanh): their
    /// alerts have [`Priority::High`](crate::Priority::High).
    pub border_segments: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            min_level: MinLevel::Severe,
            border_segments: vec!["QL1A-km2".to_owned(), "QL4A-km8".to_owned()],
        }
    }
}

impl Config {
    /// Checks what the fields cannot check alone: every border segment is
    /// named, and named once.
    pub fn check(&self) -> Result<(), Error> {
        for (i, segment) in self.border_segments.iter().enumerate() {
            if segment.is_empty() {
                return Err(Error::config(format!(
                    "`border_segments[{i}]` is empty: name a road segment such as `QL1A-km2`"
                )));
            }
            if self.border_segments[..i].contains(segment) {
                return Err(Error::config(format!(
                    "`border_segments` lists `{segment}` twice: remove one"
                )));
            }
        }
        Ok(())
    }

    /// Whether a segment at `level` calls for an open alert.
    pub fn alarming(&self, level: Level) -> bool {
        level >= self.min_level.level()
    }

    /// Whether `segment` approaches a border gate.
    pub fn is_border(&self, segment: &str) -> bool {
        self.border_segments.iter().any(|s| s == segment)
    }
}

/// The congestion level that opens an alert (`cleared` never does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MinLevel {
    /// Heavy or severe congestion opens an alert.
    Heavy,
    /// Only severe congestion opens an alert.
    Severe,
}

impl MinLevel {
    /// The congestion level this stands for.
    pub fn level(self) -> Level {
        match self {
            MinLevel::Heavy => Level::Heavy,
            MinLevel::Severe => Level::Severe,
        }
    }
}
