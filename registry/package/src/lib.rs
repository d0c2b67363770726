//! cityhub's plugin packages.
//!
//! The content [`Digest`] of a component names a build everywhere (the
//! host's compile cache is keyed by it). The signed package format is being
//! built (issue 6).

#![deny(missing_docs)]

mod digest;

pub use digest::Digest;
