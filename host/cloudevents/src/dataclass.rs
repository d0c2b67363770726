//! Data classes: the CloudEvents extension [`DATACLASS`] says what kind of
//! data an event carries (`personal`, `health`, …), so that the host
//! delivers it only to plugins approved for that class.
//!
//! [`DataClass`] is a checked class name; [`ClassPolicy`] is the city's
//! `[ingest] classes` table (type pattern → class), which the host applies
//! to every event entering the log ([`ClassPolicy::stamp`]): an event whose
//! type matches a pattern gets that class, and one claiming another class is
//! refused. An event no pattern matches keeps the class it claims, if any.

use std::{fmt, str::FromStr};

use crate::{CloudEvent, EventType, TypePattern};

/// The extension attribute holding an event's data class.
pub const DATACLASS: &str = "dataclass";

/// The most characters of a class name.
const MAX_LEN: usize = 64;

/// A data class name: lowercase ASCII letters, digits and `-`, starting with
/// a letter, at most 64 characters (`personal`, `health`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DataClass(String);

impl DataClass {
    /// Checks `s`; the error says what is wrong and gives an example.
    pub fn new(s: &str) -> Result<Self, String> {
        let mut chars = s.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && s.len() <= MAX_LEN;
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "`{s}` is not a data class name: use lowercase letters, digits and `-`, starting with a letter, at most {MAX_LEN} characters, e.g. `personal` or `health`"
            ))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DataClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DataClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl FromStr for DataClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::new(s)
    }
}

/// The class an event carries (its [`DATACLASS`] extension), if any.
pub fn class_of(e: &CloudEvent) -> Option<&str> {
    e.extensions.get(DATACLASS).map(String::as_str)
}

/// Why [`ClassPolicy::stamp`] refused an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassError {
    /// The event claims a class other than the one the city gives its type.
    #[error(
        "event `{id}` of type `{ty}` claims `dataclass` `{claimed}`, but this city classes `{ty}` as `{policy}` (`[ingest] classes`): send it with `dataclass` `{policy}` or without `dataclass`"
    )]
    Conflict {
        /// The event's id.
        id: String,
        /// Its type.
        ty: String,
        /// The class it claims.
        claimed: String,
        /// The class the city's policy gives its type.
        policy: DataClass,
    },
    /// The event's `dataclass` is not a class name.
    #[error("event `{id}` has an invalid `dataclass`: {reason}")]
    Invalid {
        /// The event's id.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// The city's data classes by event type (`[ingest] classes`): no two
/// patterns that overlap give different classes (the configuration checks
/// it), so each type has at most one class.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassPolicy {
    rules: Vec<(TypePattern, DataClass)>,
}

impl ClassPolicy {
    /// A policy of `rules`, pattern → class.
    pub fn new(rules: Vec<(TypePattern, DataClass)>) -> Self {
        Self { rules }
    }

    /// The rules, as given.
    pub fn rules(&self) -> &[(TypePattern, DataClass)] {
        &self.rules
    }

    /// The class the policy gives `ty`, if any.
    pub fn class_for(&self, ty: &EventType) -> Option<&DataClass> {
        self.rules
            .iter()
            .find(|(p, _)| p.matches(ty))
            .map(|(_, c)| c)
    }

    /// Sets `e`'s [`DATACLASS`] to the class its type has; refuses an event
    /// claiming another class, or a claimed class that is not a class name.
    /// An event whose type has no class keeps the (valid) class it claims.
    /// Called once per event entering the log: ingest, Open311, plugin outputs.
    pub fn stamp(&self, e: &mut CloudEvent) -> Result<(), ClassError> {
        let claimed = class_of(e);
        match (self.class_for(&e.ty), claimed) {
            (Some(policy), Some(c)) if c != policy.as_str() => Err(ClassError::Conflict {
                id: e.id.clone(),
                ty: e.ty.to_string(),
                claimed: c.to_owned(),
                policy: policy.clone(),
            }),
            (Some(policy), _) => {
                let class = policy.to_string();
                e.extensions.insert(DATACLASS.to_owned(), class);
                Ok(())
            }
            (None, Some(c)) => {
                DataClass::new(c)
                    .map(|_| ())
                    .map_err(|reason| ClassError::Invalid {
                        id: e.id.clone(),
                        reason,
                    })
            }
            (None, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(ty: &str, class: Option<&str>) -> CloudEvent {
        let mut e = CloudEvent::new("e1", "/test", EventType::new(ty).unwrap());
        if let Some(c) = class {
            e.extensions.insert(DATACLASS.into(), c.into());
        }
        e
    }

    fn policy() -> ClassPolicy {
        ClassPolicy::new(vec![(
            TypePattern::new("city.fieldreport.contact").unwrap(),
            DataClass::new("personal").unwrap(),
        )])
    }

    #[test]
    fn class_names_are_checked() {
        for ok in ["personal", "health", "a", "p2-x"] {
            assert!(DataClass::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Personal", "2x", "-a", "a_b", "a.b", &"x".repeat(65)] {
            let e = DataClass::new(bad).unwrap_err();
            assert!(e.contains("not a data class name"), "{bad}: {e}");
        }
    }

    #[test]
    fn stamps_the_policy_class_and_refuses_another() {
        let p = policy();
        let mut e = event("city.fieldreport.contact", None);
        p.stamp(&mut e).unwrap();
        assert_eq!(class_of(&e), Some("personal"));
        let mut same = event("city.fieldreport.contact", Some("personal"));
        p.stamp(&mut same).unwrap();
        let mut other = event("city.fieldreport.contact", Some("public"));
        let err = p.stamp(&mut other).unwrap_err().to_string();
        assert!(
            err.contains("`public`") && err.contains("`personal`"),
            "{err}"
        );
    }

    #[test]
    fn an_unclassed_type_keeps_a_valid_claim() {
        let p = policy();
        let mut e = event("city.health.case-report", Some("health"));
        p.stamp(&mut e).unwrap();
        assert_eq!(class_of(&e), Some("health"));
        let mut none = event("city.traffic.reading", None);
        p.stamp(&mut none).unwrap();
        assert_eq!(class_of(&none), None);
        let mut bad = event("city.traffic.reading", Some("Not A Class"));
        assert!(matches!(p.stamp(&mut bad), Err(ClassError::Invalid { .. })));
    }
}
