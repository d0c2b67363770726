//! [`EventType`]: a CloudEvents `type` that is also a bus topic.

use std::{fmt, str::FromStr, sync::Arc};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Error;

/// The longest event type accepted, in bytes.
pub const MAX_TYPE_LEN: usize = 255;

/// A CloudEvents `type` that can be a topic: one or more dot-separated tokens
/// of ASCII letters, digits, `-` and `_` (`city.traffic.reading`,
/// `cityhub.plugin.suspended`), at most 255 bytes. Cheap to clone.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventType(Arc<str>);

impl EventType {
    /// Parses and checks `s`.
    pub fn new(s: &str) -> Result<Self, Error> {
        check_tokens(s, false).map_err(|why| Error::invalid_type(s, why))?;
        Ok(Self(Arc::from(s)))
    }

    /// The type as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The dot-separated tokens.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }
}

/// Checks dot-separated tokens; with `wildcards`, a token may also be `*`, and
/// the last token may be `>`. Returns why not, for the error message.
pub(crate) fn check_tokens(s: &str, wildcards: bool) -> Result<(), &'static str> {
    if s.is_empty() {
        return Err("it is empty");
    }
    if s.len() > MAX_TYPE_LEN {
        return Err("it is longer than 255 bytes");
    }
    let count = s.split('.').count();
    for (i, token) in s.split('.').enumerate() {
        if token.is_empty() {
            return Err("it has an empty token (two dots in a row, or a dot at an end)");
        }
        if wildcards && token == "*" {
            continue;
        }
        if wildcards && token == ">" {
            if i + 1 == count {
                continue;
            }
            return Err("`>` may only be the last token");
        }
        if !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(if wildcards {
                "tokens are ASCII letters, digits, `-` and `_`, or a wildcard `*` / final `>`"
            } else {
                "tokens are ASCII letters, digits, `-` and `_` (no wildcards, spaces or other symbols)"
            });
        }
    }
    Ok(())
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventType({:?})", &*self.0)
    }
}

impl FromStr for EventType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl AsRef<str> for EventType {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_city_and_platform_types() {
        for ok in [
            "city.traffic.reading",
            "cityhub.plugin.suspended",
            "a",
            "x-1.y_2",
        ] {
            assert_eq!(EventType::new(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn refuses_bad_types_saying_why() {
        for (bad, why) in [
            ("", "empty"),
            ("city..x", "empty token"),
            ("city.traffic.", "empty token"),
            ("city.*", "no wildcards"),
            ("city traffic", "no wildcards"),
            ("city.giao-thông", "ASCII"),
        ] {
            let err = EventType::new(bad).unwrap_err().to_string();
            assert!(err.contains(why), "{bad:?}: {err}");
            assert!(err.contains(&format!("`{bad}`")), "{bad:?}: {err}");
        }
        assert!(EventType::new(&"a".repeat(256)).is_err());
    }
}
