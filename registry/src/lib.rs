//! cityhub's plugin packages.
//!
//! Today this crate holds the one piece every later part needs: the content
//! [`Digest`] of a component, which names a build everywhere (the host's
//! compile cache is keyed by it, and the package format of issue 6 will sign
//! it). Signed packages, `keygen`/`pack`/`sign`/`verify` and the registry
//! server are not built yet.

#![deny(missing_docs)]

mod digest;

pub use digest::Digest;
