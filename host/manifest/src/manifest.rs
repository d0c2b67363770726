//! [`Manifest`]: a checked `plugin.toml`.

use std::{ops::Range, path::Path};

use semver::Version;
use toml::Spanned;

use cityhub_cloudevents::DataClass;

use crate::{
    ByteSize, Capability, ConfigSchema, Diagnostic, Diagnostics, Limits, Millis, PluginName,
    TypePattern,
    raw::{RawLimits, RawManifest},
};

/// A plugin's manifest, checked: every field is valid by construction.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The plugin's name.
    pub name: PluginName,
    /// Its version.
    pub version: Version,
    /// Who makes it.
    pub vendor: String,
    /// One line on what it does.
    pub description: String,
    /// The version of the `cityhub:plugin` WIT package it was built for.
    pub world: Version,
    /// The event types it wants (at least one).
    pub subscribes: Vec<TypePattern>,
    /// The event types it may emit; anything else fails its batch.
    pub publishes: Vec<TypePattern>,
    /// The host interfaces it imports (sorted, each once; empty when not
    /// declared). The host refuses a component importing one not listed,
    /// and a city must grant them.
    pub capabilities: Vec<Capability>,
    /// The data classes it asks to receive (`data-classes`, sorted, each
    /// once; default none). A city approves them in `[plugins.NAME]
    /// data-classes`; events of other classes never reach it.
    pub data_classes: Vec<DataClass>,
    /// What it asks the host for.
    pub limits: Limits,
    /// The JSON Schema of its configuration.
    pub config_schema: ConfigSchema,
}

impl Manifest {
    /// Reads and parses the manifest at `path`.
    pub fn load(path: &Path) -> Result<Self, Diagnostics> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostics(vec![Diagnostic::file(
                path,
                format!("cannot read plugin manifest: {e}; check the path"),
            )])
        })?;
        Self::parse(path, &text)
    }

    /// Parses manifest text; `path` only names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Diagnostics> {
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            Diagnostics(vec![Diagnostic::at(path, text, span, toml_message(&e))])
        })?;
        let mut c = Checker {
            path,
            text,
            errors: Diagnostics::default(),
        };

        let name = c.check(&raw.name, |s| PluginName::new(s));
        let version = c.check(&raw.version, |s| {
            Version::parse(s).map_err(|e| {
                format!("`version` must be a semantic version like `1.2.0`: `{s}` is not ({e})")
            })
        });
        let vendor = c.check(&raw.vendor, |s| non_empty("vendor", s, 200));
        let description = match &raw.description {
            Some(d) => c.check(d, |s| Ok(s.trim().to_owned())),
            None => Some(String::new()),
        };
        let world = c.check(&raw.world, |s| {
            Version::parse(s).map_err(|e| {
                format!("`world` must be the WIT package version, like `0.1.0`: `{s}` is not ({e})")
            })
        });
        let subscribes = c.patterns("subscribes", raw.subscribes.get_ref());
        if raw.subscribes.get_ref().is_empty() {
            c.error(raw.subscribes.span(), "`subscribes` is empty: list at least one event type pattern, e.g. `[\"city.traffic.reading\"]`");
        }
        let publishes = c.patterns("publishes", &raw.publishes);
        let capabilities = c.capabilities(&raw.capabilities);
        let data_classes = c.data_classes(&raw.data_classes);
        let limits = c.limits(raw.limits.unwrap_or_default());
        let config_schema = match &raw.config_schema {
            None => Some(ConfigSchema::empty()),
            Some(table) => {
                let json = serde_json::to_value(table.get_ref()).map_err(|e| e.to_string());
                c.check_value(table.span(), json.and_then(ConfigSchema::new))
            }
        };

        match (
            name,
            version,
            vendor,
            description,
            world,
            limits,
            config_schema,
        ) {
            (
                Some(name),
                Some(version),
                Some(vendor),
                Some(description),
                Some(world),
                Some(limits),
                Some(config_schema),
            ) if c.errors.is_empty() => Ok(Self {
                name,
                version,
                vendor,
                description,
                world,
                subscribes,
                publishes,
                capabilities,
                data_classes,
                limits,
                config_schema,
            }),
            _ => Err(c.errors),
        }
    }

    /// Whether `ty` matches one of `publishes`.
    pub fn may_publish(&self, ty: &str) -> bool {
        self.publishes.iter().any(|p| p.matches_str(ty))
    }

    /// Whether `ty` matches one of `subscribes`.
    pub fn subscribes_to(&self, ty: &str) -> bool {
        self.subscribes.iter().any(|p| p.matches_str(ty))
    }
}

/// toml's message without its own position text (we render our own).
fn toml_message(e: &toml::de::Error) -> String {
    let msg = e.message().trim();
    // A single string where a list belongs: suggest that string in a list.
    let msg = match msg
        .strip_prefix("invalid type: string ")
        .and_then(|rest| rest.strip_suffix(", expected a sequence"))
    {
        Some(quoted) => {
            format!("invalid type: string {quoted}, expected a list such as `[{quoted}]`")
        }
        None => msg.replace(
            "expected a sequence",
            "expected a list such as `[\"a\", \"b\"]`",
        ),
    };
    if msg.starts_with("unknown field") {
        format!("{msg}; check the spelling, or see \"Writing a plugin\" in README.md")
    } else if msg.starts_with("missing field") {
        format!(
            "{msg}: every plugin.toml needs `name`, `version`, `vendor`, `world` and `subscribes`"
        )
    } else {
        msg
    }
}

