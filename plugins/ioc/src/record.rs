//! How the plugin keeps records in state: small JSON values, times as
//! RFC 3339 in UTC with full precision (so a redelivered event compares
//! equal to the one stored), and unreadable records logged and dropped.

use cityhub_sdk::city::local_rfc3339;
use cityhub_sdk::{Context, Event, Timestamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A [`Timestamp`] stored as RFC 3339 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct At(pub Timestamp);

impl At {
    /// The time at the province's offset, whole seconds, for output.
    pub fn local(self) -> String {
        local_rfc3339(self.0)
    }
}

impl Serialize for At {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Timestamp::parse_rfc3339(&text)
            .map(At)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 date-time: {text:?}")))
    }
}

/// The record under `key`; an unreadable one is logged (naming `event`)
/// and counts as none, so the entity starts afresh rather than sticking.
pub fn load<T: DeserializeOwned>(ctx: &mut Context<'_>, key: &str, event: &Event<'_>) -> Option<T> {
    match ctx.state().get_json::<T>(key) {
        Ok(record) => record,
        Err(err) => {
            ctx.log().error(
                "state unreadable, starting afresh",
                &[
                    ("key", key),
                    ("event", event.id()),
                    ("error", err.message()),
                ],
            );
            None
        }
    }
}
