//! The test harness: events in, owned outputs out, through the same frames
//! the component uses.

use std::fmt;
use std::path::Path;

use super::event::encode_numbered;
use super::{LogRecord, MemoryHost, NativeRunner, OutputEvent, TestEvent, decode};
use crate::{Error, Plugin, Timestamp};

/// Runs a plugin natively for tests, with an in-memory host.
///
/// Each [`handle`](Harness::handle) encodes the events into a batch frame,
/// runs the plugin on it exactly as the component would, and decodes the
/// output frame. State and log records are kept in a [`MemoryHost`] to
/// inspect with [`state`](Harness::state) and [`logs`](Harness::logs). As on
/// the real host, a failed batch commits none of its state writes and is
/// followed by a fresh instance.
///
/// ```
/// use cityhub_sdk::{Batch, Context, Error, Output, Plugin, Timestamp};
/// use cityhub_sdk::testing::{Harness, TestEvent};
///
/// /// Counts events per subject in state.
/// struct Tally;
/// impl Plugin for Tally {
///     type Config = serde_json::Value;
///     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Tally) }
///     fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
///         for event in batch {
///             let key = format!("tally/{}", event.subject().unwrap_or("none"));
///             let n: u32 = ctx.state().get_json(&key)?.unwrap_or(0);
///             ctx.state().set_json(&key, &(n + 1))?;
///         }
///         ctx.log().info("batch done", &[("events", &batch.len().to_string())]);
///         Ok(())
///     }
/// }
///
/// let mut harness = Harness::<Tally>::new(serde_json::json!({}))?
///     .state_quota(1024)
///     .now(Timestamp::parse_rfc3339("2026-11-27T08:00:00+07:00").unwrap());
/// harness.handle(&[TestEvent::new("t.x").subject("QL1A")])?;
/// harness.handle(&[TestEvent::new("t.x").subject("QL1A")])?;
/// assert_eq!(harness.state().get_json::<u32>("tally/QL1A")?, Some(2));
/// assert_eq!(harness.logs().len(), 2);
/// # Ok::<(), Error>(())
/// ```
pub struct Harness<P> {
    runner: NativeRunner<P>,
    next_id: u64,
}

impl<P: Plugin> Harness<P> {
    /// Builds the plugin from `config`, passed to `init` as JSON text.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let harness = cityhub_sdk::testing::Harness::<Nop>::new(serde_json::json!({"alpha": 0.5}))?;
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(config: serde_json::Value) -> Result<Self, Error> {
        Ok(Self {
            runner: NativeRunner::new(&config.to_string())?,
            next_id: 1,
        })
    }

    /// Enforces a state quota of `bytes` (keys plus values), as the
    /// manifest's `state-quota` does.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let harness = cityhub_sdk::testing::Harness::<Nop>::new(serde_json::json!({}))?.state_quota(64 * 1024);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn state_quota(mut self, bytes: u64) -> Self {
        self.runner.host_mut().set_quota(Some(bytes));
        self
    }

    /// Fixes the host's clock at `now`.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// use cityhub_sdk::Timestamp;
    /// let harness = cityhub_sdk::testing::Harness::<Nop>::new(serde_json::json!({}))?
    ///     .now(Timestamp::parse_rfc3339("2026-11-27T08:00:00+07:00").unwrap());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn now(mut self, now: Timestamp) -> Self {
        self.runner.host_mut().set_now(Some(now));
        self
    }

    /// Hands `events` to the plugin as one batch and returns what it emitted.
    /// Events without an id get `test-1`, `test-2`, ... across the harness's
    /// batches.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// use cityhub_sdk::testing::{Harness, TestEvent};
    /// let mut harness = Harness::<Nop>::new(serde_json::json!({}))?;
    /// let outputs = harness.handle(&[TestEvent::new("city.traffic.reading")])?;
    /// assert!(outputs.is_empty());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn handle(&mut self, events: &[TestEvent]) -> Result<Vec<OutputEvent>, Error> {
        let (input, next_id) = encode_numbered(events, self.next_id)?;
        self.next_id = next_id;
        let output = self.runner.handle_frame(&input)?;
        decode(&output)
    }

    /// Loads a JSON file of CloudEvents (see [`TestEvent::from_json_file`])
    /// and hands them to the plugin as one batch.
    ///
    /// ```no_run
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let mut harness = cityhub_sdk::testing::Harness::<Nop>::new(serde_json::json!({}))?;
    /// let outputs = harness.handle_file(concat!(env!("CARGO_MANIFEST_DIR"), "/events/readings.json"))?;
    /// # Ok::<(), Error>(())
    /// ```
    pub fn handle_file(&mut self, path: impl AsRef<Path>) -> Result<Vec<OutputEvent>, Error> {
        let events = TestEvent::from_json_file(path)?;
        self.handle(&events)
    }

    /// The committed state, to inspect (see [`MemoryHost::get_json`]).
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let harness = cityhub_sdk::testing::Harness::<Nop>::new(serde_json::json!({}))?;
    /// assert_eq!(harness.state().get("segment/QL1A-km12"), None);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn state(&self) -> &MemoryHost {
        self.runner.host()
    }

    /// The host, to change: preload state, move the clock.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let mut harness = cityhub_sdk::testing::Harness::<Nop>::new(serde_json::json!({}))?;
    /// harness.state_mut().insert_json("segment/QL1A-km12", &serde_json::json!({"samples": 3}))?;
    /// # Ok::<(), Error>(())
    /// ```
    pub fn state_mut(&mut self) -> &mut MemoryHost {
        self.runner.host_mut()
    }

    /// The log records the plugin wrote, oldest first.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let harness = cityhub_sdk::testing::Harness::<Nop>::new(serde_json::json!({}))?;
    /// assert!(harness.logs().is_empty());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn logs(&self) -> &[LogRecord] {
        self.runner.host().logs()
    }

    /// Discards the plugin instance and builds a fresh one, as the host may
    /// at any time: proves that what must survive lives in state.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let mut harness = cityhub_sdk::testing::Harness::<Nop>::new(serde_json::json!({}))?;
    /// harness.restart()?;
    /// # Ok::<(), Error>(())
    /// ```
    pub fn restart(&mut self) -> Result<(), Error> {
        self.runner.restart()
    }
}

impl<P> fmt::Debug for Harness<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Harness")
            .field("runner", &self.runner)
            .field("next_id", &self.next_id)
            .finish()
    }
}
