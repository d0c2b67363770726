//! The platform's own events (`cityhub.*`, source `/cityhub`): what the bus
//! says about itself, stored in the log like any other event so that routes,
//! `GET /v1/events` and the dashboard see them.

use cityhub_cloudevents::{CloudEvent, EventType, Timestamp};
use serde_json::Value;

/// The `source` of every platform event.
pub const SOURCE: &str = "/cityhub";

/// A platform event of type `ty` (one of [`cityhub_config::PLATFORM_EVENTS`])
/// about `subject` (a plugin or route name) with JSON `data`.
pub(crate) fn event(ty: &str, subject: &str, data: Value) -> Option<CloudEvent> {
    let ty = EventType::new(ty).ok()?;
    let mut e = CloudEvent::new(uuid::Uuid::now_v7().to_string(), SOURCE, ty);
    e.subject = Some(subject.to_owned());
    e.time = Some(Timestamp::now());
    e.datacontenttype = Some("application/json".to_owned());
    e.data = Some(bytes::Bytes::from(data.to_string()));
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_type_makes_an_event() {
        for ty in cityhub_config::PLATFORM_EVENTS {
            let e = event(ty, "traffic", serde_json::json!({"plugin": "traffic"})).unwrap();
            assert_eq!(e.ty.as_str(), ty);
            assert_eq!(e.source, SOURCE);
            assert!(e.is_json());
        }
    }
}
