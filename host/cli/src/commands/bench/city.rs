//! The city.toml of each run: one store, the plugins of its [`Topology`] and
//! their routes, with the [`RouteSettings`] under test.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context, bail};

/// What a run's host has behind `POST /v1/events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    /// No routes: ingest only (the baseline). The traffic plugin is loaded,
    /// as the host refuses a city without plugins, but nothing reaches it.
    Baseline,
    /// Route `readings`: `city.traffic.reading` → traffic.
    Traffic,
    /// `readings` → traffic; its `city.traffic.congestion` fans out to route
    /// `alerts` (→ alerts, `city.traffic.alert`) and route `tap` (→ hostile,
    /// which echoes each as `test.hostile.ok`).
    Chain,
}

impl Topology {
    /// A short name, for progress and the report.
    pub fn label(self) -> &'static str {
        match self {
            Self::Baseline => "baseline (no routes)",
            Self::Traffic => "traffic",
            Self::Chain => "chain",
        }
    }

    /// Its routes, the readings route first.
    pub fn routes(self) -> &'static [&'static str] {
        match self {
            Self::Baseline => &[],
            Self::Traffic => &["readings"],
            Self::Chain => &["readings", "alerts", "tap"],
        }
    }
}

/// The options of the readings route (and of the chain's other routes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSettings {
    /// `batch-size`.
    pub batch_size: u32,
    /// `concurrency`: lanes by `data.refRoadSegment` (by `subject` on the
    /// chain's congestion routes).
    pub concurrency: u32,
    /// `linger`.
    pub linger: Duration,
}

impl Default for RouteSettings {
    /// What measured fastest on a 2-core machine (see README's Benchmarks).
    fn default() -> Self {
        Self {
            batch_size: 1000,
            concurrency: 1,
            linger: Duration::ZERO,
        }
    }
}

/// `max-lag` of every route: high enough that ingest is never refused for
/// a route's backlog, so the runs measure the pipeline, not the backoff.
pub const MAX_LAG: u64 = 1_000_000_000;

/// `[ingest] max-pending`: no request is refused for the ingest queue.
pub const MAX_PENDING: u32 = 10_000_000;

/// The most events per call the hostile plugin may answer (its manifest's
/// `outputs-per-batch`; it echoes each congestion event).
const TAP_BATCH: u32 = 100;

impl RouteSettings {
    /// The `[routes.NAME]` tables of `topology`, as TOML.
    pub fn routes_toml(&self, topology: Topology) -> String {
        let mut out = String::new();
        let linger = humantime::format_duration(self.linger);
        let mut route = |name: &str, from: &str, to: &str, batch: u32, key: &str| {
            let _ = write!(
                out,
                "\n[routes.{name}]\nfrom = \"{from}\"\nto = \"{to}\"\nbatch-size = {batch}\n\
                 linger = \"{linger}\"\nconcurrency = {}\npartition-key = \"{key}\"\nmax-lag = {MAX_LAG}\n",
                self.concurrency
            );
        };
        if topology != Topology::Baseline {
            route(
                "readings",
                "city.traffic.reading",
                "traffic",
                self.batch_size,
                "data.refRoadSegment",
            );
        }
        if topology == Topology::Chain {
            route(
                "alerts",
                "city.traffic.congestion",
                "alerts",
                self.batch_size,
                "subject",
            );
            route(
                "tap",
                "city.traffic.congestion",
                "hostile",
                self.batch_size.min(TAP_BATCH),
                "subject",
            );
        }
        out
    }
}

/// Where each plugin's folder (with `plugin.toml`) and component are.
#[derive(Debug, Clone)]
pub struct Components {
    plugins: Vec<(&'static str, PathBuf, PathBuf)>,
}

impl Components {
    /// The folder of plugin `name` in the checkout at `root`.
    pub fn dir(root: &Path, name: &str) -> PathBuf {
        match name {
            "hostile" => root.join("tests/plugins/hostile"),
            other => root.join("plugins").join(other),
        }
    }

    /// Finds the three plugins under `root`, each component at its folder's
    /// `plugin.wasm` unless `overrides` names another.
    pub fn locate(root: &Path, overrides: &[(String, PathBuf)]) -> anyhow::Result<Self> {
        let mut plugins = Vec::new();
        for name in ["traffic", "alerts", "hostile"] {
            let dir = Self::dir(root, name);
            if !dir.join("plugin.toml").is_file() {
                bail!(
                    "no `{}`: `--plugins` must be a cityhub checkout (holding plugins/traffic, plugins/alerts and tests/plugins/hostile)",
                    dir.join("plugin.toml").display()
                );
            }
            let component = overrides
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map_or_else(|| dir.join("plugin.wasm"), |(_, p)| p.clone());
            if !component.is_file() {
                bail!(
                    "no component `{}` for plugin `{name}`: run the bench with `--build`, or pass `--component {name}=PATH`",
                    component.display()
                );
            }
            let absolute = |p: &Path| {
                std::path::absolute(p).with_context(|| format!("resolving `{}`", p.display()))
            };
            plugins.push((name, absolute(&dir)?, absolute(&component)?));
        }
        Ok(Self { plugins })
    }

    fn plugin_toml(&self, name: &str) -> String {
        self.plugins
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(n, dir, component)| {
                format!(
                    "\n[plugins.{n}]\npath = {}\ncomponent = {}\n",
                    toml_string(dir),
                    toml_string(component)
                )
            })
            .unwrap_or_default()
    }
}

fn toml_string(p: &Path) -> String {
    toml::Value::String(p.display().to_string()).to_string()
}

/// Writes `dir/city.toml` for `topology` on the store at `url`, with
/// compiled components cached in `cache`; returns its path.
pub fn write(
    dir: &Path,
    url: &str,
    cache: &Path,
    topology: Topology,
    components: &Components,
    route: &RouteSettings,
) -> anyhow::Result<PathBuf> {
    let mut toml = format!(
        "# written by `cityhub bench`: {}\n\n[store]\nurl = {}\n\n[runtime]\ncache-dir = {}\n\n[ingest]\nmax-pending = {MAX_PENDING}\n",
        topology.label(),
        toml::Value::String(url.to_owned()),
        toml_string(cache),
    );
    let plugins: &[&str] = match topology {
        Topology::Baseline | Topology::Traffic => &["traffic"],
        Topology::Chain => &["traffic", "alerts", "hostile"],
    };
    for p in plugins {
        toml.push_str(&components.plugin_toml(p));
    }
    toml.push_str(&route.routes_toml(topology));
    let file = dir.join("city.toml");
    std::fs::write(&file, toml).with_context(|| format!("writing `{}`", file.display()))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_has_three_routes_and_the_tap_respects_the_plugins_limit() {
        let toml = RouteSettings::default().routes_toml(Topology::Chain);
        assert_eq!(toml.matches("[routes.").count(), 3, "{toml}");
        assert!(toml.contains("[routes.tap]\nfrom = \"city.traffic.congestion\"\nto = \"hostile\"\nbatch-size = 100\n"), "{toml}");
        assert!(
            RouteSettings::default()
                .routes_toml(Topology::Baseline)
                .is_empty()
        );
    }
}
