//! `[ingest]`, `[plugins.NAME] circuit` and `[routes.NAME]` → their checked
//! types: every value's range, and (through [`crate::topology`]) whether each
//! route can carry anything to a plugin that wants it.

use std::{ops::Range, time::Duration};

use cityhub_cloudevents::{
    TypePattern,
    filter::{Field, Filter},
};
use cityhub_manifest::PluginName;
use toml::{
    Spanned,
    de::{DeTable, DeValue},
};

use crate::{
    OPEN311_CONTACT, OPEN311_SUBMITTED, PLATFORM_EVENTS, PluginEntry,
    checker::Checker,
    raw::{RawCircuit, RawCity, RawFrom, RawIngest, RawRetry, RawRoute},
    route::{Circuit, IngestConfig, Retry, RouteEntry},
    topology::Topology,
};

impl Checker<'_> {
    /// Every `[routes.NAME]`, checked against the plugins and each other.
    pub fn routes(
        &mut self,
        raw: &RawCity,
        ingest: &IngestConfig,
        accepts_known: bool,
        plugins: &[PluginEntry],
    ) -> Vec<RouteEntry> {
        let all_loaded = plugins.len() == raw.plugins.len();
        let publishers = match &ingest.accepts {
            Some(accepts) if accepts_known && all_loaded => {
                let platform = PLATFORM_EVENTS
                    .iter()
                    .filter_map(|t| TypePattern::new(t).ok());
                let published = plugins.iter().flat_map(|p| p.publishes.iter());
                // `[open311]` posts citizens' reports (and their contacts) itself.
                let open311 = raw
                    .open311
                    .is_some()
                    .then(|| [OPEN311_SUBMITTED, OPEN311_CONTACT].map(|t| TypePattern::new(t).ok()))
                    .into_iter()
                    .flatten()
                    .flatten();
                Some(
                    accepts
                        .iter()
                        .chain(published)
                        .cloned()
                        .chain(platform)
                        .chain(open311)
                        .collect(),
                )
            }
            _ => None,
        };
        let topology = Topology {
            configured: raw.plugins.keys().map(|k| k.get_ref().as_str()).collect(),
            plugins,
            publishers,
        };
        // Filters are read from the spanned tree, so their errors point inside them.
        let doc = raw
            .routes
            .values()
            .any(|r| r.filter.is_some())
            .then(|| DeTable::parse(self.text).ok())
            .flatten();
        let routes: Vec<(RouteEntry, Range<usize>)> = raw
            .routes
            .iter()
            .filter_map(|(name, route)| {
                let filter = doc
                    .as_ref()
                    .and_then(|d| d.get_ref().get("routes"))
                    .and_then(|t| t.get_ref().get(name.get_ref().as_str()))
                    .and_then(|t| t.get_ref().get("filter"));
                self.route(name, route, filter, &topology)
            })
            .collect();
        self.cycles(plugins, &routes);
        routes.into_iter().map(|(r, _)| r).collect()
    }

    /// `[ingest]`, and whether every `accepts` pattern is valid (else what
    /// the city publishes is unknown and routes' `from` are not checked
    /// against it).
    pub fn ingest(&mut self, raw: &RawIngest) -> (IngestConfig, bool) {
        let mut all_valid = true;
        let accepts = raw.accepts.as_ref().map(|accepts| {
            if accepts.get_ref().is_empty() {
                self.error(accepts.span(), "`accepts` is empty, so every event sent would be refused: list the event type patterns senders may post, e.g. `[\"city.traffic.reading\"]`, or remove `accepts` to take any type");
            }
            let patterns = self.patterns("accepts", accepts.get_ref());
            all_valid = patterns.iter().all(Option::is_some);
            patterns
                .into_iter()
                .flatten()
                .map(Spanned::into_inner)
                .collect()
        });
        let d = IngestConfig::default();
        let max_pending = self
            .int(
                raw.max_pending.as_ref(),
                "max-pending",
                (1, 10_000_000),
                d.max_pending,
            )
            .unwrap_or(d.max_pending);
        (
            IngestConfig {
                accepts,
                max_pending,
                classes: self.classes(raw),
            },
            all_valid,
        )
    }

    /// A plugin's `circuit = { failures, cool-down }`.
    pub fn circuit(&mut self, raw: Option<&RawCircuit>) -> Circuit {
        let d = Circuit::default();
        let Some(raw) = raw else { return d };
        Circuit {
            failures: self
                .int(
                    raw.failures.as_ref(),
                    "circuit.failures",
                    (1, 1000),
                    d.failures,
                )
                .unwrap_or(d.failures),
            cool_down: self
                .duration(
                    raw.cool_down.as_ref(),
                    "circuit.cool-down",
                    (Duration::from_secs(1), Duration::from_secs(86_400)),
                    d.cool_down,
                )
                .unwrap_or(d.cool_down),
        }
    }

    /// One `[routes.NAME]` table, with the span of its `to` value. `None`
    /// when its name, its target or every `from` pattern is wrong; a bad
    /// value elsewhere is recorded and its default used, so the route still
    /// takes part in the checks between routes.
    pub fn route(
        &mut self,
        name: &Spanned<String>,
        raw: &RawRoute,
        filter: Option<&Spanned<DeValue<'_>>>,
        topology: &Topology<'_>,
    ) -> Option<(RouteEntry, Range<usize>)> {
        let route = self.check(name, |s| {
            PluginName::new(s).map_err(|e| {
                e.replacen("plugin name", "route name", 1)
                    .replace("`field-reports`", "`traffic-readings`")
            })
        });
        let label = name.get_ref();

        let written = RawFrom::patterns(&raw.from);
        if written.is_empty() {
            self.error(raw.from.span(), format!("`from` of route `{label}` is empty: list at least one event type pattern, e.g. `\"city.traffic.reading\"`"));
        }
        let from: Vec<Spanned<_>> = self
            .patterns("from", &written)
            .into_iter()
            .flatten()
            .collect();
        for p in &from {
            self.published(label, p, topology);
        }
        let to = self.target(label, &raw.to, topology);
        if let Some(plugin) = to.as_ref().and_then(|t| topology.plugin(t)) {
            for p in &from {
                self.subscribed(label, p, plugin);
            }
        }

        let filter = match (&raw.filter, filter) {
            (None, _) => Filter::default(),
            (Some(_), Some(tree)) => self.filter(tree),
            (Some(f), None) => {
                self.error(f.span(), "`filter` could not be read: write it as an inline table, e.g. `filter = { subject = { prefix = \"QL\" } }`");
                Filter::default()
            }
        };
        let batch_size = self.int(raw.batch_size.as_ref(), "batch-size", (1, 10_000), 100);
        let linger = self.duration(
            raw.linger.as_ref(),
            "linger",
            (Duration::ZERO, Duration::from_secs(10)),
            Duration::ZERO,
        );
        let concurrency = self.int(raw.concurrency.as_ref(), "concurrency", (1, 64), 1);
        let partition_key = raw.partition_key.as_ref().and_then(|v| {
            self.check(v, |s| {
                Field::parse(s).map_err(|e| format!("`partition-key`: {e}"))
            })
        });
        let retry = self.retry(raw.retry.as_ref());
        let (max_lag, lag_alert) = self.lag(raw);
        let entry = RouteEntry {
            name: route?,
            from: from.into_iter().map(Spanned::into_inner).collect(),
            to: to?,
            filter,
            batch_size: batch_size.unwrap_or(100),
            linger: linger.unwrap_or_default(),
            concurrency: concurrency.unwrap_or(1),
            partition_key,
            retry,
            dead_letter: raw.dead_letter.unwrap_or(true),
            max_lag,
            lag_alert,
        };
        (!entry.from.is_empty()).then_some((entry, raw.to.span()))
    }

    fn retry(&mut self, raw: Option<&RawRetry>) -> Retry {
        let d = Retry::default();
        let Some(raw) = raw else { return d };
        Retry {
            attempts: self
                .int(
                    raw.attempts.as_ref(),
                    "retry.attempts",
                    (1, 100),
                    d.attempts,
                )
                .unwrap_or(d.attempts),
            backoff: self
                .duration(
                    raw.backoff.as_ref(),
                    "retry.backoff",
                    (Duration::ZERO, Duration::MAX),
                    d.backoff,
                )
                .unwrap_or(d.backoff),
        }
    }

    /// `max-lag` and `lag-alert`, which must not exceed it.
    fn lag(&mut self, raw: &RawRoute) -> (u64, u64) {
        const MAX: i64 = 1_000_000_000;
        let max_lag = self.int(raw.max_lag.as_ref(), "max-lag", (1, MAX), 100_000u64);
        let default_alert = max_lag.unwrap_or(100_000).min(10_000);
        let lag_alert = self.int(raw.lag_alert.as_ref(), "lag-alert", (1, MAX), default_alert);
        if let (Some(max), Some(alert), Some(v)) = (max_lag, lag_alert, &raw.lag_alert)
            && alert > max
        {
            self.error(v.span(), format!("`lag-alert` ({alert}) is above `max-lag` ({max}), so ingest would refuse events before the lag alert is raised: lower `lag-alert` or raise `max-lag`"));
        }
        (
            max_lag.unwrap_or(100_000),
            lag_alert.unwrap_or(default_alert),
        )
    }
}
