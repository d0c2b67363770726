//! Checks between routes and plugins: a route goes to a configured plugin,
//! takes only types something publishes and its plugin subscribes to, and no
//! chain of routes feeds a plugin's outputs back to it.

use std::{collections::BTreeMap, ops::Range};

use cityhub_cloudevents::TypePattern;
use cityhub_manifest::{Diagnostic, PluginName};
use toml::Spanned;

use crate::{PluginEntry, RouteEntry, checker::Checker};

/// What the route checks need to know about the plugins.
pub(crate) struct Topology<'a> {
    /// Every `[plugins.NAME]` key as written, whether or not its manifest
    /// loaded, so a plugin with a broken manifest is not also "unknown".
    pub configured: Vec<&'a str>,
    /// The plugins whose manifests loaded.
    pub plugins: &'a [PluginEntry],
    /// Every type pattern something publishes (`[ingest] accepts`, plugins'
    /// approved `publishes`, [`crate::PLATFORM_EVENTS`]); `None` when that is any type
    /// (no `accepts`) or not known (a manifest or an `accepts` pattern is
    /// broken), and `from` is then not checked against it.
    pub publishers: Option<Vec<TypePattern>>,
}

impl Topology<'_> {
    pub fn plugin(&self, name: &PluginName) -> Option<&PluginEntry> {
        self.plugins.iter().find(|p| &p.name == name)
    }
}

/// At most this many cycles are reported; the search stops there.
const MAX_CYCLES: usize = 20;

impl Checker<'_> {
    /// Check 1: `to` names a configured plugin.
    pub fn target(
        &mut self,
        route: &str,
        to: &Spanned<String>,
        t: &Topology<'_>,
    ) -> Option<PluginName> {
        let name = to.get_ref();
        if t.configured.contains(&name.as_str()) {
            // An invalid `[plugins.NAME]` key is reported where it is written.
            return PluginName::new(name).ok();
        }
        let add = if PluginName::new(name).is_ok() {
            format!("add a `[plugins.{name}]` table")
        } else {
            "fix the name".to_owned()
        };
        let msg = if t.configured.is_empty() {
            format!(
                "route `{route}` goes `to` plugin `{name}`, but no plugins are configured: {add}"
            )
        } else {
            let list = backticked(t.configured.iter());
            format!(
                "route `{route}` goes `to` plugin `{name}`, which is not configured: the plugins are {list}; use one of them, or {add}"
            )
        };
        self.error(to.span(), msg);
        None
    }

    /// Check 3: something publishes what `from` takes.
    pub fn published(&mut self, route: &str, p: &Spanned<TypePattern>, t: &Topology<'_>) {
        let Some(publishers) = &t.publishers else {
            return;
        };
        if !publishers.iter().any(|q| q.overlaps(p.get_ref())) {
            self.error(p.span(), format!("route `{route}` takes `{}`, which nothing sends: no plugin publishes it and `[ingest] accepts` does not admit it; add it to `[ingest] accepts` or fix the pattern", p.get_ref()));
        }
    }

    /// Check 4: the target plugin subscribes to all of `from`.
    pub fn subscribed(&mut self, route: &str, p: &Spanned<TypePattern>, plugin: &PluginEntry) {
        let subs = &plugin.manifest.subscribes;
        if subs.iter().any(|s| p.get_ref().is_subset_of(s)) {
            return;
        }
        let name = &plugin.name;
        let list = backticked(subs.iter());
        let fix = match subs.iter().find(|s| s.overlaps(p.get_ref())) {
            Some(s) => format!("narrow `from` to types `{name}` subscribes to, e.g. `{s}`"),
            None => {
                "fix `from`, or route these events to a plugin that subscribes to them".to_owned()
            }
        };
        self.error(p.span(), format!("route `{route}` takes `{}` to plugin `{name}`, which subscribes only to {list}; {fix}", p.get_ref()));
    }

    /// Check 5: no chain of routes leads from a plugin back to itself. Each
    /// elementary cycle is reported once, starting at its smallest plugin
    /// name, at the `to` of its first route.
    pub fn cycles(&mut self, plugins: &[PluginEntry], routes: &[(RouteEntry, Range<usize>)]) {
        let mut order: Vec<&PluginEntry> = plugins.iter().collect();
        order.sort_by(|a, b| a.name.cmp(&b.name));
        let graph = Graph::new(&order, routes);
        let (cycles, complete) = graph.cycles(MAX_CYCLES);
        for cycle in &cycles {
            let mut names: Vec<&str> = cycle.iter().map(|&i| order[i].name.as_str()).collect();
            names.push(names[0]);
            let mut via: Vec<usize> = Vec::new();
            for (k, &a) in cycle.iter().enumerate() {
                let b = cycle[(k + 1) % cycle.len()];
                for &r in graph.edges[a].get(&b).into_iter().flatten() {
                    if !via.contains(&r) {
                        via.push(r);
                    }
                }
            }
            let route_names = backticked(via.iter().map(|&r| &routes[r].0.name));
            let span = via.first().map_or(0..0, |&r| routes[r].1.clone());
            self.error(span, format!("routes form a cycle that could loop forever: {} (routes {route_names}); narrow a route's `from` to break it", names.join(" → ")));
        }
        if !complete {
            self.errors.push(Diagnostic::file(self.file, format!("routes form more than {MAX_CYCLES} cycles: break the ones above and check again")));
        }
    }
}

