//! CloudEvents 1.0 as cityhub speaks them.
//!
//! - [`EventType`] and [`TypePattern`]: event types are topics (`city.traffic.reading`),
//!   matched with NATS-style patterns (`city.traffic.*`, `city.>`), so the
//!   scale-out backend maps onto them directly.
//! - [`CloudEvent`]: one validated event, owned; read and written in the
//!   CloudEvents JSON format with [`CloudEvent::from_json`] and
//!   [`CloudEvent::write_json`].
//! - [`filter`]: conditions on attributes and JSON `data` fields, as routes
//!   select events.
//! - [`dataclass`]: the `dataclass` extension (`personal`, `health`, …) and the
//!   city's policy that stamps it on events by type.
//! - [`http`]: the three HTTP modes (structured, binary, batch), parsed into events with
//!   errors that name the event and the attribute at fault.
//!
//! Everything here is pure: no I/O, no clocks.

mod attrs;
pub mod dataclass;
mod error;
mod event;
pub mod filter;
pub mod http;
mod json;
mod pattern;
#[cfg(test)]
mod test_support;
mod ty;

pub use dataclass::{ClassPolicy, DATACLASS, DataClass};
pub use error::{Error, Location};
pub use event::{CloudEvent, SPEC_VERSION, Timestamp, check_extension_name, is_json_media_type};
pub use pattern::TypePattern;
pub use ty::EventType;
