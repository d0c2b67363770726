//! Map places from the sectors' events (plugins/README.md): the latest per
//! (layer, id), with a GeoJSON Point location, a name (a `{"vi", "en"}`
//! object or a string) and the layer's fields.
//!
//! | layer | from | id | fields |
//! |---|---|---|---|
//! | `gate` | `city.traffic.border-queue` | `gate` | `queueLength`, `growthPerHour`, `clearancePerHour`, `trend`, `road` |
//! | `segment` | `city.traffic.congestion` | `refRoadSegment` | `road` (the id before its first `-`), `level`, `speed` |
//! | `segment` | `city.traffic.reading`, only if not stored yet | `refRoadSegment` | the same, `level` `free` |
//! | `incident` | `city.traffic.incident` `active` (removed when `cleared`) | `incidentId` | `category`, `road`, `description` |
//! | `site` | `city.tourism.visitors` with a `location` | `site` | `present` |
//! | `hospital` | `city.health.beds` with a `location` | `hospital` | `bedsOccupied`, `bedsTotal` |
//!
//! An event without an id or a usable Point location is not for the map:
//! skipped (at debug level), not an error.

use cityhub_store::{Place, PlaceChange, StoredEvent};
use serde_json::{Map, Value, json};
use tracing::debug;

use super::{data, observed, text};

/// The layer of road segments.
pub(super) const SEGMENT: &str = "segment";

/// The place change of a `city.<kind>` event other than a reading, if it is
/// one of the map's.
pub(super) fn change(kind: &str, e: &StoredEvent) -> Option<PlaceChange> {
    let (layer, id_field) = match kind {
        "traffic.border-queue" => ("gate", "gate"),
        "traffic.congestion" => (SEGMENT, "refRoadSegment"),
        "traffic.incident" => ("incident", "incidentId"),
        "tourism.visitors" => ("site", "site"),
        "health.beds" => ("hospital", "hospital"),
        _ => return None,
    };
    let d = data(e)?;
    let id = text(&d, id_field).or(e.event.subject.as_deref())?;
    if layer == "incident" && text(&d, "status") == Some("cleared") {
        return Some(PlaceChange::Delete {
            layer: layer.to_owned(),
            id: id.to_owned(),
        });
    }
    let pick = |fields: &[&str]| -> Map<String, Value> {
        fields
            .iter()
            .map(|f| ((*f).to_owned(), d.get(*f).cloned().unwrap_or(Value::Null)))
            .collect()
    };
    let (name, props) = match layer {
        "gate" => (
            name(&d, "gateName", id),
            pick(&[
                "queueLength",
                "growthPerHour",
                "clearancePerHour",
                "trend",
                "road",
            ]),
        ),
        SEGMENT => (json!(id), segment_props(id, d.get("level"), &d)),
        "incident" => (
            name(&d, "description", id),
            pick(&["category", "road", "description"]),
        ),
        "site" => (name(&d, "siteName", id), pick(&["present"])),
        _ => (
            name(&d, "hospitalName", id),
            pick(&["bedsOccupied", "bedsTotal"]),
        ),
    };
    place(layer, id, e, &d, name, props, "observedAt").map(PlaceChange::Upsert)
}

/// A `city.traffic.reading`'s segment, stored only if not stored yet.
pub(super) fn reading(e: &StoredEvent) -> Option<PlaceChange> {
    let d = data(e)?;
    let id = text(&d, "refRoadSegment").or(e.event.subject.as_deref())?;
    let props = segment_props(id, Some(&json!("free")), &d);
    place(SEGMENT, id, e, &d, json!(id), props, "dateObservedTo").map(PlaceChange::InsertIfAbsent)
}

/// A segment's fields: its road, `level` and `speed`.
fn segment_props(id: &str, level: Option<&Value>, d: &Map<String, Value>) -> Map<String, Value> {
    let road = id.split('-').next().unwrap_or(id);
    let mut props = Map::new();
    props.insert("road".into(), json!(road));
    props.insert("level".into(), level.cloned().unwrap_or(Value::Null));
    let speed = d.get("averageVehicleSpeed").cloned();
    props.insert("speed".into(), speed.unwrap_or(Value::Null));
    props
}

/// The data's `field` as a name (an object or a string), else `id`.
fn name(d: &Map<String, Value>, field: &str, id: &str) -> Value {
    match d.get(field) {
        Some(v @ (Value::Object(_) | Value::String(_))) => v.clone(),
        _ => json!(id),
    }
}

/// The place, if the data has a usable `location`; its time is the data's
/// `time_field`, else the event's.
fn place(
    layer: &str,
    id: &str,
    e: &StoredEvent,
    d: &Map<String, Value>,
    name: Value,
    props: Map<String, Value>,
    time_field: &str,
) -> Option<Place> {
    let Some((lon, lat)) = point(d.get("location")) else {
        debug!(event.id = %e.event.id, seq = e.seq, layer, "ops projection: no usable Point `location`; not on the map");
        return None;
    };
    Some(Place {
        layer: layer.to_owned(),
        id: id.to_owned(),
        lon,
        lat,
        name: name.to_string(),
        props: Value::Object(props).to_string(),
        updated_at: observed(e, d, time_field),
        seq: e.seq,
    })
}

