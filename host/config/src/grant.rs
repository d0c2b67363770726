//! What the integrator approves beyond capabilities: the event types a
//! plugin may publish (`[plugins.NAME] publishes`), the data classes it may
//! receive (`[plugins.NAME] data-classes`), and the class of each event type
//! entering the log (`[ingest] classes`). Each is least privilege: an
//! approval never goes beyond what the plugin's manifest declares or asks
//! for.

use std::ops::Range;

use cityhub_cloudevents::{ClassPolicy, DataClass, TypePattern};
use cityhub_manifest::{Manifest, PluginName};
use toml::Spanned;

use crate::{
    checker::Checker,
    plugin::quoted,
    raw::{RawIngest, RawPlugin},
};

/// A `[plugins.NAME]` table's approvals, checked against its manifest.
pub(crate) struct Approved {
    /// The output types approved (each within the manifest's `publishes`).
    pub publishes: Vec<TypePattern>,
    /// The data classes approved (each one the manifest asks for).
    pub data_classes: Vec<DataClass>,
}

impl Checker<'_> {
    /// `publishes` and `data-classes` of one plugin. `package`: the plugin
    /// is installed from a registry, so `publishes` is required (a folder
    /// plugin without it is approved for what its manifest declares).
    /// `None` after an error.
    pub(crate) fn approvals(
        &mut self,
        raw: &RawPlugin,
        at: Range<usize>,
        name: &PluginName,
        manifest: &Manifest,
        package: bool,
    ) -> Option<Approved> {
        let publishes = match &raw.publishes {
            Some(list) => self.approved_publishes(list, name, manifest),
            None if package => {
                self.error(at, format!("installed plugin `{name}` has no `publishes`: list the event types the city approves it to publish, e.g. `publishes = [{}]` (what its manifest declares), after reviewing them", quoted(&manifest.publishes)));
                None
            }
            None => Some(manifest.publishes.clone()),
        };
        let data_classes = match &raw.data_classes {
            Some(list) => self.approved_classes(list, name, manifest),
            None => Some(Vec::new()),
        };
        Some(Approved {
            publishes: publishes?,
            data_classes: data_classes?,
        })
    }

    /// Each pattern valid and within one of the manifest's `publishes`.
    fn approved_publishes(
        &mut self,
        list: &Spanned<Vec<Spanned<String>>>,
        name: &PluginName,
        manifest: &Manifest,
    ) -> Option<Vec<TypePattern>> {
        let mut ok = true;
        let mut approved = Vec::new();
        for p in self.patterns("publishes", list.get_ref()) {
            let Some(p) = p else {
                ok = false;
                continue;
            };
            if manifest
                .publishes
                .iter()
                .any(|m| p.get_ref().is_subset_of(m))
            {
                approved.push(p.into_inner());
            } else {
                ok = false;
                let declared = if manifest.publishes.is_empty() {
                    "declares no `publishes`".to_owned()
                } else {
                    format!("declares only {}", quoted(&manifest.publishes))
                };
                self.error(p.span(), format!("`publishes` approves `{}` for plugin `{name}`, whose manifest {declared}: approve only types it declares (remove `{}` or narrow it)", p.get_ref(), p.get_ref()));
            }
        }
        ok.then_some(approved)
    }

    /// Each a class name the manifest asks for, listed once.
    fn approved_classes(
        &mut self,
        list: &Spanned<Vec<Spanned<String>>>,
        name: &PluginName,
        manifest: &Manifest,
    ) -> Option<Vec<DataClass>> {
        let mut ok = true;
        let mut approved: Vec<DataClass> = Vec::new();
        for c in list.get_ref() {
            let Some(class) = self.check(c, |s| {
                DataClass::new(s).map_err(|e| format!("in `data-classes`: {e}"))
            }) else {
                ok = false;
                continue;
            };
            if !manifest.data_classes.contains(&class) {
                ok = false;
                let asked = if manifest.data_classes.is_empty() {
                    "asks for no data class".to_owned()
                } else {
                    format!("asks only for {}", quoted(&manifest.data_classes))
                };
                self.error(c.span(), format!("`data-classes` approves `{class}` for plugin `{name}`, whose manifest {asked}: approve only what a plugin asks for (remove `{class}`, or use a version whose `data-classes` lists it)"));
            } else if !approved.contains(&class) {
                approved.push(class);
            }
        }
        approved.sort();
        ok.then_some(approved)
    }

    /// `[ingest] classes = { "PATTERN" = "CLASS" }`: valid patterns and class
    /// names, and no two overlapping patterns with different classes (an
    /// event's class must not depend on the order written).
    pub(crate) fn classes(&mut self, raw: &RawIngest) -> ClassPolicy {
        let Some(table) = &raw.classes else {
            return ClassPolicy::default();
        };
        let mut rules: Vec<(Spanned<TypePattern>, DataClass)> = Vec::new();
        for (pattern, class) in table.get_ref() {
            let p = self.check(pattern, |s| {
                TypePattern::new(s).map_err(|e| format!("in `[ingest] classes`: {e}"))
            });
            let c = self.check(class, |s| {
                DataClass::new(s).map_err(|e| format!("in `[ingest] classes`: {e}"))
            });
            let (Some(p), Some(c)) = (p, c) else { continue };
            if let Some((q, d)) = rules
                .iter()
                .find(|(q, d)| *d != c && q.get_ref().overlaps(&p))
            {
                let msg = format!(
                    "`[ingest] classes` gives `{p}` the class `{c}`, but `{}` overlaps it with the class `{d}`: an event matching both would have two classes; narrow one pattern or give both the same class",
                    q.get_ref()
                );
                self.error(pattern.span(), msg);
                continue;
            }
            rules.push((Spanned::new(pattern.span(), p), c));
        }
        ClassPolicy::new(
            rules
                .into_iter()
                .map(|(p, c)| (p.into_inner(), c))
                .collect(),
        )
    }
}
