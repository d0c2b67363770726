//! The CloudEvents JSON format 1.0, one event or a batch: reading ([`de`],
//! built on the capture types of [`raw`]) and writing ([`ser`]).
//!
//! Reading is one pass of serde_json over the body: attribute strings borrow
//! from it, `data` is taken as a raw slice (never parsed into a tree), and the
//! checks run on what was captured, so every error names its attribute.

mod de;
mod raw;
mod ser;
#[cfg(test)]
mod tests;

pub(crate) use de::{json_error, parse_batch, parse_event, utf8};
