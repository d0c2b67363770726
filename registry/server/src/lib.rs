//! The cityhub plugin registry: where vendors publish signed plugin packages
//! and integrators find and download them.
//!
//! - [`Registry`]: the registry itself — vendors and their tokens, the plugin
//!   names they own, every published version — in its own database (SQLite
//!   by default, PostgreSQL supported, the same SQL) with the package files
//!   on disk, each named by the SHA-256 of its bytes.
//! - [`server`]: the HTTP API over a [`Registry`] (axum), as `cityhub
//!   registry serve` runs it.
//! - [`Client`]: that API from Rust (reqwest), as `cityhub plugin
//!   publish|yank|search|install` use it.
//! - [`index`]: the JSON both sides speak, and [`resolve`], which picks the
//!   version a semver requirement installs.
//!
//! A published version is immutable: its bytes never change and publishing
//! it again is refused, even with identical bytes. Yanking hides a version
//! from [`resolve`] (new installs) but keeps it downloadable.

mod blobs;
mod client;
mod db;
mod error;
pub mod index;
mod registry;
mod resolve;
pub mod server;
mod token;

pub use client::Client;
pub use error::Error;
pub use index::{Index, IndexLimits, IndexVersion, Published, SearchHit, SearchResults, YankState};
pub use registry::{Registry, StoredPackage, Vendor};
pub use resolve::resolve;
pub use token::Token;