fn non_empty(field: &str, s: &str, max: usize) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        Err(format!("`{field}` is empty: say who makes this plugin"))
    } else if t.chars().count() > max {
        Err(format!("`{field}` is longer than {max} characters"))
    } else {
        Ok(t.to_owned())
    }
}

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    errors: Diagnostics,
}

impl Checker<'_> {
    fn error(&mut self, span: Range<usize>, msg: impl Into<String>) {
        self.errors
            .push(Diagnostic::at(self.path, self.text, span, msg));
    }

    fn check<T, U>(
        &mut self,
        v: &Spanned<T>,
        f: impl FnOnce(&T) -> Result<U, String>,
    ) -> Option<U> {
        self.check_value(v.span(), f(v.get_ref()))
    }

    fn check_value<U>(&mut self, span: Range<usize>, r: Result<U, String>) -> Option<U> {
        r.map_err(|msg| self.error(span, msg)).ok()
    }

    fn patterns(&mut self, field: &str, list: &[Spanned<String>]) -> Vec<TypePattern> {
        list.iter()
            .filter_map(|p| {
                self.check(p, |s| {
                    TypePattern::new(s).map_err(|e| format!("in `{field}`: {e}"))
                })
            })
            .collect()
    }

    /// Each name known and listed once; sorted.
    fn capabilities(&mut self, list: &[Spanned<String>]) -> Vec<Capability> {
        let mut found: Vec<Capability> = Vec::with_capacity(list.len());
        for item in list {
            let Some(cap) = self.check(item, |s| {
                s.parse::<Capability>()
                    .map_err(|e| format!("in `capabilities`: {e}"))
            }) else {
                continue;
            };
            if found.contains(&cap) {
                self.error(
                    item.span(),
                    format!("capability `{cap}` is listed twice in `capabilities`; list each once"),
                );
            } else {
                found.push(cap);
            }
        }
        found.sort();
        found
    }

    /// Each a class name, listed once; sorted.
    fn data_classes(&mut self, list: &[Spanned<String>]) -> Vec<DataClass> {
        let mut found: Vec<DataClass> = Vec::with_capacity(list.len());
        for item in list {
            let Some(class) = self.check(item, |s| {
                DataClass::new(s).map_err(|e| format!("in `data-classes`: {e}"))
            }) else {
                continue;
            };
            if found.contains(&class) {
                self.error(
                    item.span(),
                    format!(
                        "data class `{class}` is listed twice in `data-classes`; list each once"
                    ),
                );
            } else {
                found.push(class);
            }
        }
        found.sort();
        found
    }

    fn limits(&mut self, raw: RawLimits) -> Option<Limits> {
        let mut l = Limits::default();
        let before = self.errors.0.len();
        if let Some(v) = &raw.memory {
            l.memory = self
                .size(v, "memory", Limits::MIN_MEMORY, Limits::MAX_MEMORY)
                .unwrap_or(l.memory);
        }
        if let Some(v) = &raw.time_per_batch {
            let r = Millis::parse(v.get_ref()).and_then(|m| {
                if m.as_millis() == 0 || m > Limits::MAX_TIME {
                    Err(format!(
                        "`time-per-batch` must be between 1ms and {}: got `{}`",
                        Limits::MAX_TIME,
                        v.get_ref()
                    ))
                } else {
                    Ok(m)
                }
            });
            l.time_per_batch = self.check_value(v.span(), r).unwrap_or(l.time_per_batch);
        }
        if let Some(v) = &raw.outputs_per_batch {
            let r = u32::try_from(*v.get_ref())
                .ok()
                .filter(|n| *n <= Limits::MAX_OUTPUTS)
                .ok_or_else(|| {
                    format!(
                        "`outputs-per-batch` must be between 0 and {}: got {}",
                        Limits::MAX_OUTPUTS,
                        v.get_ref()
                    )
                });
            l.outputs_per_batch = self.check_value(v.span(), r).unwrap_or(l.outputs_per_batch);
        }
        if let Some(v) = &raw.output_bytes {
            l.output_bytes = self
                .size(
                    v,
                    "output-bytes",
                    ByteSize::bytes_const(8),
                    Limits::MAX_OUTPUT_BYTES,
                )
                .unwrap_or(l.output_bytes);
        }
        if let Some(v) = &raw.state_quota {
            l.state_quota = self
                .size(
                    v,
                    "state-quota",
                    ByteSize::bytes_const(0),
                    Limits::MAX_STATE,
                )
                .unwrap_or(l.state_quota);
        }
        (self.errors.0.len() == before).then_some(l)
    }

    fn size(
        &mut self,
        v: &Spanned<toml::Value>,
        field: &str,
        min: ByteSize,
        max: ByteSize,
    ) -> Option<ByteSize> {
        let r = match v.get_ref() {
            toml::Value::String(s) => ByteSize::parse(s).map_err(|e| format!("`{field}`: {e}")),
            toml::Value::Integer(n) => u64::try_from(*n)
                .map(ByteSize::bytes_const)
                .map_err(|_| format!("`{field}` cannot be negative")),
            other => Err(format!(
                "`{field}` must be a size such as \"16 MiB\", not a {}",
                other.type_str()
            )),
        }
        .and_then(|size| {
            if size < min || size > max {
                Err(format!(
                    "`{field}` must be between {min} and {max}: got {size}"
                ))
            } else {
                Ok(size)
            }
        });
        self.check_value(v.span(), r)
    }
}
