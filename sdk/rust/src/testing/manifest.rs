//! A plugin's `plugin.toml`, read for its tests: what it declares (name,
//! version, vendor, the event types it subscribes to and publishes) and
//! whether the defaults its JSON-Schema `config-schema` advertises are the
//! plugin's own. Native only: the wasm build compiles no TOML parser.
//!
//! These are assertions for tests, so they panic, with a message naming
//! the manifest and the key at fault, instead of returning errors.

#![allow(
    clippy::panic,
    reason = "test assertions: a panic is how a test reports a failure"
)]

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A plugin's manifest, loaded from `<dir>/plugin.toml`.
///
/// ```
/// use cityhub_sdk::testing::Manifest;
/// # let dir = std::env::temp_dir().join(format!("cityhub-manifest-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # std::fs::write(dir.join("plugin.toml"), r#"
/// # name = "alerts"
/// # version = "0.1.0"
/// # subscribes = ["city.traffic.congestion"]
/// # publishes = ["city.traffic.alert"]
/// # [config-schema]
/// # type = "object"
/// # additionalProperties = false
/// # [config-schema.properties.min_level]
/// # enum = ["heavy", "severe"]
/// # default = "heavy"
/// # "#).unwrap();
/// #[derive(Debug, Default, PartialEq, serde::Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct Config { min_level: Level }
/// #[derive(Debug, Default, PartialEq, serde::Deserialize)]
/// #[serde(rename_all = "lowercase")]
/// enum Level { #[default] Heavy, Severe }
///
/// // In a plugin's tests, `dir` is `env!("CARGO_MANIFEST_DIR")`.
/// let manifest = Manifest::load(&dir);
/// assert_eq!(manifest.str("name"), "alerts");
/// assert_eq!(manifest.types("subscribes"), ["city.traffic.congestion"]);
/// let defaults = manifest.assert_defaults::<Config>();
/// assert_eq!(defaults.len(), 1, "the schema names every field");
/// assert_eq!(manifest.property("min_level")["enum"][1], "severe");
/// ```
#[derive(Debug, Clone)]
pub struct Manifest {
    path: PathBuf,
    table: toml::Table,
    /// `table` as JSON, which the configuration schema is.
    json: Value,
}

impl Manifest {
    /// Reads and parses `<dir>/plugin.toml`.
    ///
    /// # Panics
    /// If the file cannot be read or is not TOML.
    pub fn load(dir: impl AsRef<Path>) -> Self {
        let path = dir.as_ref().join("plugin.toml");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read `{}`: {err}", path.display()));
        let table = text
            .parse()
            .unwrap_or_else(|err| panic!("`{}` is not TOML: {err}", path.display()));
        Self::new(path, table)
    }

    fn new(path: PathBuf, table: toml::Table) -> Self {
        let json = serde_json::to_value(&table)
            .unwrap_or_else(|err| panic!("`{}` does not convert to JSON: {err}", path.display()));
        Self { path, table, json }
    }

    /// The manifest as TOML, for checks the other methods do not cover.
    pub fn table(&self) -> &toml::Table {
        &self.table
    }

    /// The string at top-level `key`, such as `name`, `version` or `vendor`.
    ///
    /// # Panics
    /// If `key` is missing or not a string.
    pub fn str(&self, key: &str) -> &str {
        self.table
            .get(key)
            .and_then(toml::Value::as_str)
            .unwrap_or_else(|| self.fail(&format!("`{key}` is missing or not a string")))
    }

    /// The event types listed under `key`: `subscribes` or `publishes`.
    ///
    /// # Panics
    /// If `key` is missing or not an array of strings.
    pub fn types(&self, key: &str) -> Vec<String> {
        let list = self.table.get(key).and_then(toml::Value::as_array);
        let strings: Option<Vec<String>> =
            list.and_then(|l| l.iter().map(|t| t.as_str().map(str::to_owned)).collect());
        strings
            .unwrap_or_else(|| self.fail(&format!("`{key}` is missing or not an array of strings")))
    }

