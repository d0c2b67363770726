//! The batch frame: how a batch of CloudEvents crosses cityhub's plugin
//! boundary as one byte list (see `sdk/wit/types.wit`, type `frame`).
//!
//! Both the host and the SDK use this crate, so the layout lives in one place.
//! [`FrameWriter`] appends events; [`Frame::parse`] checks a whole frame once
//! and then iterates [`EventRef`]s that borrow from it (no copies, no
//! allocations). Decoding validates every length and UTF-8 string, so a frame
//! from an untrusted plugin can be read safely; it never panics.

#![no_std]
#![deny(missing_docs)]

extern crate alloc;

mod read;
mod write;

pub use read::{EventRef, Events, Frame, FrameError, declared_len};
pub use write::FrameWriter;

/// The four bytes every frame starts with.
pub const MAGIC: &[u8; 4] = b"CHF1";
/// The length written for an absent optional attribute.
pub const ABSENT: u32 = u32::MAX;

/// The CloudEvents attributes of one event, borrowed, as written into a frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attributes<'a> {
    /// `id`. Empty in an output frame means "host assigns one".
    pub id: &'a str,
    /// `source`. Empty in an output frame means "the plugin's own source".
    pub source: &'a str,
    /// `type`, e.g. `city.traffic.congestion`.
    pub ty: &'a str,
    /// `subject`.
    pub subject: Option<&'a str>,
    /// `time`, RFC 3339. Empty or absent in an output frame means "now".
    pub time: Option<&'a str>,
    /// `datacontenttype`, e.g. `application/json`.
    pub datacontenttype: Option<&'a str>,
    /// `dataschema`.
    pub dataschema: Option<&'a str>,
}
