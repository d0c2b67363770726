//! [`TypePattern`]: NATS-style patterns over event types.

use std::{fmt, str::FromStr, sync::Arc};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, EventType, ty::check_tokens};

/// A pattern over event types, as NATS subjects are matched: tokens separated
/// by dots, where `*` matches exactly one token and a final `>` matches one or
/// more tokens. `city.traffic.*` matches `city.traffic.reading` but not
/// `city.traffic.gate.queue`; `city.>` matches both; a pattern without
/// wildcards matches only itself.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypePattern(Arc<str>);

impl TypePattern {
    /// Parses and checks `s`.
    pub fn new(s: &str) -> Result<Self, Error> {
        check_tokens(s, true).map_err(|why| Error::invalid_pattern(s, why))?;
        Ok(Self(Arc::from(s)))
    }

    /// The pattern as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the pattern has no wildcard (matches exactly one type).
    pub fn is_exact(&self) -> bool {
        !self.0.split('.').any(|t| t == "*" || t == ">")
    }

    /// Whether `ty` matches. Runs in time linear in the tokens, allocates nothing.
    pub fn matches(&self, ty: &EventType) -> bool {
        self.matches_str(ty.as_str())
    }

    /// Like [`TypePattern::matches`], on a type not yet parsed.
    pub fn matches_str(&self, ty: &str) -> bool {
        let mut types = ty.split('.');
        for p in self.0.split('.') {
            match (p, types.next()) {
                (">", Some(_)) => return true,
                (_, None) => return false,
                ("*", Some(_)) => {}
                (p, Some(t)) if p == t => {}
                _ => return false,
            }
        }
        types.next().is_none()
    }

    /// Whether every type this pattern matches is also matched by `other`
    /// (used to check that what a plugin emits is what it declared).
    pub fn is_subset_of(&self, other: &TypePattern) -> bool {
        let mine: Vec<&str> = self.0.split('.').collect();
        let theirs: Vec<&str> = other.0.split('.').collect();
        for (i, o) in theirs.iter().enumerate() {
            match (*o, mine.get(i).copied()) {
                (">", Some(_)) => return true,
                (_, None) => return false,
                (_, Some(">")) => return false,
                ("*", Some(_)) => {}
                (o, Some(m)) if o == m => {}
                _ => return false,
            }
        }
        mine.len() == theirs.len()
    }
}

impl TypePattern {
    /// Whether some type matches both patterns (used to find which routes a
    /// plugin's outputs can reach, and so cycles between plugins).
    pub fn overlaps(&self, other: &TypePattern) -> bool {
        let mut a = self.0.split('.');
        let mut b = other.0.split('.');
        loop {
            match (a.next(), b.next()) {
                (None, None) => return true,
                (None, Some(_)) | (Some(_), None) => return false,
                (Some(">"), Some(_)) | (Some(_), Some(">")) => return true,
                (Some("*"), Some(_)) | (Some(_), Some("*")) => {}
                (Some(x), Some(y)) if x == y => {}
                _ => return false,
            }
        }
    }
}

impl From<EventType> for TypePattern {
    fn from(t: EventType) -> Self {
        Self(Arc::from(t.as_str()))
    }
}

impl fmt::Display for TypePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TypePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypePattern({:?})", &*self.0)
    }
}

impl FromStr for TypePattern {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl Serialize for TypePattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TypePattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> TypePattern {
        TypePattern::new(s).unwrap()
    }

    #[test]
    fn matches_like_nats_subjects() {
        let cases = [
            ("city.traffic.reading", "city.traffic.reading", true),
            ("city.traffic.reading", "city.traffic.readings", false),
            ("city.traffic.*", "city.traffic.reading", true),
            ("city.traffic.*", "city.traffic.gate.queue", false),
            ("city.traffic.*", "city.traffic", false),
            ("city.>", "city.traffic.gate.queue", true),
            ("city.>", "city", false),
            ("*.traffic.>", "city.traffic.x", true),
            (">", "anything.at.all", true),
        ];
        for (pat, ty, want) in cases {
            assert_eq!(p(pat).matches_str(ty), want, "{pat} ~ {ty}");
        }
    }

    #[test]
    fn subset_follows_the_wildcards() {
        assert!(p("city.traffic.congestion").is_subset_of(&p("city.traffic.*")));
        assert!(p("city.traffic.*").is_subset_of(&p("city.>")));
        assert!(p("city.traffic.>").is_subset_of(&p("city.>")));
        assert!(!p("city.>").is_subset_of(&p("city.traffic.>")));
        assert!(!p("city.traffic.>").is_subset_of(&p("city.traffic.*")));
        assert!(!p("city.*").is_subset_of(&p("city.traffic")));
    }

    #[test]
    fn overlap_means_some_type_matches_both() {
        let cases = [
            ("city.traffic.*", "city.*.congestion", true),
            ("city.>", "city.traffic.reading", true),
            ("city.>", "city", false),
            ("city.traffic.*", "city.traffic.gate.queue", false),
            ("city.traffic.>", "city.*.gate.queue", true),
            ("city.health.*", "city.traffic.*", false),
            (">", "a", true),
            ("a.b", "a.b", true),
        ];
        for (x, y, want) in cases {
            assert_eq!(p(x).overlaps(&p(y)), want, "{x} & {y}");
            assert_eq!(p(y).overlaps(&p(x)), want, "{y} & {x}");
        }
    }

    #[test]
    fn refuses_misplaced_wildcards() {
        let err = TypePattern::new("city.>.reading").unwrap_err().to_string();
        assert!(err.contains("`>` may only be the last token"), "{err}");
        assert!(TypePattern::new("city.traf*").is_err());
        assert!(p("city.traffic.reading").is_exact());
        assert!(!p("city.*.reading").is_exact());
    }
}
