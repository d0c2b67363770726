//! [`Package`]: a plugin's manifest and component, unsigned or signed, and
//! [`Verified`]: a package whose signature a [`Trust`] accepted.

use std::{fmt, path::Path};

use cityhub_manifest::Manifest;

use crate::{
    Digest, Error, PublicKey, SecretKey, Trust, VendorId,
    format::{self, Frames, MAX_COMPONENT, MAX_MANIFEST},
    signature::Signature,
};

/// How the manifest inside a package is named in its diagnostics.
const MANIFEST_PATH: &str = "plugin.toml (inside the package)";

/// A package in memory: `plugin.toml`'s text, the component, their content
/// digest and, once signed, the signature. Both parts are within the
/// format's bounds ([`crate::MAX_MANIFEST`], [`crate::MAX_COMPONENT`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Package {
    manifest: String,
    component: Vec<u8>,
    digest: Digest,
    signature: Option<Signature>,
}

/// A package opened with [`Package::open`]: its signature is by a trusted
/// vendor's key over exactly these contents, and its manifest is valid.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The package.
    pub package: Package,
    /// Its manifest, parsed.
    pub manifest: Manifest,
    /// The trusted vendor that signed it.
    pub vendor: VendorId,
    /// Its content digest.
    pub digest: Digest,
}

impl Package {
    /// An unsigned package of `manifest_text` (a `plugin.toml`, which must be
    /// valid) and `component` (a WebAssembly component, as `cityhub plugin
    /// build` writes it). Called by `cityhub plugin pack`.
    pub fn pack(manifest_text: &str, component: Vec<u8>) -> Result<Self, Error> {
        format::check_len("manifest", manifest_text.len() as u64, MAX_MANIFEST)?;
        format::check_len("component", component.len() as u64, MAX_COMPONENT)?;
        check_component(&component)?;
        parse_manifest(manifest_text)?;
        Ok(Self {
            digest: Digest::of_package(manifest_text.as_bytes(), &component),
            manifest: manifest_text.to_owned(),
            component,
            signature: None,
        })
    }

    /// Signs the package with `key`, replacing any signature it had.
    pub fn sign(&mut self, key: &SecretKey) {
        self.signature = Some(Signature::make(key, &self.digest));
    }

    /// The `.chpkg` file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        format::write(
            self.manifest.as_bytes(),
            &self.component,
            self.signature.as_ref(),
        )
    }

    /// The content digest (of the manifest and the component; the
    /// signature is not part of it).
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The vendor and key the signature names, if signed. Read from the
    /// package, not checked: only [`Package::open`] says they are trusted.
    pub fn signer(&self) -> Option<(&VendorId, &PublicKey)> {
        self.signature.as_ref().map(|s| (&s.vendor, &s.key))
    }

    /// `plugin.toml`'s text.
    pub fn manifest_text(&self) -> &str {
        &self.manifest
    }

    /// The WebAssembly component.
    pub fn component(&self) -> &[u8] {
        &self.component
    }

    /// Opens a package for installing or loading it. In this order: the
    /// frame (magic, format, lengths within bounds, nothing trailing), the
    /// content digest, the signature (present, by a vendor in `trust`, with
    /// that vendor's key, over this digest); only then is the manifest
    /// parsed. Costs a SHA-256 pass over the package and one ed25519
    /// verification; copies the parts once, after they are verified.
    pub fn open(bytes: &[u8], trust: &Trust) -> Result<Verified, Error> {
        let frames = Frames::read(bytes)?;
        let digest = Digest::of_package(frames.manifest, frames.component);
        let Some(signature) = frames.signature else {
            return Err(Error::Unsigned);
        };
        signature.check(&digest, trust)?;
        let text = manifest_utf8(frames.manifest)?;
        let manifest = parse_manifest(text)?;
        Ok(Verified {
            vendor: signature.vendor.clone(),
            digest,
            manifest,
            package: Self {
                manifest: text.to_owned(),
                component: frames.component.to_vec(),
                digest,
                signature: Some(signature),
            },
        })
    }

    /// Reads a package without checking its signature or its manifest
    /// (frame, digest and UTF-8 only), for `cityhub plugin sign` and for
    /// showing who claims to have signed it. Never install what this returns.
    pub fn read_unverified(bytes: &[u8]) -> Result<Self, Error> {
        let frames = Frames::read(bytes)?;
        let digest = Digest::of_package(frames.manifest, frames.component);
        Ok(Self {
            manifest: manifest_utf8(frames.manifest)?.to_owned(),
            component: frames.component.to_vec(),
            digest,
            signature: frames.signature,
        })
    }
}

impl fmt::Debug for Package {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Package")
            .field("digest", &self.digest.to_string())
            .field("manifest_len", &self.manifest.len())
            .field("component_len", &self.component.len())
            .field("signer", &self.signer())
            .finish()
    }
}

fn manifest_utf8(bytes: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|e| Error::Malformed {
        what: "manifest",
        reason: format!("it is not UTF-8 text ({e})"),
    })
}

fn parse_manifest(text: &str) -> Result<Manifest, Error> {
    Manifest::parse(Path::new(MANIFEST_PATH), text).map_err(|d| Error::Manifest(d.to_string()))
}

/// A component starts with `\0asm`, a 2-byte version and the layer 1; a
/// core module has layer 0.
fn check_component(bytes: &[u8]) -> Result<(), Error> {
    match (bytes.get(..4), bytes.get(6..8)) {
        (Some(b"\0asm"), Some([1, 0])) => Ok(()),
        (Some(b"\0asm"), Some([0, 0])) => Err(Error::NotAComponent {
            found: "a core WebAssembly module",
        }),
        _ => Err(Error::NotAComponent {
            found: "not WebAssembly",
        }),
    }
}

#[cfg(test)]
mod tests;
