//! The manifest as written: every value spanned, nothing checked yet.
//!
//! Deserializing into these types catches syntax errors, unknown keys and
//! wrong value types (first one only: serde stops there); [`crate::Manifest`]
//! then checks each value and collects every error.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawManifest {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub vendor: Spanned<String>,
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    pub world: Spanned<String>,
    pub subscribes: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub publishes: Vec<Spanned<String>>,
    #[serde(default)]
    pub capabilities: Vec<Spanned<String>>,
    #[serde(default)]
    pub data_classes: Vec<Spanned<String>>,
    #[serde(default)]
    pub limits: Option<RawLimits>,
    #[serde(default)]
    pub config_schema: Option<Spanned<toml::Table>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawLimits {
    pub memory: Option<Spanned<toml::Value>>,
    pub time_per_batch: Option<Spanned<String>>,
    pub outputs_per_batch: Option<Spanned<i64>>,
    pub output_bytes: Option<Spanned<toml::Value>>,
    pub state_quota: Option<Spanned<toml::Value>>,
}