/// Plugins (by rank in name order) and, for each ordered pair, the routes
/// that carry the first's outputs to the second.
struct Graph {
    /// `edges[a][b]`: indices of the routes to `b` whose `from` overlaps
    /// something `a` publishes (`a != b`: a plugin never receives its own
    /// outputs).
    edges: Vec<BTreeMap<usize, Vec<usize>>>,
}

impl Graph {
    fn new(order: &[&PluginEntry], routes: &[(RouteEntry, Range<usize>)]) -> Self {
        let mut edges = vec![BTreeMap::<usize, Vec<usize>>::new(); order.len()];
        for (r, (route, _)) in routes.iter().enumerate() {
            let Some(b) = order.iter().position(|p| p.name == route.to) else {
                continue;
            };
            for (a, plugin) in order.iter().enumerate() {
                let feeds = plugin
                    .publishes
                    .iter()
                    .any(|q| route.from.iter().any(|f| f.overlaps(q)));
                if a != b && feeds {
                    edges[a].entry(b).or_default().push(r);
                }
            }
        }
        Self { edges }
    }

    /// Up to `max` elementary cycles, each as the plugins from its smallest,
    /// and whether that is all of them.
    fn cycles(&self, max: usize) -> (Vec<Vec<usize>>, bool) {
        let mut found = Vec::new();
        for s in 0..self.edges.len() {
            let back = self.reaching(s);
            let mut path = vec![s];
            if !self.walk(s, &back, &mut path, &mut found, max) {
                return (found, false);
            }
        }
        (found, true)
    }

    /// Extends `path` (which starts at `s`) through plugins above `s` that
    /// can still get back to it; `false` once `max` cycles are found.
    fn walk(
        &self,
        s: usize,
        back: &[bool],
        path: &mut Vec<usize>,
        found: &mut Vec<Vec<usize>>,
        max: usize,
    ) -> bool {
        let Some(&v) = path.last() else { return true };
        for &w in self.edges[v].keys() {
            if w == s {
                if found.len() == max {
                    return false;
                }
                found.push(path.clone());
            } else if w > s && back[w] && !path.contains(&w) {
                path.push(w);
                let go_on = self.walk(s, back, path, found, max);
                path.pop();
                if !go_on {
                    return false;
                }
            }
        }
        true
    }

    /// Which plugins at or above `s` reach `s` through plugins at or above it.
    fn reaching(&self, s: usize) -> Vec<bool> {
        let mut back = vec![false; self.edges.len()];
        back[s] = true;
        let mut todo = vec![s];
        while let Some(w) = todo.pop() {
            for (v, out) in self.edges.iter().enumerate().skip(s) {
                if !back[v] && out.contains_key(&w) {
                    back[v] = true;
                    todo.push(v);
                }
            }
        }
        back
    }
}

fn backticked<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    items
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, edges: &[(usize, usize)]) -> Graph {
        let mut g = Graph {
            edges: vec![BTreeMap::new(); n],
        };
        for (r, &(a, b)) in edges.iter().enumerate() {
            g.edges[a].entry(b).or_default().push(r);
        }
        g
    }

    #[test]
    fn finds_each_elementary_cycle_once_from_its_smallest_plugin() {
        // 0 ⇄ 1, 1 → 2 → 0, and 3 → 3 is impossible (no self-edges), 3 → 0.
        let g = graph(4, &[(0, 1), (1, 0), (1, 2), (2, 0), (3, 0)]);
        let (cycles, complete) = g.cycles(10);
        assert!(complete);
        assert_eq!(cycles, vec![vec![0, 1], vec![0, 1, 2]]);
    }

    #[test]
    fn a_dag_has_no_cycles() {
        let g = graph(4, &[(0, 1), (1, 2), (0, 2), (2, 3)]);
        assert_eq!(g.cycles(10), (vec![], true));
    }

    #[test]
    fn stops_at_the_limit() {
        // A complete graph on 5 plugins has 84 elementary cycles.
        let pairs: Vec<(usize, usize)> = (0..5)
            .flat_map(|a| (0..5).map(move |b| (a, b)))
            .filter(|(a, b)| a != b)
            .collect();
        let g = graph(5, &pairs);
        assert_eq!(g.cycles(1000).0.len(), 84);
        let (some, complete) = g.cycles(20);
        assert_eq!((some.len(), complete), (20, false));
    }
}
