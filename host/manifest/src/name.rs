//! [`PluginName`]: how plugins are named everywhere (routes, metrics, state).

use std::{fmt, sync::Arc};

/// A plugin's name: 1 to 64 lowercase ASCII letters, digits or `-`, starting
/// with a letter (`traffic`, `field-reports`). Cheap to clone.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PluginName(Arc<str>);

impl PluginName {
    /// Checks `s`; the error says what a name may be.
    pub fn new(s: &str) -> Result<Self, String> {
        let ok = (1..=64).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.ends_with('-');
        if ok {
            Ok(Self(Arc::from(s)))
        } else {
            Err(format!(
                "plugin name `{s}` is not valid: use 1-64 lowercase ASCII letters, digits or `-`, starting with a letter (e.g. `field-reports`)"
            ))
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PluginName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PluginName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PluginName({:?})", &*self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(PluginName::new("field-reports").is_ok());
        for bad in [
            "",
            "Traffic",
            "1traffic",
            "traffic-",
            "giao_thong",
            &"a".repeat(65),
        ] {
            assert!(PluginName::new(bad).is_err(), "{bad}");
        }
    }
}
