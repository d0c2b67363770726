//! A package's signature: which vendor, with which key, over which digest.
//!
//! The signed message is `cityhub-package-signature-v1\0`, the vendor id's
//! length (one byte) and bytes, then the package's 32-byte content digest;
//! binding the vendor id in means a signature cannot be moved to another
//! vendor's name.

use ed25519_dalek::Signature as Ed25519Signature;

use crate::{Digest, Error, PublicKey, SecretKey, Trust, VendorId};

const DOMAIN: &[u8] = b"cityhub-package-signature-v1\0";

/// A signature as it is carried in a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    pub vendor: VendorId,
    pub key: PublicKey,
    pub bytes: [u8; 64],
}

impl Signature {
    /// `key`'s signature of `digest`.
    pub fn make(key: &SecretKey, digest: &Digest) -> Self {
        Self {
            vendor: key.vendor().clone(),
            key: key.public_key(),
            bytes: key.sign(&message(key.vendor(), digest)),
        }
    }

    /// Checks that the signer is trusted, signed with the trusted key, and
    /// that the signature is that key's over `digest` (strict ed25519
    /// verification: no malleable or small-order signatures).
    pub fn check(&self, digest: &Digest, trust: &Trust) -> Result<(), Error> {
        let vendor = &self.vendor;
        let Some(trusted) = trust.get(vendor) else {
            return Err(Error::UnknownVendor {
                vendor: vendor.clone(),
            });
        };
        if *trusted != self.key {
            return Err(Error::WrongKey {
                vendor: vendor.clone(),
                signed_with: self.key,
                trusted: *trusted,
            });
        }
        let tampered = || Error::Tampered {
            vendor: vendor.clone(),
        };
        // Every `PublicKey` a `Trust` can hold was parsed from text or made
        // from a secret key, so it is a curve point; refuse if not.
        let verifying = trusted.verifying_key().ok_or_else(tampered)?;
        verifying
            .verify_strict(
                &message(vendor, digest),
                &Ed25519Signature::from_bytes(&self.bytes),
            )
            .map_err(|_| tampered())
    }
}

fn message(vendor: &VendorId, digest: &Digest) -> Vec<u8> {
    let id = vendor.as_str().as_bytes();
    let mut m = Vec::with_capacity(DOMAIN.len() + 1 + id.len() + 32);
    m.extend_from_slice(DOMAIN);
    // A `VendorId` is at most 64 bytes.
    m.push(id.len() as u8);
    m.extend_from_slice(id);
    m.extend_from_slice(digest.as_bytes());
    m
}
