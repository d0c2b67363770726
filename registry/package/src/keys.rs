//! Vendor keys: an ed25519 [`SecretKey`] (the vendor's, kept private, signs
//! packages) and its [`PublicKey`] (published, trusted by cities), with the
//! text of their files.
//!
//! ```text
//! VENDOR.key:  cityhub-secret-key ed25519 <vendor> <base64 of the 32-byte seed>
//! VENDOR.pub:  cityhub-public-key ed25519 <vendor> <base64 of the 32-byte key>
//! city.toml:   <vendor> = "ed25519:<base64 of the 32-byte key>"
//! ```

use std::{fmt, str::FromStr};

use base64::{Engine as _, engine::general_purpose::STANDARD as BASE64};
use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::{Error, VendorId};

const SECRET_HEADER: &str = "cityhub-secret-key";
const PUBLIC_HEADER: &str = "cityhub-public-key";
const ALGORITHM: &str = "ed25519";

/// A vendor's ed25519 public key: 32 bytes, written `ed25519:<base64>`.
///
/// A key parsed from text is a valid curve point; a key read from a
/// package's signature is whatever bytes it holds, and is only ever
/// compared with a trusted key before use.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// The key as it appears in a package, unchecked.
    pub(crate) fn from_package(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// `ed25519:<base64>`, as in city.toml's `[trust.vendors]`.
    pub fn to_text(&self) -> String {
        format!("{ALGORITHM}:{}", BASE64.encode(self.0))
    }

    /// The key for verifying; fails only for bytes that are not a curve
    /// point, which no key parsed from text is.
    pub(crate) fn verifying_key(&self) -> Option<VerifyingKey> {
        VerifyingKey::from_bytes(&self.0).ok()
    }
}

impl FromStr for PublicKey {
    type Err = Error;

    /// Parses `ed25519:<base64>`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = |reason: String| Error::BadKey {
            what: "public key",
            reason,
        };
        let Some(b64) = s.trim().strip_prefix("ed25519:") else {
            return Err(bad(format!(
                "`{s}` does not start with `ed25519:`; copy the whole key, e.g. from the vendor's `.pub` file"
            )));
        };
        let bytes = decode32(b64).map_err(|why| bad(format!("`{s}`: {why}")))?;
        if VerifyingKey::from_bytes(&bytes).is_err() {
            return Err(bad(format!(
                "`{s}` is not an ed25519 public key; copy it again from the vendor's `.pub` file"
            )));
        }
        Ok(Self(bytes))
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_text())
    }
}

/// A vendor's secret signing key, with the vendor it belongs to. Its
/// `Debug` shows the vendor and public key, never the secret; the secret
/// is wiped from memory when dropped.
#[derive(Clone)]
pub struct SecretKey {
    vendor: VendorId,
    key: SigningKey,
}

