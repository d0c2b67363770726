//! [`Token`]: the secret a vendor publishes with. The registry keeps only its
//! SHA-256, so a copy of the database does not let anyone publish.

use std::fmt;

use sha2::{Digest as _, Sha256};

use crate::Error;

/// What every token starts with, so that secret scanners can spot one.
const PREFIX: &str = "cityhub_vt_";

/// A vendor's publishing token: `cityhub_vt_` and 64 hex digits (256 random
/// bits from the OS). Shown once, when the vendor is added; its `Debug`
/// hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A new random token. Fails only if the OS has no randomness to give.
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::Randomness(e.to_string()))?;
        Ok(Self(format!("{PREFIX}{}", hex::encode(bytes))))
    }

    /// The token as the vendor passes it (`Authorization: Bearer <token>`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The hex SHA-256 the registry stores and looks the token up by.
    pub(crate) fn hash(text: &str) -> String {
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hidden_from_debug() {
        let (a, b) = (Token::generate().unwrap(), Token::generate().unwrap());
        assert_ne!(a, b);
        assert!(a.as_str().starts_with(PREFIX));
        assert_eq!(a.as_str().len(), PREFIX.len() + 64);
        assert_eq!(format!("{a:?}"), "Token(***)");
        assert_eq!(Token::hash(a.as_str()).len(), 64);
        assert_ne!(Token::hash(a.as_str()), Token::hash(b.as_str()));
    }
}
