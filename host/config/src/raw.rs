//! `city.toml` as written: spanned values, nothing checked yet.

use std::{collections::BTreeMap, fmt};

use serde::{
    Deserialize, Deserializer,
    de::{SeqAccess, Visitor},
};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawCity {
    #[serde(default)]
    pub server: RawServer,
    #[serde(default)]
    pub store: RawStore,
    #[serde(default)]
    pub runtime: RawRuntime,
    #[serde(default)]
    pub ingest: RawIngest,
    #[serde(default)]
    pub plugins: BTreeMap<Spanned<String>, RawPlugin>,
    #[serde(default)]
    pub routes: BTreeMap<Spanned<String>, RawRoute>,
    #[serde(default)]
    pub clock: RawClock,
    pub open311: Option<Spanned<RawOpen311>>,
    #[serde(default)]
    pub trust: RawTrust,
    pub bus: Option<Spanned<crate::bus::RawBus>>,
    pub mqtt: Option<Spanned<crate::mqtt::RawMqtt>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawTrust {
    #[serde(default)]
    pub vendors: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawClock {
    pub tick: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawOpen311 {
    pub plugin: Spanned<String>,
    pub jurisdiction_id: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawServer {
    pub listen: Option<Spanned<String>>,
    pub max_body: Option<Spanned<toml::Value>>,
    pub max_event: Option<Spanned<toml::Value>>,
    pub max_batch: Option<Spanned<i64>>,
    pub max_headers: Option<Spanned<i64>>,
    pub max_header_bytes: Option<Spanned<toml::Value>>,
    pub header_timeout: Option<Spanned<String>>,
    pub request_timeout: Option<Spanned<String>>,
    pub max_query_limit: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawStore {
    pub url: Option<Spanned<String>>,
    pub retention: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRuntime {
    pub cache_dir: Option<Spanned<String>>,
    pub plugins_dir: Option<Spanned<String>>,
    pub max_instances: Option<Spanned<i64>>,
}

impl RawRuntime {
    /// `cache-dir` resolved against city.toml's folder `base`.
    pub fn cache_dir(&self, base: &std::path::Path) -> std::path::PathBuf {
        self.cache_dir
            .as_ref()
            .map_or_else(|| base.join(".cityhub/cache"), |v| base.join(v.get_ref()))
    }

    /// `plugins-dir` resolved against city.toml's folder `base`.
    pub fn plugins_dir(&self, base: &std::path::Path) -> std::path::PathBuf {
        self.plugins_dir
            .as_ref()
            .map_or_else(|| base.join(".cityhub/plugins"), |v| base.join(v.get_ref()))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawIngest {
    pub accepts: Option<Spanned<Vec<Spanned<String>>>>,
    pub max_pending: Option<Spanned<i64>>,
    pub classes: Option<Spanned<BTreeMap<Spanned<String>, Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawPlugin {
    pub path: Option<Spanned<String>>,
    pub package: Option<Spanned<String>>,
    pub component: Option<Spanned<String>>,
    pub grants: Option<Spanned<Vec<Spanned<String>>>>,
    pub publishes: Option<Spanned<Vec<Spanned<String>>>>,
    pub data_classes: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub config: Option<Spanned<toml::Table>>,
    pub circuit: Option<RawCircuit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawCircuit {
    pub failures: Option<Spanned<i64>>,
    pub cool_down: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRoute {
    pub from: Spanned<RawFrom>,
    pub to: Spanned<String>,
    /// Only checked to be a table here; its conditions are read from the
    /// document's spanned tree, so each value's error points at that value.
    pub filter: Option<Spanned<toml::Table>>,
    pub batch_size: Option<Spanned<i64>>,
    pub linger: Option<Spanned<String>>,
    pub concurrency: Option<Spanned<i64>>,
    pub partition_key: Option<Spanned<String>>,
    pub retry: Option<RawRetry>,
    pub dead_letter: Option<bool>,
    pub max_lag: Option<Spanned<i64>>,
    pub lag_alert: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRetry {
    pub attempts: Option<Spanned<i64>>,
    pub backoff: Option<Spanned<String>>,
}

/// A route's `from`: one pattern, or a list of them.
#[derive(Debug)]
pub(crate) enum RawFrom {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl RawFrom {
    /// The patterns as written, each with its span (a single string has the
    /// span of the whole `from` value).
    pub fn patterns(from: &Spanned<Self>) -> Vec<Spanned<String>> {
        match from.get_ref() {
            Self::One(s) => vec![Spanned::new(from.span(), s.clone())],
            Self::Many(v) => v.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for RawFrom {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFrom;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an event type pattern such as `\"city.traffic.reading\"`, or a list of them",
                )
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawFrom, E> {
                Ok(RawFrom::One(s.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawFrom, A::Error> {
                let mut v = Vec::new();
                while let Some(p) = seq.next_element::<Spanned<String>>()? {
                    v.push(p);
                }
                Ok(RawFrom::Many(v))
            }
        }
        d.deserialize_any(V)
    }
}
