//! A log event as a JetStream message: the CloudEvent in structured JSON,
//! and in headers its seq (also `Nats-Msg-Id`, JetStream's duplicate
//! check), its origin and when it was recorded. A replay adds the route it
//! is for.

use async_nats::HeaderMap;
use bytes::Bytes;
use cityhub_cloudevents::{CloudEvent, Timestamp};
use cityhub_store::StoredEvent;

const SEQ: &str = "Cityhub-Seq";
const ORIGIN: &str = "Cityhub-Origin";
const RECORDED: &str = "Cityhub-Recorded-At";
const REPLAY: &str = "Cityhub-Replay-Route";

/// A decoded message: the event, and the route it replays to, if any.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub stored: StoredEvent,
    pub replay_for: Option<String>,
}

/// Headers and payload of `e`; `replay` names the route of a replay, with a
/// nonce so that a replay is never taken for a duplicate.
pub(crate) fn encode(e: &StoredEvent, replay: Option<(&str, &str)>) -> (HeaderMap, Bytes) {
    let mut h = HeaderMap::new();
    match replay {
        None => h.insert("Nats-Msg-Id", e.seq.to_string().as_str()),
        Some((route, nonce)) => {
            h.insert(REPLAY, route);
            h.insert(
                "Nats-Msg-Id",
                format!("replay:{route}:{nonce}:{}", e.seq).as_str(),
            );
        }
    }
    h.insert(SEQ, e.seq.to_string().as_str());
    h.insert(RECORDED, e.recorded_at.to_string().as_str());
    if let Some(o) = &e.origin {
        h.insert(ORIGIN, o.as_str());
    }
    let mut body = Vec::with_capacity(256);
    e.event.write_json(&mut body);
    (h, Bytes::from(body))
}

/// The event a message carries, or why it cannot be read (a message not
/// written by [`encode`]: it can never be delivered).
pub(crate) fn decode(headers: Option<&HeaderMap>, payload: &[u8]) -> Result<Decoded, String> {
    let h = headers.ok_or("no headers")?;
    let get = |k: &str| h.get(k).map(|v| v.as_str().to_owned());
    let seq = get(SEQ)
        .ok_or(format!("no {SEQ} header"))?
        .parse()
        .map_err(|e| format!("{SEQ}: {e}"))?;
    let recorded_at = match get(RECORDED) {
        Some(t) => Timestamp::parse(&t).map_err(|e| format!("{RECORDED}: {e}"))?,
        None => Timestamp::now(),
    };
    let event = CloudEvent::from_json_slice(payload).map_err(|e| format!("the event: {e}"))?;
    Ok(Decoded {
        stored: StoredEvent {
            seq,
            recorded_at,
            origin: get(ORIGIN),
            event,
        },
        replay_for: get(REPLAY),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_survives_the_wire() {
        let event = CloudEvent::from_json(
            r#"{"specversion":"1.0","id":"r-1","source":"/s","type":"city.traffic.reading","data":{"speed":12}}"#,
        )
        .unwrap();
        let stored = StoredEvent {
            seq: 42,
            recorded_at: Timestamp::now(),
            origin: Some("traffic".into()),
            event,
        };
        let (h, body) = encode(&stored, None);
        let back = decode(Some(&h), &body).unwrap();
        assert_eq!(back.stored.seq, 42);
        assert_eq!(back.stored.origin.as_deref(), Some("traffic"));
        assert_eq!(back.stored.event, stored.event);
        assert_eq!(back.replay_for, None);
        let (h, _) = encode(&stored, Some(("r1", "n")));
        assert_eq!(h.get("Nats-Msg-Id").unwrap().as_str(), "replay:r1:n:42");
        assert!(decode(None, &body).unwrap_err().contains("no headers"));
    }
}
