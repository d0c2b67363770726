//! From the log to the ops read model ([`cityhub_store::ops`]), consumer
//! `projection:ops`: what the operations centre's API and dashboard show.
//!
//! It reads every event the log takes (thousands a minute, mostly traffic
//! readings), so it looks at the type first and parses the data only of the
//! types it keeps:
//!
//! - `city.ioc.kpi` and `city.ioc.alert` ([`ioc`]), and the operators'
//!   [`ALERT_ACTION`]s on alerts;
//! - map places ([`places`]): border queues, congestion and readings,
//!   incidents, tourist sites, hospitals;
//! - the event-time now: the `time` of every `city.*` event and the `now` of
//!   every `cityhub.clock.tick`.
//!
//! An event it cannot use is skipped: logged as a warning for KPIs, alerts
//! and actions (a plugin or the API sent something off-contract), at debug
//! level for places (a reading without a location is not an error).

mod ioc;
mod places;

use std::{collections::HashSet, sync::Arc};

use cityhub_cloudevents::Timestamp;
use cityhub_store::{OpsWindow, Seq, Store, StoredEvent};
use serde_json::{Map, Value};

use super::Projection;
use crate::clock::TICK;

/// The event type of an operator's action on an alert: source
/// `/cityhub/ops`, subject = the alert id, data `{"alertId", "action":
/// "ack" | "assign" | "resolve", "by", "at", "agency"?, "deadline"?,
/// "note"?}` (`agency` and `deadline` required for `assign`). The ops API
/// emits it; this projection applies it.
pub const ALERT_ACTION: &str = "cityhub.ops.alert-action";

/// The consumer id of the ops projection (its position's key).
pub const CONSUMER: &str = "projection:ops";

/// The ops projection. Remembers the road segments it has stored, so that
/// the many readings of a known segment cost no write.
#[derive(Debug, Default)]
pub(crate) struct Ops {
    /// Segments in the read model.
    segments: HashSet<String>,
    /// Segments the window being committed stores.
    pending: Vec<String>,
}

impl Projection for Ops {
    const CONSUMER: &'static str = CONSUMER;
    const NAME: &'static str = "the ops projection";
    type Changes = OpsWindow;

    fn collect(&mut self, window: &[Arc<StoredEvent>]) -> Option<OpsWindow> {
        self.pending.clear();
        let mut w = OpsWindow::default();
        for e in window {
            self.add(&mut w, e);
        }
        (!w.is_empty()).then_some(w)
    }

    async fn commit(
        store: &Store,
        position: Seq,
        changes: OpsWindow,
    ) -> Result<(), cityhub_store::Error> {
        store.project_ops(Self::CONSUMER, position, changes).await
    }

    fn settle(&mut self, committed: bool) {
        if committed {
            self.segments.extend(self.pending.drain(..));
        } else {
            self.pending.clear();
        }
    }
}

impl Ops {
    /// Adds what `e` changes to `w`.
    fn add(&mut self, w: &mut OpsWindow, e: &StoredEvent) {
        let ty = e.event.ty.as_str();
        if ty == TICK {
            if let Some(now) = data(e).as_ref().and_then(|d| time_field(d, "now")) {
                w.saw(&now);
            }
            return;
        }
        if ty == ALERT_ACTION {
            if let Some(a) = ioc::action(e) {
                w.action(a);
            }
            return;
        }
        let Some(kind) = ty.strip_prefix("city.") else {
            return;
        };
        if let Some(t) = &e.event.time {
            w.saw(t);
        }
        match kind {
            "ioc.kpi" => {
                if let Some(k) = ioc::kpi(e) {
                    w.kpi(k);
                }
            }
            "ioc.alert" => {
                if let Some(a) = ioc::alert(e) {
                    w.alert(a);
                }
            }
            "traffic.reading" => {
                // Only a segment not stored yet needs the reading's data.
                if e.event
                    .subject
                    .as_ref()
                    .is_some_and(|s| self.segments.contains(s))
                {
                    return;
                }
                if let Some(c) = places::reading(e)
                    && !self.segments.contains(c.key().1)
                {
                    self.pending.push(c.key().1.to_owned());
                    w.place(c);
                }
            }
            _ => {
                if let Some(c) = places::change(kind, e) {
                    if let (places::SEGMENT, id) = c.key() {
                        self.pending.push(id.to_owned());
                    }
                    w.place(c);
                }
            }
        }
    }
}

