//! Content digests: SHA-256 over bytes, shown as `sha256:<hex>`.

use std::fmt;

use sha2::{Digest as _, Sha256};

/// The SHA-256 digest of some content (a component, later a package).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([u8; 32]);

impl Digest {
    /// Digests `bytes`. Runs at about the speed of memory (SHA-256 with the
    /// CPU's extensions where present); a 2 MiB component takes ~1-2 ms.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// Digests the concatenation of `parts`, each prefixed by its length so
    /// that different splits never collide.
    pub fn of_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p);
        }
        Self(h.finalize().into())
    }

    /// The digest as 64 lowercase hex digits, without the `sha256:` prefix.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_empty_input_is_the_sha256_test_vector() {
        assert_eq!(
            Digest::of(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn parts_are_length_prefixed() {
        assert_ne!(
            Digest::of_parts([&b"ab"[..], b"c"]),
            Digest::of_parts([&b"a"[..], b"bc"])
        );
    }
}
