//! [`CityConfig`]: a checked `city.toml`, with every plugin's manifest loaded.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use cityhub_manifest::{Diagnostic, Diagnostics, PluginName};
use cityhub_package::Trust;

use crate::{
    BusBackend, ClockConfig, MqttConfig, Open311Config, PluginEntry, ServerConfig,
    checker::Checker,
    plugin::PluginContext,
    raw::{RawCity, RawStore},
    route::{IngestConfig, RouteEntry},
};

/// The host's configuration.
#[derive(Debug)]
pub struct CityConfig {
    /// The file it was read from.
    pub file: PathBuf,
    /// HTTP server settings.
    pub server: ServerConfig,
    /// The store's URL: `sqlite://…` (default `sqlite://.cityhub/city.db`
    /// beside city.toml) or `postgres://…`.
    pub store_url: String,
    /// How long events are kept (`[store] retention`, e.g. `"30d"`); `None`
    /// keeps them for ever. Events a plugin has not processed yet are kept
    /// whatever their age.
    pub retention: Option<Duration>,
    /// Where compiled components are cached (default `.cityhub/cache`).
    pub cache_dir: PathBuf,
    /// Where plugins installed from a registry live (`[runtime]
    /// plugins-dir`, default `.cityhub/plugins`); see [`crate::Installed`].
    pub plugins_dir: PathBuf,
    /// The vendors whose packages this city installs (`[trust.vendors]`).
    pub trust: Trust,
    /// The most plugin instances at once (default 1,000).
    pub max_instances: u32,
    /// Ingest limits and accepted types (`[ingest]`).
    pub ingest: IngestConfig,
    /// The plugins, by name.
    pub plugins: Vec<PluginEntry>,
    /// The routes, by name.
    pub routes: Vec<RouteEntry>,
    /// The platform clock's ticks (`[clock]`).
    pub clock: ClockConfig,
    /// The Open311 GeoReport v2 endpoint (`[open311]`); `None` serves none.
    pub open311: Option<Open311Config>,
    /// Where routes read the log from (`[bus]`, default the store alone).
    pub bus: BusBackend,
    /// The MQTT broker whose topics become events (`[mqtt]`); `None` reads none.
    pub mqtt: Option<MqttConfig>,
}

impl CityConfig {
    /// The default store URL, relative to the config's folder.
    pub const DEFAULT_STORE: &'static str = "sqlite://.cityhub/city.db";

    /// Reads, parses and checks `file`, loading every plugin's manifest.
    pub fn load(file: &Path) -> Result<Self, Diagnostics> {
        Self::parse(file, &read(file)?)
    }

    /// The plugins no route delivers to: they never receive an event. The
    /// host warns about each at start-up; it is not an error.
    pub fn unrouted_plugins(&self) -> Vec<&PluginName> {
        self.plugins
            .iter()
            .filter(|p| !self.routes.iter().any(|r| r.to == p.name))
            .map(|p| &p.name)
            .collect()
    }

