//! [`to_event`]: one MQTT message as one CloudEvent.

use bytes::Bytes;
use cityhub_cloudevents::{
    CloudEvent, Timestamp,
    http::{Limits, parse_request},
};
use cityhub_config::MqttTopic;
use http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};

/// Why a message can never become an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// The payload is not JSON.
    NotJson(String),
    /// A structured CloudEvent that does not parse, is too large, or has
    /// another type than the mapping's.
    BadEvent(String),
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson(why) | Self::BadEvent(why) => f.write_str(why),
        }
    }
}

/// The CloudEvent for a message on `topic` with `payload`, mapped by
/// `mapping`, at most `max_event_bytes` (attributes and data, as over HTTP).
///
/// A JSON object with a `specversion` member is a structured-mode
/// CloudEvent and is taken as it is, once its `type` is the mapping's. Any
/// other JSON value becomes `data` (`datacontenttype` `application/json`)
/// of a new event: `id` a new UUIDv7, `source` and `type` the mapping's,
/// `subject` the topic, `time` now.
pub fn to_event(
    topic: &str,
    payload: &Bytes,
    mapping: &MqttTopic,
    max_event_bytes: usize,
) -> Result<CloudEvent, Invalid> {
    let value: serde_json::Value = serde_json::from_slice(payload).map_err(|e| {
        Invalid::NotJson(format!(
            "the payload of a message on `{topic}` is not JSON ({e}); publish JSON, or a structured CloudEvent"
        ))
    })?;
    let limits = Limits {
        max_event_bytes,
        max_batch_events: 1,
    };
    if value.get("specversion").is_some() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/cloudevents+json"),
        );
        let event = parse_request(&headers, payload.clone(), &limits)
            .map_err(|e| {
                Invalid::BadEvent(format!(
                    "a message on `{topic}` is a structured CloudEvent that is not valid: {e}"
                ))
            })?
            .into_iter()
            .next()
            .ok_or_else(|| Invalid::BadEvent(format!("a message on `{topic}` holds no event")))?;
        if event.ty != mapping.event_type {
            return Err(Invalid::BadEvent(format!(
                "event `{}` on `{topic}` has type `{}`, but `{}` carries `{}`: publish that type there, or map the topic to this one in `[[mqtt.topics]]`",
                event.id, event.ty, mapping.filter, mapping.event_type
            )));
        }
        return Ok(event);
    }
    let mut event = CloudEvent::new(
        uuid::Uuid::now_v7().to_string(),
        mapping.source.clone(),
        mapping.event_type.clone(),
    );
    event.subject = Some(topic.to_owned());
    event.time = Some(Timestamp::now());
    event.datacontenttype = Some("application/json".to_owned());
    event.data = Some(payload.clone());
    if event.size() > max_event_bytes {
        return Err(Invalid::BadEvent(format!(
            "a message on `{topic}` makes an event of {} bytes, over `[server] max-event` ({max_event_bytes} bytes)",
            event.size()
        )));
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use cityhub_cloudevents::EventType;
    use cityhub_config::TopicFilter;

    use super::*;

    fn mapping() -> MqttTopic {
        MqttTopic {
            filter: TopicFilter::new("langson/traffic/+/reading").unwrap(),
            event_type: EventType::new("city.traffic.reading").unwrap(),
            source: "/sensors/traffic".into(),
        }
    }

    const TOPIC: &str = "langson/traffic/QL1A/reading";

    #[test]
    fn json_payload_becomes_data() {
        let p = Bytes::from_static(br#"{"segment":"QL1A","speed_kmh":12}"#);
        let e = to_event(TOPIC, &p, &mapping(), 1 << 20).unwrap();
        assert_eq!(e.ty.as_str(), "city.traffic.reading");
        assert_eq!(e.source, "/sensors/traffic");
        assert_eq!(e.subject.as_deref(), Some(TOPIC));
        assert_eq!(e.data.as_ref(), Some(&p));
        assert_eq!(e.datacontenttype.as_deref(), Some("application/json"));
        assert!(e.time.is_some());
        let id = uuid::Uuid::parse_str(&e.id).unwrap();
        assert_eq!(id.get_version_num(), 7);
        let again = to_event(TOPIC, &p, &mapping(), 1 << 20).unwrap();
        assert_ne!(e.id, again.id, "every message gets its own id");
    }

    #[test]
    fn structured_event_is_kept() {
        let p = Bytes::from_static(
            br#"{"specversion":"1.0","id":"r-1","source":"/s/1","type":"city.traffic.reading","data":{"speed_kmh":3}}"#,
        );
        let e = to_event(TOPIC, &p, &mapping(), 1 << 20).unwrap();
        assert_eq!((e.id.as_str(), e.source.as_str()), ("r-1", "/s/1"));
        assert_eq!(e.subject, None);
    }

    #[test]
    fn structured_event_of_another_type_is_invalid() {
        let p = Bytes::from_static(
            br#"{"specversion":"1.0","id":"r-1","source":"/s/1","type":"city.air.reading"}"#,
        );
        let Err(Invalid::BadEvent(m)) = to_event(TOPIC, &p, &mapping(), 1 << 20) else {
            panic!("accepted")
        };
        assert!(m.contains("has type `city.air.reading`, but `langson/traffic/+/reading` carries `city.traffic.reading`"), "{m}");
        let p = Bytes::from_static(br#"{"specversion":"1.0","id":""}"#);
        assert!(matches!(
            to_event(TOPIC, &p, &mapping(), 1 << 20),
            Err(Invalid::BadEvent(_))
        ));
    }

    #[test]
    fn not_json_and_too_large() {
        let p = Bytes::from_static(b"speed=12");
        let Err(Invalid::NotJson(m)) = to_event(TOPIC, &p, &mapping(), 1 << 20) else {
            panic!("accepted")
        };
        assert!(m.contains("is not JSON"), "{m}");
        let p = Bytes::from(format!("\"{}\"", "x".repeat(2000)));
        let Err(Invalid::BadEvent(m)) = to_event(TOPIC, &p, &mapping(), 1000) else {
            panic!("accepted")
        };
        assert!(m.contains("over `[server] max-event` (1000 bytes)"), "{m}");
    }
}
