//! Write cityhub plugins in Rust.
//!
//! A plugin is a type that implements [`Plugin`]: the host builds it once per
//! instance from its configuration ([`Plugin::init`]) and then hands it
//! batches of CloudEvents ([`Plugin::handle`]). While handling a batch the
//! plugin reads [`Event`]s, emits [`Output`]s, keeps durable facts in
//! [`State`], logs through [`Log`] and reads the host's clock, all through the
//! [`Context`]. [`export_plugin!`] turns the type into a WebAssembly component
//! for the `cityhub:plugin@0.1.0` world when the crate is built for
//! `wasm32-wasip2`; natively the same code runs under [`testing::Harness`].
//!
//! ```
//! use cityhub_sdk::{Batch, Context, Error, Output, Plugin};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Reading { intensity: u32 }
//!
//! struct Counter;
//!
//! impl Plugin for Counter {
//!     type Config = serde_json::Value;
//!
//!     fn init(_config: serde_json::Value) -> Result<Self, Error> {
//!         Ok(Counter)
//!     }
//!
//!     fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
//!         for event in batch {
//!             let reading: Reading = event.data_json()?;
//!             let total: u64 = ctx.state().get_json("total")?.unwrap_or(0);
//!             let total = total + u64::from(reading.intensity);
//!             ctx.state().set_json("total", &total)?;
//!             ctx.emit(Output::new("city.traffic.total").json(&total))?;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! cityhub_sdk::export_plugin!(Counter);
//!
//! // Natively, the same plugin runs under the test harness:
//! use cityhub_sdk::testing::{Harness, TestEvent};
//! let mut harness = Harness::<Counter>::new(serde_json::json!({}))?;
//! let outputs = harness.handle(&[
//!     TestEvent::new("city.traffic.reading").json(&serde_json::json!({"intensity": 12})),
//!     TestEvent::new("city.traffic.reading").json(&serde_json::json!({"intensity": 30})),
//! ])?;
//! assert_eq!(outputs[1].json::<u64>()?, 42);
//! assert_eq!(harness.state().get_json::<u64>("total")?, Some(42));
//! # Ok::<(), cityhub_sdk::Error>(())
//! ```
//!
//! # Where the time goes
//!
//! Crossing the component boundary costs about 100 ns per string, so the SDK
//! crosses it as little as it can: a batch arrives as one frame that is read
//! in place (an [`Event`] borrows from it), outputs are appended to one output
//! frame, state reads are remembered and state writes are held back until the
//! end of the batch (see [`State`]).

#![deny(missing_docs)]

mod batch;
pub mod city;
mod context;
mod error;
mod event;
mod export;
pub mod geo;
mod host;
mod json;
mod log;
mod output;
mod plugin;
mod runtime;
mod state;
pub mod testing;
mod time;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use batch::{Batch, Iter};
pub use context::Context;
pub use error::{Error, ErrorKind};
pub use event::Event;
pub use host::{Host, StateError};
pub use log::{Level, Log};
pub use output::Output;
pub use plugin::Plugin;
pub use state::{MAX_KEY_LEN, State};
pub use time::Timestamp;

/// What [`export_plugin!`] expands to needs; not part of the API.
#[doc(hidden)]
pub mod __private {
    #[cfg(target_arch = "wasm32")]
    pub use crate::wasm::{Slot, bindings, handle, init};
}