    /// Parses `text`; `file` names it in errors and anchors relative paths.
    pub fn parse(file: &Path, text: &str) -> Result<Self, Diagnostics> {
        let raw: RawCity = toml::from_str(text).map_err(|e| {
            // serde calls a TOML table a "map".
            let msg = e
                .message()
                .trim()
                .replace("expected a map", "expected a table");
            let msg = if msg.starts_with("unknown field") {
                format!("{msg}; check the spelling")
            } else {
                msg
            };
            Diagnostics(vec![Diagnostic::at(
                file,
                text,
                e.span().unwrap_or(0..0),
                msg,
            )])
        })?;
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut c = Checker {
            file,
            text,
            errors: Diagnostics::default(),
        };

        let server = c.server(&raw.server);
        let store_url = c.store_url(&raw.store, &base);
        let retention = match &raw.store.retention {
            None => Some(None),
            Some(v) => c.check(v, |s| parse_retention(s).map(Some)),
        };
        let cache_dir = raw.runtime.cache_dir(&base);
        let max_instances = c.max_instances(&raw.runtime);
        let plugins_dir = raw.runtime.plugins_dir(&base);
        let trust = c.trust(&raw.trust);
        let (ingest, accepts_known) = c.ingest(&raw.ingest);
        let cx = PluginContext {
            base: &base,
            plugins_dir: &plugins_dir,
            trust: &trust,
        };
        let plugins: Vec<PluginEntry> = raw
            .plugins
            .iter()
            .filter_map(|(name, p)| c.plugin(&cx, name, p))
            .collect();
        if raw.plugins.is_empty() {
            c.errors.push(Diagnostic::file(file, "no plugins configured: add a `[plugins.NAME]` table with `path = \"plugins/NAME\"` for a plugin folder, or install one from a registry with `cityhub plugin install NAME@VERSION --registry URL`"));
        }
        let routes = c.routes(&raw, &ingest, accepts_known, &plugins);
        let clock = c.clock(&raw.clock);
        let configured: Vec<&str> = raw.plugins.keys().map(|k| k.get_ref().as_str()).collect();
        let open311 = raw
            .open311
            .as_ref()
            .and_then(|o| c.open311(o, &configured, &plugins));
        let bus = c.bus(raw.bus.as_ref());
        let accepts = ingest.accepts.as_deref().filter(|_| accepts_known);
        let mqtt = raw.mqtt.as_ref().and_then(|m| c.mqtt(m, accepts));
        match (server, store_url, retention, max_instances) {
            (Some(server), Some(store_url), Some(retention), Some(max_instances))
                if c.errors.is_empty() =>
            {
                Ok(Self {
                    file: file.to_owned(),
                    server,
                    store_url,
                    retention,
                    cache_dir,
                    plugins_dir,
                    trust,
                    max_instances,
                    ingest,
                    plugins,
                    routes,
                    clock,
                    open311,
                    bus,
                    mqtt,
                })
            }
            _ => Err(c.errors),
        }
    }
}

/// city.toml's text.
impl Checker<'_> {
    /// `[store] url`, a relative SQLite path resolved against `base` (the
    /// folder of city.toml); the default is [`CityConfig::DEFAULT_STORE`].
    pub(crate) fn store_url(&mut self, raw: &RawStore, base: &Path) -> Option<String> {
        match &raw.url {
            None => Some(resolve_sqlite(base, CityConfig::DEFAULT_STORE)),
            Some(v) => self.check(v, |s| {
                if s.starts_with("sqlite:")
                    || s.starts_with("postgres://")
                    || s.starts_with("postgresql://")
                {
                    Ok(resolve_sqlite(base, s))
                } else {
                    Err(format!(
                        "`url` must start with `sqlite://` or `postgres://`: got `{s}`"
                    ))
                }
            }),
        }
    }
}

pub(crate) fn read(file: &Path) -> Result<String, Diagnostics> {
    std::fs::read_to_string(file).map_err(|e| {
        Diagnostics(vec![Diagnostic::file(
            file,
            format!("cannot read the city configuration: {e}; pass it with `--config FILE`"),
        )])
    })
}

/// Parses a retention period: a whole number and `d`, `h`, `m` or `s` (`"30d"`).
fn parse_retention(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
        format!(
            "`retention` must be a whole number above 0 and a unit, e.g. `30d` or `12h`: got `{s}`"
        )
    })?;
    let secs = match unit.trim() {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => {
            return Err(format!(
                "`retention` unit must be `d`, `h`, `m` or `s`: got `{s}`"
            ));
        }
    };
    Ok(Duration::from_secs(n.saturating_mul(secs)))
}

/// Makes a relative `sqlite://` path relative to the config's folder.
fn resolve_sqlite(base: &Path, url: &str) -> String {
    match url.strip_prefix("sqlite://") {
        Some(path) if !path.starts_with('/') => format!("sqlite://{}", base.join(path).display()),
        _ => url.to_owned(),
    }
}
