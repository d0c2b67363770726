//! API tokens: `chub_` + 43 characters of base64url (32 random bytes from
//! the operating system), shown once when made and stored only as
//! [`hash`], the SHA-256 hex of the whole string. Names identify tokens in
//! lists and audit records ([`check_name`]).

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use crate::Error;

/// Every token starts with this, so a leaked one is recognisable.
pub const PREFIX: &str = "chub_";

/// The length of a token: the prefix and 43 base64url characters.
pub const LEN: usize = PREFIX.len() + 43;

/// A new random token. Called once per token created; fails only when the
/// operating system's randomness does.
pub fn generate() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::NoRandomness(e.to_string()))?;
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The SHA-256 of the whole token string, lowercase hex (64 characters):
/// what the store keeps and looks tokens up by. Any string hashes, so a
/// malformed token is simply not found.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` has a token's shape (prefix, length, alphabet); a cheap
/// check before a lookup.
pub fn looks_valid(token: &str) -> bool {
    token.len() == LEN
        && token.starts_with(PREFIX)
        && token[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Checks a token name: `[a-z0-9][a-z0-9._-]{0,63}`.
pub fn check_name(name: &str) -> Result<(), Error> {
    let invalid = |why| Error::InvalidName {
        name: name.to_owned(),
        why,
    };
    let Some(first) = name.bytes().next() else {
        return Err(invalid("it is empty"));
    };
    if name.len() > 64 {
        return Err(invalid("it is longer than 64 characters"));
    }
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return Err(invalid("it must start with a-z or 0-9"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(invalid(
            "it has a character other than a-z, 0-9, `.`, `_`, `-`",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_shape_and_differ() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a, b);
        for t in [&a, &b] {
            assert_eq!(t.len(), LEN);
            assert!(looks_valid(t), "{t}");
        }
        assert!(!looks_valid("chub_short"));
        assert!(!looks_valid(&a.replace(PREFIX, "xxxx_")));
        assert!(!looks_valid(&format!("{}+", &a[..LEN - 1])));
    }

    #[test]
    fn hash_is_sha256_hex_of_the_whole_string() {
        // sha256("abc")
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let t = generate().unwrap();
        assert_eq!(hash(&t).len(), 64);
        assert_ne!(hash(&t), hash(&t[PREFIX.len()..]));
    }

    #[test]
    fn names_are_checked() {
        for ok in ["a", "ops-desk-1", "0.x_y", &"a".repeat(64)] {
            assert_eq!(check_name(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("-a", "start"),
            ("Ops", "start"),
            ("a b", "character"),
            ("aB", "character"),
            (&"a".repeat(65), "64"),
        ] {
            let e = check_name(bad).unwrap_err().to_string();
            assert!(
                e.contains(why) && e.contains(&format!("`{bad}`")),
                "{bad}: {e}"
            );
        }
    }
}
