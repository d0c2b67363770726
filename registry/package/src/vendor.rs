//! [`VendorId`]: who signed a package, as keys, trust lists and the registry
//! name vendors.

use std::{fmt, str::FromStr};

use crate::Error;

/// A vendor's id: 1 to 64 lowercase ASCII letters, digits or `-`, neither
/// starting nor ending with `-` (`acme`, `so-gtvt-lang-son`). It names a
/// vendor's key in key files, in a city's `[trust.vendors]` and in the
/// registry; it is not the free-text `vendor` of `plugin.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VendorId(String);

impl VendorId {
    /// The longest id, in bytes.
    pub const MAX_LEN: usize = 64;

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks an id read from a package's signature, which may be any bytes.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.parse(),
            Err(_) => Err(Error::BadVendorId {
                id: String::from_utf8_lossy(bytes).into_owned(),
            }),
        }
    }
}

impl FromStr for VendorId {
    type Err = Error;

    /// Checks `s`; the error says what an id may be.
    fn from_str(s: &str) -> Result<Self, Error> {
        let ok = (1..=Self::MAX_LEN).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(Error::BadVendorId { id: s.to_owned() })
        }
    }
}

impl fmt::Display for VendorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for good in ["acme", "so-gtvt-lang-son", "v2", "9", &"a".repeat(64)] {
            let id: VendorId = good.parse().unwrap();
            assert_eq!(id.as_str(), good);
            assert_eq!(id.to_string(), good);
        }
        for bad in [
            "",
            "-acme",
            "acme-",
            "Acme",
            "ac me",
            "ác",
            "a_b",
            &"a".repeat(65),
        ] {
            let err = bad.parse::<VendorId>().unwrap_err();
            assert!(
                err.to_string().contains("lowercase ASCII letters"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn ids_from_bytes_that_are_not_utf8_are_refused_by_name() {
        let err = VendorId::from_bytes(&[0x61, 0xff]).unwrap_err();
        assert_eq!(
            err,
            Error::BadVendorId {
                id: "a\u{fffd}".into()
            }
        );
    }
}
