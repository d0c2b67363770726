//! [`Capability`]: what a plugin may ask the host for, one per imported
//! `cityhub:plugin` interface.

use std::{fmt, str::FromStr};

/// A host interface a plugin imports, declared in `plugin.toml`'s
/// `capabilities` and granted by the city (`grants` in `city.toml`). The
/// host refuses a component importing an interface its manifest does not
/// declare. Ordered as listed here, which is how manifests keep them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// `cityhub:plugin/log`: write records to the host's log.
    Log,
    /// `cityhub:plugin/state`: the plugin's own key-value state.
    State,
    /// `cityhub:plugin/clock`: the current time.
    Clock,
}

impl Capability {
    /// Every capability, in order.
    pub const ALL: [Capability; 3] = [Capability::Log, Capability::State, Capability::Clock];

    /// The name in `plugin.toml` and `city.toml` (`log`, `state`, `clock`),
    /// which is also the WIT interface's name.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Log => "log",
            Capability::State => "state",
            Capability::Clock => "clock",
        }
    }

    /// One line saying what granting it allows, for install prompts.
    pub fn describe(self) -> &'static str {
        match self {
            Capability::Log => {
                "write records to the host's log (a bounded number per batch, long messages cut)"
            }
            Capability::State => {
                "keep its own key-value state in the city's store, up to its `state-quota`"
            }
            Capability::Clock => "read the current time (wall clock, fixed for each batch)",
        }
    }

    /// `` `log`, `state` and `clock` ``, for messages.
    fn listed() -> String {
        let names: Vec<String> = Self::ALL.iter().map(|c| format!("`{c}`")).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }
}

impl FromStr for Capability {
    type Err = String;

    /// Parses a name; the error names the valid ones.
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown capability `{s}`: the capabilities are {}",
                    Self::listed()
                )
            })
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_roundtrip_and_unknown_names_list_the_valid_ones() {
        for c in Capability::ALL {
            assert_eq!(c.name().parse::<Capability>(), Ok(c));
            assert_eq!(c.to_string(), c.name());
            assert!(!c.describe().is_empty());
        }
        assert_eq!(
            "net".parse::<Capability>().unwrap_err(),
            "unknown capability `net`: the capabilities are `log`, `state` and `clock`"
        );
        assert!("Log".parse::<Capability>().is_err());
    }
}
