//! [`ConfigSchema`]: the JSON Schema a plugin's configuration must satisfy.

use std::fmt;

use serde_json::Value;

/// A compiled JSON Schema (draft 2020-12 unless `$schema` says otherwise).
/// The host validates a plugin's configuration with it before calling `init`.
#[derive(Clone)]
pub struct ConfigSchema {
    schema: Value,
    /// `None` for [`ConfigSchema::empty`], which needs no compiling.
    validator: Option<std::sync::Arc<jsonschema::Validator>>,
}

impl ConfigSchema {
    /// Compiles `schema`; the error says why it is not a usable schema.
    pub fn new(schema: Value) -> Result<Self, String> {
        let validator = jsonschema::validator_for(&schema)
            .map_err(|e| format!("`config-schema` is not a valid JSON Schema: {e}"))?;
        Ok(Self {
            schema,
            validator: Some(std::sync::Arc::new(validator)),
        })
    }

    /// The schema accepting only an empty object, for plugins that take no configuration.
    pub fn empty() -> Self {
        Self {
            schema: serde_json::json!({"type": "object", "additionalProperties": false}),
            validator: None,
        }
    }

    /// The schema as JSON.
    pub fn as_json(&self) -> &Value {
        &self.schema
    }

    /// Checks `config`, returning every violation.
    pub fn validate(&self, config: &Value) -> Result<(), ConfigError> {
        let problems: Vec<(String, String)> = match &self.validator {
            Some(v) => v
                .iter_errors(config)
                .map(|e| (e.instance_path().to_string(), e.to_string()))
                .collect(),
            None => match config {
                Value::Object(m) if m.is_empty() => vec![],
                Value::Null => vec![],
                _ => vec![(
                    String::new(),
                    "this plugin takes no configuration: remove it, or pass `{}`".to_owned(),
                )],
            },
        };
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { problems })
        }
    }
}

impl fmt::Debug for ConfigSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigSchema")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// A configuration that does not satisfy its plugin's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// `(JSON pointer into the configuration, what is wrong)` pairs.
    pub problems: Vec<(String, String)>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (path, msg)) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            let path = if path.is_empty() { "/" } else { path };
            write!(f, "at `{path}`: {msg}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