    /// The `config-schema` table, as JSON.
    ///
    /// # Panics
    /// If the manifest has no `config-schema` table.
    pub fn schema(&self) -> &Value {
        self.json
            .get("config-schema")
            .filter(|s| s.is_object())
            .unwrap_or_else(|| self.fail("has no `[config-schema]` table"))
    }

    /// The schema of configuration field `name`
    /// (`config-schema.properties.<name>`), as JSON: to check its `enum`,
    /// `items` and so on against what the plugin accepts.
    ///
    /// # Panics
    /// If the schema does not name `name`.
    pub fn property(&self, name: &str) -> &Value {
        self.properties()
            .get(name)
            .unwrap_or_else(|| self.fail(&format!("`config-schema` has no property `{name}`")))
    }

    /// The `default` of every property of the schema, by name: the
    /// configuration the schema advertises.
    ///
    /// # Panics
    /// If a property has no `default`.
    pub fn defaults(&self) -> Map<String, Value> {
        self.properties()
            .iter()
            .map(|(name, p)| {
                let default = p.get("default").cloned().unwrap_or_else(|| {
                    self.fail(&format!(
                        "`config-schema` property `{name}` has no `default`"
                    ))
                });
                (name.clone(), default)
            })
            .collect()
    }

    /// Asserts that the schema refuses unknown fields
    /// (`additionalProperties = false`, as the plugin's `Config` has
    /// `deny_unknown_fields`) and that its [`defaults`](Self::defaults),
    /// read as a `C`, are `C::default()`. Returns the defaults, for the
    /// caller to check their number (the schema names every field) and
    /// any maps among them.
    ///
    /// # Panics
    /// If either does not hold, or the defaults are not a valid `C`.
    pub fn assert_defaults<C>(&self) -> Map<String, Value>
    where
        C: DeserializeOwned + Default + PartialEq + std::fmt::Debug,
    {
        let schema = self.schema();
        assert_eq!(
            schema.get("additionalProperties"),
            Some(&Value::Bool(false)),
            "{}: `config-schema` must set `additionalProperties = false`",
            self.path.display()
        );
        let defaults = self.defaults();
        let config: C =
            serde_json::from_value(Value::Object(defaults.clone())).unwrap_or_else(|err| {
                self.fail(&format!(
                    "the `config-schema` defaults are not a valid configuration: {err}"
                ))
            });
        assert_eq!(
            config,
            C::default(),
            "{}: the `config-schema` defaults (left) differ from the plugin's (right)",
            self.path.display()
        );
        defaults
    }

    fn properties(&self) -> &Map<String, Value> {
        self.schema()
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or_else(|| self.fail("`config-schema` has no `properties` table"))
    }

    fn fail(&self, why: &str) -> ! {
        panic!("{}: {why}", self.path.display())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> Manifest {
        Manifest::new(
            PathBuf::from("plugins/test/plugin.toml"),
            text.parse().unwrap(),
        )
    }

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Config {
        #[serde(default)]
        threshold: u32,
    }

    #[test]
    fn defaults_that_differ_from_the_plugins_fail_naming_the_manifest() {
        let m = manifest(
            "[config-schema]\nadditionalProperties = false\n\
             [config-schema.properties.threshold]\ndefault = 5\n",
        );
        let err = std::panic::catch_unwind(|| m.assert_defaults::<Config>()).unwrap_err();
        let msg = err.downcast_ref::<String>().unwrap();
        assert!(
            msg.starts_with("assertion `left == right` failed: plugins/test/plugin.toml: the `config-schema` defaults"),
            "{msg}"
        );
    }

    #[test]
    fn a_property_without_a_default_is_named() {
        let m = manifest("[config-schema.properties.threshold]\ntype = \"integer\"\n");
        let err = std::panic::catch_unwind(|| m.defaults()).unwrap_err();
        assert_eq!(
            err.downcast_ref::<String>().unwrap(),
            "plugins/test/plugin.toml: `config-schema` property `threshold` has no `default`"
        );
    }

    #[test]
    fn types_are_listed_in_order() {
        let m = manifest("subscribes = [\"a.b\", \"cityhub.clock.tick\"]\nname = \"x\"\n");
        assert_eq!(m.types("subscribes"), ["a.b", "cityhub.clock.tick"]);
        assert_eq!(m.str("name"), "x");
    }
}
