//! [`OpsWindow`]: the changes of one window of the log, as the projection
//! collects them.

use std::collections::BTreeMap;

use cityhub_cloudevents::Timestamp;

use super::{AlertAction, AlertUpdate, KpiUpdate, PlaceChange};

impl PlaceChange {
    /// The (layer, id) it changes.
    pub fn key(&self) -> (&str, &str) {
        match self {
            Self::Upsert(p) | Self::InsertIfAbsent(p) => (&p.layer, &p.id),
            Self::Delete { layer, id } => (layer, id),
        }
    }
}

/// A change to KPIs or alerts, in log order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Change {
    Kpi(KpiUpdate),
    Alert(AlertUpdate),
    Action(AlertAction),
}

/// The changes of one window of the log, collected by the projection and
/// applied by [`Store::project_ops`](crate::Store::project_ops). KPIs,
/// alerts and actions apply in the order given; places collapse to the last
/// change per (layer, id) as they are added (readings come by the thousand).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpsWindow {
    pub(crate) now: Option<Timestamp>,
    pub(crate) changes: Vec<Change>,
    pub(crate) places: BTreeMap<(String, String), PlaceChange>,
}

impl OpsWindow {
    /// Notes an event time; the window keeps the newest.
    pub fn saw(&mut self, t: &Timestamp) {
        if self
            .now
            .as_ref()
            .is_none_or(|n| n.datetime() < t.datetime())
        {
            self.now = Some(t.clone());
        }
    }

    /// The newest event time noted.
    pub fn now(&self) -> Option<&Timestamp> {
        self.now.as_ref()
    }

    /// Adds a KPI's new value.
    pub fn kpi(&mut self, k: KpiUpdate) {
        self.changes.push(Change::Kpi(k));
    }

    /// Adds an alert event.
    pub fn alert(&mut self, a: AlertUpdate) {
        self.changes.push(Change::Alert(a));
    }

    /// Adds an operator action.
    pub fn action(&mut self, a: AlertAction) {
        self.changes.push(Change::Action(a));
    }

    /// Adds a place change, collapsing it with an earlier one of the same
    /// (layer, id): the later wins, except that an insert-if-absent never
    /// displaces a pending upsert or an earlier insert-if-absent, and after
    /// a pending delete becomes an upsert.
    pub fn place(&mut self, c: PlaceChange) {
        let (layer, id) = c.key();
        let key = (layer.to_owned(), id.to_owned());
        let c = match (self.places.get(&key), c) {
            (
                Some(PlaceChange::Upsert(_) | PlaceChange::InsertIfAbsent(_)),
                PlaceChange::InsertIfAbsent(_),
            ) => {
                return;
            }
            (Some(PlaceChange::Delete { .. }), PlaceChange::InsertIfAbsent(p)) => {
                PlaceChange::Upsert(p)
            }
            (_, c) => c,
        };
        self.places.insert(key, c);
    }

    /// The place changes, one per (layer, id), in key order.
    pub fn places(&self) -> impl Iterator<Item = &PlaceChange> {
        self.places.values()
    }

    /// Whether the window changes nothing but the position.
    pub fn is_empty(&self) -> bool {
        self.now.is_none() && self.changes.is_empty() && self.places.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Place;

    fn place(id: &str, name: &str) -> Place {
        Place {
            layer: "segment".into(),
            id: id.into(),
            lon: 106.7,
            lat: 21.9,
            name: format!("\"{name}\""),
            props: "{}".into(),
            updated_at: Timestamp::parse("2026-11-27T07:00:00+07:00").unwrap(),
            seq: 1,
        }
    }

    #[test]
    fn places_collapse_to_the_last_change_per_key() {
        let mut w = OpsWindow::default();
        w.place(PlaceChange::InsertIfAbsent(place("a", "first")));
        w.place(PlaceChange::InsertIfAbsent(place("a", "second")));
        w.place(PlaceChange::Upsert(place("b", "congested")));
        w.place(PlaceChange::InsertIfAbsent(place("b", "reading")));
        w.place(PlaceChange::Delete {
            layer: "segment".into(),
            id: "c".into(),
        });
        w.place(PlaceChange::InsertIfAbsent(place("c", "back")));
        w.place(PlaceChange::Upsert(place("d", "x")));
        w.place(PlaceChange::Delete {
            layer: "segment".into(),
            id: "d".into(),
        });
        let got: Vec<_> = w.places().cloned().collect();
        assert_eq!(
            got,
            vec![
                PlaceChange::InsertIfAbsent(place("a", "first")),
                PlaceChange::Upsert(place("b", "congested")),
                PlaceChange::Upsert(place("c", "back")),
                PlaceChange::Delete {
                    layer: "segment".into(),
                    id: "d".into()
                },
            ]
        );
    }

    #[test]
    fn the_window_keeps_the_newest_time() {
        let mut w = OpsWindow::default();
        assert!(w.is_empty());
        for t in [
            "2026-11-27T07:00:00+07:00",
            "2026-11-27T08:00:00+07:00",
            "2026-11-27T00:30:00Z",
        ] {
            w.saw(&Timestamp::parse(t).unwrap());
        }
        assert_eq!(
            w.now().map(Timestamp::as_str),
            Some("2026-11-27T08:00:00+07:00")
        );
        assert!(!w.is_empty());
    }
}
