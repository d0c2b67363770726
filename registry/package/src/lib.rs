//! cityhub's plugin packages: one `NAME-VERSION.chpkg` file holding a
//! plugin's `plugin.toml` and component, signed by its vendor.
//!
//! Vendors make a [`SecretKey`] once (`cityhub keygen`), [`Package::pack`]
//! and [`Package::sign`] each release; cities list the vendors they trust
//! with their [`PublicKey`]s in a [`Trust`] and [`Package::open`] what they
//! install, which checks the frame, the content [`Digest`] and the
//! signature before the manifest is even parsed. Every refusal is an
//! [`Error`] saying what and why.
//!
//! This crate does no I/O: bytes in, bytes out. The byte layout is in
//! `format.rs`; sizes are bounded ([`MAX_MANIFEST`], [`MAX_COMPONENT`]), so a
//! hostile package cannot make it allocate more than it was given.
//!
//! ```
//! use cityhub_package::{Package, SecretKey, Trust};
//! let manifest = "name = \"weather\"\nversion = \"1.0.0\"\nvendor = \"Acme\"\n\
//!                 world = \"0.1.0\"\nsubscribes = [\"city.weather.reading\"]\n";
//! let component = b"\0asm\x0d\x00\x01\x00".to_vec(); // a component's header
//! let key = SecretKey::generate("acme".parse()?)?;
//! let mut package = Package::pack(manifest, component)?;
//! package.sign(&key);
//! let bytes = package.to_bytes();
//!
//! let mut trust = Trust::new();
//! trust.insert(key.vendor().clone(), key.public_key());
//! let verified = Package::open(&bytes, &trust)?;
//! assert_eq!(verified.manifest.name.as_str(), "weather");
//! assert_eq!(verified.vendor.as_str(), "acme");
//! # Ok::<(), cityhub_package::Error>(())
//! ```

#![deny(missing_docs)]

mod digest;
mod error;
mod format;
mod keys;
mod package;
mod signature;
mod trust;
mod vendor;

pub use digest::Digest;
pub use error::Error;
pub use format::{MAX_COMPONENT, MAX_MANIFEST, MAX_PACKAGE};
pub use keys::{PublicKey, PublicKeyFile, SecretKey};
pub use package::{Package, Verified};
pub use trust::Trust;
pub use vendor::VendorId;