/// `e`'s data as a JSON object, if it is one.
fn data(e: &StoredEvent) -> Option<Map<String, Value>> {
    let bytes = e.event.data.as_ref()?;
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// `e`'s data as text, as stored (JSON is UTF-8).
fn data_text(e: &StoredEvent) -> String {
    e.event
        .data
        .as_ref()
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .unwrap_or_default()
}

/// A string field.
fn text<'a>(d: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    d.get(k).and_then(Value::as_str)
}

/// An RFC 3339 field.
fn time_field(d: &Map<String, Value>, k: &str) -> Option<Timestamp> {
    text(d, k).and_then(|t| Timestamp::parse(t).ok())
}

/// The time of what `e` reports: the data's `field` if it is a time, else
/// the event's `time`, else when the log recorded it.
fn observed(e: &StoredEvent, d: &Map<String, Value>, field: &str) -> Timestamp {
    time_field(d, field)
        .or_else(|| e.event.time.clone())
        .unwrap_or_else(|| e.recorded_at.clone())
}

#[cfg(test)]
pub(crate) mod tests {
    use cityhub_cloudevents::{CloudEvent, EventType};
    use cityhub_store::PlaceChange;
    use serde_json::json;

    use super::*;

    /// A stored event of `ty` at `time` with `data`.
    pub(crate) fn stored(ty: &str, subject: &str, time: &str, data: Value) -> Arc<StoredEvent> {
        let mut e = CloudEvent::new("e1", "/test", EventType::new(ty).unwrap());
        e.subject = Some(subject.into());
        e.time = Some(Timestamp::parse(time).unwrap());
        e.data = Some(bytes::Bytes::from(data.to_string()));
        Arc::new(StoredEvent {
            seq: 7,
            recorded_at: Timestamp::parse("2026-11-27T01:00:00Z").unwrap(),
            origin: None,
            event: e,
        })
    }

    fn reading(segment: &str, time: &str) -> Arc<StoredEvent> {
        stored(
            "city.traffic.reading",
            segment,
            time,
            json!({"refRoadSegment": segment, "averageVehicleSpeed": 28,
                   "location": {"type": "Point", "coordinates": [106.708, 21.968]}}),
        )
    }

    #[test]
    fn the_now_is_the_newest_city_time_or_tick_and_other_events_change_nothing() {
        let mut ops = Ops::default();
        let window = [
            stored(
                "city.ecommerce.order",
                "o1",
                "2026-11-27T07:00:00+07:00",
                json!({}),
            ),
            stored(
                TICK,
                "tick",
                "2026-11-27T06:00:00+07:00",
                json!({"now": "2026-11-27T07:30:00+07:00"}),
            ),
            stored(
                "cityhub.route.lagging",
                "r",
                "2026-11-28T00:00:00+07:00",
                json!({}),
            ),
        ];
        let w = ops.collect(&window).unwrap();
        assert_eq!(
            w.now().map(Timestamp::as_str),
            Some("2026-11-27T07:30:00+07:00")
        );
        assert_eq!(w.places().count(), 0);
        let mut quiet = stored(
            "cityhub.route.lagging",
            "r",
            "2026-11-28T00:00:00+07:00",
            json!({}),
        );
        Arc::make_mut(&mut quiet).event.time = None;
        assert!(
            ops.collect(&[quiet]).is_none(),
            "platform events do not move the now"
        );
    }

    #[test]
    fn readings_of_a_stored_segment_cost_nothing_once_committed() {
        let mut ops = Ops::default();
        let w = ops
            .collect(&[reading("QL1A-km2", "2026-11-27T07:05:00+07:00")])
            .unwrap();
        let got: Vec<_> = w.places().collect();
        assert!(
            matches!(got[..], [PlaceChange::InsertIfAbsent(p)] if p.id == "QL1A-km2"),
            "{got:?}"
        );
        // A failed commit forgets; the window is collected again.
        ops.settle(false);
        let w = ops
            .collect(&[reading("QL1A-km2", "2026-11-27T07:05:00+07:00")])
            .unwrap();
        assert_eq!(w.places().count(), 1);
        ops.settle(true);
        let w = ops
            .collect(&[reading("QL1A-km2", "2026-11-27T07:10:00+07:00")])
            .unwrap();
        assert_eq!(w.places().count(), 0, "known: only the now moves");
        assert_eq!(
            w.now().map(Timestamp::as_str),
            Some("2026-11-27T07:10:00+07:00")
        );
    }