/// A GeoJSON Point's (lon, lat), if in range.
fn point(location: Option<&Value>) -> Option<(f64, f64)> {
    let l = location?.as_object()?;
    if l.get("type").and_then(Value::as_str) != Some("Point") {
        return None;
    }
    let c = l.get("coordinates")?.as_array()?;
    let (lon, lat) = (c.first()?.as_f64()?, c.get(1)?.as_f64()?);
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then_some((lon, lat))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projection::ops::tests::stored;

    const AT: &str = "2026-11-27T07:00:00+07:00";

    fn upserted(c: Option<PlaceChange>) -> (Place, Value, Value) {
        match c {
            Some(PlaceChange::Upsert(p)) => {
                let name = serde_json::from_str(&p.name).unwrap();
                let props = serde_json::from_str(&p.props).unwrap();
                (p, name, props)
            }
            other => panic!("not an upsert: {other:?}"),
        }
    }

    fn location() -> Value {
        json!({"type": "Point", "coordinates": [106.7, 21.98]})
    }

    #[test]
    fn a_border_queue_is_a_gate_with_its_queue_and_bilingual_name() {
        let gate_name =
            json!({"vi": "Cửa khẩu Quốc tế Hữu Nghị", "en": "Hữu Nghị International Border Gate"});
        let e = stored(
            "city.traffic.border-queue",
            "huu-nghi",
            AT,
            json!({"gate": "huu-nghi", "gateName": gate_name, "road": "QL1A", "location": location(),
                   "queueLength": 2400, "growthPerHour": 120.0, "clearancePerHour": 85.0,
                   "trend": "growing", "observedAt": "2026-11-27T06:59:00+07:00"}),
        );
        let (p, name, props) = upserted(change("traffic.border-queue", &e));
        assert_eq!(
            (p.layer.as_str(), p.id.as_str(), p.lon, p.lat),
            ("gate", "huu-nghi", 106.7, 21.98)
        );
        assert_eq!(name, gate_name);
        assert_eq!(
            props,
            json!({"queueLength": 2400, "growthPerHour": 120.0, "clearancePerHour": 85.0, "trend": "growing", "road": "QL1A"})
        );
        assert_eq!(
            (p.updated_at.as_str(), p.seq),
            ("2026-11-27T06:59:00+07:00", 7)
        );
    }

    #[test]
    fn congestion_and_readings_are_segments_on_their_road() {
        let d = json!({"refRoadSegment": "QL1A-km2", "location": location(), "averageVehicleSpeed": 12.5,
                       "level": "heavy", "congested": true});
        let (p, name, props) = upserted(change(
            "traffic.congestion",
            &stored("city.traffic.congestion", "QL1A-km2", AT, d),
        ));
        assert_eq!((p.layer.as_str(), name), (SEGMENT, json!("QL1A-km2")));
        assert_eq!(
            props,
            json!({"road": "QL1A", "level": "heavy", "speed": 12.5})
        );
        let d = json!({"refRoadSegment": "QL4A-km8", "location": location(), "averageVehicleSpeed": 40,
                       "dateObservedTo": "2026-11-27T07:05:00+07:00"});
        let Some(PlaceChange::InsertIfAbsent(p)) =
            reading(&stored("city.traffic.reading", "QL4A-km8", AT, d))
        else {
            panic!("a reading inserts if absent");
        };
        assert_eq!(
            p.props,
            json!({"road": "QL4A", "level": "free", "speed": 40}).to_string()
        );
        assert_eq!(p.updated_at.as_str(), "2026-11-27T07:05:00+07:00");
    }

    #[test]
    fn incidents_come_and_go_and_sites_and_hospitals_need_a_location() {
        let active = json!({"incidentId": "inc-7", "category": "accident", "road": "QL1A", "location": location(),
                            "description": "Va chạm xe tải tại Km 12", "status": "active"});
        let (p, name, props) = upserted(change(
            "traffic.incident",
            &stored("city.traffic.incident", "inc-7", AT, active),
        ));
        assert_eq!(
            (p.id.as_str(), name),
            ("inc-7", json!("Va chạm xe tải tại Km 12"))
        );
        assert_eq!(
            props,
            json!({"category": "accident", "road": "QL1A", "description": "Va chạm xe tải tại Km 12"})
        );
        let cleared = json!({"incidentId": "inc-7", "status": "cleared"});
        assert_eq!(
            change(
                "traffic.incident",
                &stored("city.traffic.incident", "inc-7", AT, cleared)
            ),
            Some(PlaceChange::Delete {
                layer: "incident".into(),
                id: "inc-7".into()
            })
        );

        let site = json!({"site": "mau-son", "siteName": "Khu du lịch Mẫu Sơn", "present": 4200, "location": location()});
        let (p, name, props) = upserted(change(
            "tourism.visitors",
            &stored("city.tourism.visitors", "mau-son", AT, site),
        ));
        assert_eq!(
            (p.layer.as_str(), name, props),
            (
                "site",
                json!("Khu du lịch Mẫu Sơn"),
                json!({"present": 4200})
            )
        );
        let beds = json!({"hospital": "bvdk-tinh", "hospitalName": "Bệnh viện Đa khoa tỉnh", "bedsTotal": 560,
                          "bedsOccupied": 522, "location": location()});
        let (p, _, props) = upserted(change(
            "health.beds",
            &stored("city.health.beds", "bvdk-tinh", AT, beds),
        ));
        assert_eq!(
            (p.layer.as_str(), props),
            ("hospital", json!({"bedsOccupied": 522, "bedsTotal": 560}))
        );

        for location in [
            Value::Null,
            json!({"type": "Point", "coordinates": [200.0, 21.0]}),
            json!({"type": "LineString"}),
        ] {
            let site = json!({"site": "mau-son", "present": 1, "location": location});
            assert_eq!(
                change(
                    "tourism.visitors",
                    &stored("city.tourism.visitors", "mau-son", AT, site)
                ),
                None
            );
        }
        assert_eq!(
            change(
                "tourism.occupancy",
                &stored("city.tourism.occupancy", "x", AT, json!({}))
            ),
            None
        );
    }
}
