//! Run plugins natively, with no host: for unit tests, integration tests and
//! benchmarks.
//!
//! [`Harness`] is what a plugin's tests use: build input events with
//! [`TestEvent`] (or load a JSON file of structured CloudEvents), hand them to
//! the plugin, and get its outputs back as [`OutputEvent`]s, with the state
//! and the log records kept in a [`MemoryHost`] to inspect. It runs exactly
//! the path the component runs: the input events are encoded into a batch
//! frame, the SDK decodes it, the plugin's outputs are encoded into an output
//! frame, and that frame is decoded again. Like the real host, it commits a
//! batch's state writes only if the batch succeeds and replaces the plugin
//! instance after a failed batch.
//!
//! [`Manifest`] reads the plugin's `plugin.toml`, to check what it declares
//! and that its configuration schema's defaults are the plugin's own.
//!
//! [`NativeRunner`] is the same without the conversions, frame in and frame
//! out, for benchmarks that compare a plugin's native build with its
//! component on the same frames.
//!
//! ```
//! use cityhub_sdk::{Batch, Context, Error, Output, Plugin};
//! use cityhub_sdk::testing::{Harness, TestEvent};
//!
//! struct Echo;
//! impl Plugin for Echo {
//!     type Config = serde_json::Value;
//!     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Echo) }
//!     fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
//!         for event in batch {
//!             ctx.emit(Output::new("test.echo").subject(event.id()))?;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let mut harness = Harness::<Echo>::new(serde_json::json!({}))?;
//! let outputs = harness.handle(&[TestEvent::new("test.ping").id("p-1")])?;
//! assert_eq!(outputs[0].subject.as_deref(), Some("p-1"));
//! # Ok::<(), Error>(())
//! ```

mod cloudevents;
mod event;
mod harness;
mod logs;
#[cfg(not(target_arch = "wasm32"))]
mod manifest;
mod memory;
mod output;
mod runner;
mod store;

pub use event::{TestEvent, encode};
pub use harness::Harness;
pub use logs::LogRecord;
#[cfg(not(target_arch = "wasm32"))]
pub use manifest::Manifest;
pub use memory::MemoryHost;
pub use output::{OutputEvent, city_lines, decode, indicators, outputs_of};
pub use runner::NativeRunner;
