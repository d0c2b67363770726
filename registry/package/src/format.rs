//! The bytes of a `.chpkg` file, in this order, integers little-endian:
//!
//! ```text
//! magic      "CHPKG\0"                       6 bytes
//! format     u16 = 1
//! manifest   u32 length (at most 1 MiB), then plugin.toml's UTF-8 text
//! component  u64 length (at most 64 MiB), then the wasm component
//! signature  u8 0 (unsigned) or 1, then: u8 vendor id length, vendor id,
//!            32-byte ed25519 public key, 64-byte signature
//! ```
//!
//! and nothing after. Reading borrows from the input and checks every
//! length against its bound and against the bytes left before taking it,
//! so a hostile file can neither make it allocate nor read out of bounds.

use crate::{Error, PublicKey, VendorId, signature::Signature};

/// What every package starts with.
pub(crate) const MAGIC: &[u8; 6] = b"CHPKG\0";
/// The format version this crate writes and reads.
pub(crate) const VERSION: u16 = 1;
/// The largest manifest, in bytes.
pub const MAX_MANIFEST: u64 = 1 << 20;
/// The largest component, in bytes.
pub const MAX_COMPONENT: u64 = 64 << 20;
/// The largest package, in bytes: both parts at their largest, signed by a
/// vendor id of the longest length (for bounding uploads and downloads).
pub const MAX_PACKAGE: u64 = (MAGIC.len() + 2 + 4 + 8 + 1 + 1 + VendorId::MAX_LEN + 32 + 64) as u64
    + MAX_MANIFEST
    + MAX_COMPONENT;

/// A package's parts, borrowed from its bytes; nothing checked but the frame.
#[derive(Debug)]
pub(crate) struct Frames<'a> {
    pub manifest: &'a [u8],
    pub component: &'a [u8],
    pub signature: Option<Signature>,
}

impl<'a> Frames<'a> {
    /// Splits `bytes` into the parts; any frame error is returned before
    /// anything is allocated.
    pub fn read(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader { rest: bytes };
        let magic = r.rest.get(..MAGIC.len()).unwrap_or(r.rest);
        if !MAGIC.starts_with(magic) {
            return Err(Error::NotAPackage);
        }
        r.take(MAGIC.len(), "header")?;
        let version = u16::from_le_bytes(r.array("format version")?);
        if version != VERSION {
            return Err(Error::Format { version });
        }
        let len = u32::from_le_bytes(r.array("manifest length")?);
        let manifest = r.part(u64::from(len), MAX_MANIFEST, "manifest")?;
        let len = u64::from_le_bytes(r.array("component length")?);
        let component = r.part(len, MAX_COMPONENT, "component")?;
        let signature = match r.array::<1>("signature flag")? {
            [0] => None,
            [1] => Some(r.signature()?),
            [other] => {
                return Err(Error::Malformed {
                    what: "signature flag",
                    reason: format!("it is {other}, where 0 (unsigned) or 1 (signed) belongs"),
                });
            }
        };
        if !r.rest.is_empty() {
            return Err(Error::Trailing {
                len: r.rest.len() as u64,
            });
        }
        Ok(Self {
            manifest,
            component,
            signature,
        })
    }
}

/// A package's bytes: the exact inverse of [`Frames::read`].
pub(crate) fn write(manifest: &[u8], component: &[u8], signature: Option<&Signature>) -> Vec<u8> {
    let sig_len = signature.map_or(0, |s| 1 + s.vendor.as_str().len() + 32 + 64);
    let mut out = Vec::with_capacity(
        MAGIC.len() + 2 + 4 + manifest.len() + 8 + component.len() + 1 + sig_len,
    );
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    // `Package` holds no manifest over `MAX_MANIFEST`, which fits a u32.
    out.extend_from_slice(&(manifest.len() as u32).to_le_bytes());
    out.extend_from_slice(manifest);
    out.extend_from_slice(&(component.len() as u64).to_le_bytes());
    out.extend_from_slice(component);
    match signature {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            // A `VendorId` is at most 64 bytes.
            out.push(s.vendor.as_str().len() as u8);
            out.extend_from_slice(s.vendor.as_str().as_bytes());
            out.extend_from_slice(s.key.as_bytes());
            out.extend_from_slice(&s.bytes);
        }
    }
    out
}

/// Checks a part's length against the format's bound for it.
pub(crate) fn check_len(what: &'static str, len: u64, max: u64) -> Result<(), Error> {
    if len > max {
        Err(Error::TooLarge { what, len, max })
    } else {
        Ok(())
    }
}

/// The bytes not read yet.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], Error> {
        if n > self.rest.len() {
            return Err(Error::Truncated { what });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], Error> {
        let bytes = self.take(N, what)?;
        <[u8; N]>::try_from(bytes).map_err(|_| Error::Truncated { what })
    }

    /// A part of `len` bytes, at most `max`.
    fn part(&mut self, len: u64, max: u64, what: &'static str) -> Result<&'a [u8], Error> {
        check_len(what, len, max)?;
        let n = usize::try_from(len).map_err(|_| Error::TooLarge { what, len, max })?;
        self.take(n, what)
    }

    fn signature(&mut self) -> Result<Signature, Error> {
        let [len] = self.array::<1>("signature's vendor id")?;
        let id = self.take(usize::from(len), "signature's vendor id")?;
        let vendor = VendorId::from_bytes(id).map_err(|e| Error::Malformed {
            what: "signature",
            reason: e.to_string(),
        })?;
        let key = PublicKey::from_package(self.array("signature's public key")?);
        let bytes = self.array("signature")?;
        Ok(Signature { vendor, key, bytes })
    }
}