impl SecretKey {
    /// A new random key for `vendor`, from the operating system's
    /// randomness. Fails only when the OS has none to give.
    pub fn generate(vendor: VendorId) -> Result<Self, Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| Error::NoRandomness {
            reason: e.to_string(),
        })?;
        let key = SigningKey::from_bytes(&seed);
        seed.fill(0);
        Ok(Self { vendor, key })
    }

    /// The vendor the key signs for.
    pub fn vendor(&self) -> &VendorId {
        &self.vendor
    }

    /// Its public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key().to_bytes())
    }

    /// The `VENDOR.key` file's text: `cityhub-secret-key ed25519 <vendor> <base64>\n`.
    pub fn to_text(&self) -> String {
        format!(
            "{SECRET_HEADER} {ALGORITHM} {} {}\n",
            self.vendor,
            BASE64.encode(self.key.to_bytes())
        )
    }

    /// Parses a `VENDOR.key` file's text. Errors never quote the secret.
    pub fn from_text(text: &str) -> Result<Self, Error> {
        let (vendor, seed) = parse_key_file(text, SECRET_HEADER, "secret key file")?;
        Ok(Self {
            vendor,
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// Signs `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer as _;
        self.key.sign(message).to_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("vendor", &self.vendor)
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// The text of a `VENDOR.pub` file, which a vendor hands to cities:
/// `cityhub-public-key ed25519 <vendor> <base64>\n`.
#[derive(Debug)]
pub enum PublicKeyFile {}

impl PublicKeyFile {
    /// Parses a `VENDOR.pub` file's text.
    pub fn parse(text: &str) -> Result<(VendorId, PublicKey), Error> {
        let (vendor, bytes) = parse_key_file(text, PUBLIC_HEADER, "public key file")?;
        if VerifyingKey::from_bytes(&bytes).is_err() {
            return Err(Error::BadKey {
                what: "public key file",
                reason: "its key is not an ed25519 public key; ask the vendor for the file again"
                    .into(),
            });
        }
        Ok((vendor, PublicKey(bytes)))
    }

    /// The file's text for `vendor`'s `key`.
    pub fn to_text(vendor: &VendorId, key: &PublicKey) -> String {
        format!(
            "{PUBLIC_HEADER} {ALGORITHM} {vendor} {}\n",
            BASE64.encode(key.0)
        )
    }
}

/// `<header> ed25519 <vendor> <base64 of 32 bytes>`, surrounding
/// whitespace allowed. Errors name the field, never the key bytes.
fn parse_key_file(
    text: &str,
    header: &str,
    what: &'static str,
) -> Result<(VendorId, [u8; 32]), Error> {
    let bad = |reason: String| Error::BadKey { what, reason };
    let fields: Vec<&str> = text.split_ascii_whitespace().collect();
    let [first, algorithm, vendor, b64] = fields[..] else {
        return Err(bad(format!(
            "expected one line `{header} {ALGORITHM} VENDOR KEY`, as `cityhub keygen` writes it"
        )));
    };
    if first != header {
        let hint = match first {
            SECRET_HEADER => "it is a secret key file (`.key`); pass the vendor's `.pub` file",
            PUBLIC_HEADER => "it is a public key file (`.pub`); pass the vendor's `.key` file",
            _ => "it is not a cityhub key file; make one with `cityhub keygen VENDOR`",
        };
        return Err(bad(format!("it does not start with `{header}`: {hint}")));
    }
    if algorithm != ALGORITHM {
        return Err(bad(format!(
            "key algorithm `{algorithm}` is not supported; cityhub keys are `{ALGORITHM}`"
        )));
    }
    let vendor = vendor.parse().map_err(|e: Error| bad(e.to_string()))?;
    let bytes = decode32(b64).map_err(|why| bad(format!("its key {why}")))?;
    Ok((vendor, bytes))
}

/// Base64 of exactly 32 bytes; the error does not quote the input.
fn decode32(b64: &str) -> Result<[u8; 32], String> {
    let bytes = BASE64
        .decode(b64)
        .map_err(|e| format!("is not base64 ({e})"))?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| format!("is {} bytes, not the 32 of an ed25519 key", bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> SecretKey {
        SecretKey::generate("acme".parse().unwrap()).unwrap()
    }

    #[test]
    fn secret_key_text_roundtrips_and_hides_the_secret_in_debug() {
        let key = acme();
        let text = key.to_text();
        assert!(
            text.starts_with("cityhub-secret-key ed25519 acme "),
            "{text}"
        );
        assert!(text.ends_with('\n'));
        let back = SecretKey::from_text(&text).unwrap();
        assert_eq!(back.vendor().as_str(), "acme");
        assert_eq!(back.public_key(), key.public_key());
        let secret = text.split_whitespace().nth(3).unwrap();
        assert!(!format!("{key:?}").contains(secret));
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(acme().public_key(), acme().public_key());
    }

    #[test]
    fn public_key_text_and_file_roundtrip() {
        let key = acme().public_key();
        let text = key.to_text();
        assert!(
            text.starts_with("ed25519:") && text.len() == 8 + 44,
            "{text}"
        );
        assert_eq!(text.parse::<PublicKey>().unwrap(), key);
        assert_eq!(key.to_string(), text);
        let vendor: VendorId = "acme".parse().unwrap();
        let file = PublicKeyFile::to_text(&vendor, &key);
        assert_eq!(
            file,
            format!("cityhub-public-key ed25519 acme {}\n", &text[8..])
        );
        assert_eq!(PublicKeyFile::parse(&file).unwrap(), (vendor, key));
    }

    #[test]
    fn bad_public_keys_say_why() {
        let cases = [
            ("AAAA", "does not start with `ed25519:`"),
            ("ed25519:!!!", "is not base64"),
            ("ed25519:AAAA", "is 3 bytes, not the 32"),
        ];
        for (text, want) in cases {
            let err = text.parse::<PublicKey>().unwrap_err().to_string();
            assert!(err.starts_with("public key is not valid: "), "{err}");
            assert!(err.contains(want), "{text}: {err}");
        }
    }

    #[test]
    fn key_files_mixed_up_or_damaged_say_which_file_to_pass() {
        let key = acme();
        let public = PublicKeyFile::to_text(key.vendor(), &key.public_key());
        let err = SecretKey::from_text(&public).unwrap_err().to_string();
        assert!(err.contains("pass the vendor's `.key` file"), "{err}");
        let err = PublicKeyFile::parse(&key.to_text())
            .unwrap_err()
            .to_string();
        assert!(err.contains("pass the vendor's `.pub` file"), "{err}");
        let secret = key.to_text();
        let seed = secret.split_whitespace().nth(3).unwrap();
        for (text, want) in [
            ("", "expected one line"),
            ("cityhub-secret-key rsa acme AAAA", "`rsa` is not supported"),
            ("cityhub-secret-key ed25519 Acme AAAA", "vendor id `Acme`"),
            ("cityhub-secret-key ed25519 acme AAAA", "is 3 bytes"),
            ("hello world how are", "not a cityhub key file"),
        ] {
            let err = SecretKey::from_text(text).unwrap_err().to_string();
            assert!(err.starts_with("secret key file is not valid: "), "{err}");
            assert!(err.contains(want), "{text}: {err}");
            assert!(!err.contains(seed));
        }
    }
}
