//! The lifecycle of a graded alert, one that opens at some severity, may
//! change severity while open, and resolves: what to announce when the
//! severity the rule asks for now differs from the one announced. A plugin
//! keeps the severity of its open alert (or none) in state, works out the
//! severity its rule wants for the new figures (hysteresis included: that
//! is the rule's business), and asks [`AlertChange::between`] what to emit.
//!
//! ```
//! use cityhub_sdk::city::{AlertChange, Severity};
//! let open = Some(Severity::High);
//! assert_eq!(AlertChange::between(None, open), Some(AlertChange::Open(Severity::High)));
//! assert_eq!(AlertChange::between(open, open), None); // nothing new
//! assert_eq!(AlertChange::between(open, None), Some(AlertChange::Resolved));
//! ```

use super::Severity;

/// What to announce about a graded alert (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertChange {
    /// The alert opens, or its severity changes while open: announce it
    /// `open` at this severity.
    Open(Severity),
    /// The alert is resolved.
    Resolved,
}

impl AlertChange {
    /// What to announce when the alert stood at `open` (its severity, or
    /// `None` when it is not open) and the rule now wants `wanted`: `None`
    /// when they agree, so an unchanged condition is announced once. The
    /// alert's new state is `wanted`.
    pub fn between(open: Option<Severity>, wanted: Option<Severity>) -> Option<Self> {
        match (open, wanted) {
            (None, None) => None,
            (Some(_), None) => Some(Self::Resolved),
            (was, Some(now)) => (was != Some(now)).then_some(Self::Open(now)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::{Critical, High, Medium};

    #[test]
    fn a_change_of_severity_is_announced_open_again() {
        assert_eq!(
            AlertChange::between(Some(Medium), Some(High)),
            Some(AlertChange::Open(High))
        );
        assert_eq!(
            AlertChange::between(Some(Critical), Some(High)),
            Some(AlertChange::Open(High))
        );
        assert_eq!(AlertChange::between(Some(High), Some(High)), None);
    }

    #[test]
    fn only_an_open_alert_resolves() {
        assert_eq!(AlertChange::between(None, None), None);
        assert_eq!(
            AlertChange::between(Some(Medium), None),
            Some(AlertChange::Resolved)
        );
    }
}