    /// The bus runs the projection with `ops`: events in, read model out,
    /// resumed after a restart; the Open311 projection runs with it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_bus_keeps_the_ops_read_model_across_a_restart() {
        use std::time::Duration;

        use crate::{Bus, BusOptions};

        let path = std::env::temp_dir().join(format!("cityhub-ops-{}.db", uuid::Uuid::now_v7()));
        let url = format!("sqlite://{}", path.display());
        let event = |id: &str, ty: &str, subject: &str, data: Value| {
            let e = stored(ty, subject, "2026-11-27T07:00:00+07:00", data);
            let mut e = e.event.clone();
            e.id = id.into();
            e
        };
        let options = BusOptions {
            ops: true,
            backend: Default::default(),
            ..BusOptions::default()
        };
        let bus = Bus::start(
            Store::open(&url).await.unwrap(),
            vec![],
            vec![],
            options.clone(),
        )
        .await
        .unwrap();
        let consumers = bus.consumers();
        assert!(
            consumers.contains(&CONSUMER.to_owned())
                && consumers.contains(&"projection:open311".to_owned())
        );
        bus.ingest(vec![
            event("k1", "city.ioc.kpi", "kpi/health", json!({"id": "kpi/health", "category": "health", "kpiValue": 1})),
            event("a1", "city.ioc.alert", "ioc/border/huu-nghi",
                  json!({"alertId": "ioc/border/huu-nghi", "status": "open", "sector": "ioc", "severity": "critical"})),
            event("r1", "city.traffic.reading", "QL1A-km2",
                  json!({"refRoadSegment": "QL1A-km2", "location": {"type": "Point", "coordinates": [106.7, 21.9]}})),
        ])
        .await
        .unwrap();
        let ack = event(
            "act1",
            ALERT_ACTION,
            "ioc/border/huu-nghi",
            json!({"alertId": "ioc/border/huu-nghi", "action": "ack", "by": "An", "at": "2026-11-27T07:01:00+07:00"}),
        );
        bus.ingest_from_host(vec![ack]).await.unwrap();
        let last = bus.last_seq();
        assert!(bus.wait_ops_projected(last, Duration::from_secs(10)).await);
        assert!(bus.ops_position() >= last);
        assert!(
            bus.wait_projected(last, Duration::from_secs(10)).await,
            "the Open311 projection runs with ops"
        );
        let store = bus.store().clone();
        assert_eq!(
            store.ops_kpis(Some("health")).await.unwrap()[0].trend,
            "new"
        );
        let alert = store
            .ops_alert("ioc/border/huu-nghi")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(alert.state, "acknowledged");
        assert_eq!(store.ops_places(&[]).await.unwrap()[0].id, "QL1A-km2");
        assert_eq!(
            store.ops_now().await.unwrap().unwrap().as_str(),
            "2026-11-27T07:00:00+07:00"
        );
        bus.shutdown().await;
        drop(bus);
        assert_eq!(
            store.position(CONSUMER).await.unwrap(),
            last,
            "committed with the rows"
        );

        // Restarted, it resumes where it committed.
        let bus = Bus::start(Store::open(&url).await.unwrap(), vec![], vec![], options)
            .await
            .unwrap();
        bus.ingest(vec![event(
            "k2",
            "city.ioc.kpi",
            "kpi/health",
            json!({"id": "kpi/health", "category": "health", "kpiValue": 2}),
        )])
        .await
        .unwrap();
        assert!(
            bus.wait_ops_projected(bus.last_seq(), Duration::from_secs(10))
                .await
        );
        let kpi = &bus.store().ops_kpis(Some("health")).await.unwrap()[0];
        assert_eq!((kpi.trend.as_str(), kpi.previous), ("up", Some(1.0)));
        assert_eq!(
            bus.store()
                .ops_alert_actions("ioc/border/huu-nghi")
                .await
                .unwrap()
                .len(),
            1
        );
        bus.shutdown().await;
        drop(bus);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
