//! A plugin run natively, frame in and frame out, on an in-memory host: what
//! the component does, minus the component.

use std::fmt;

use super::MemoryHost;
use crate::runtime::Instance;
use crate::{Error, Host, Plugin};

/// Runs a plugin natively on pre-encoded batch frames, with state in a
/// [`MemoryHost`] (or any [`Host`]).
///
/// It plays the host's part the way the real host does, and nothing more: a
/// batch's state writes are committed only if it succeeds, and after a failed
/// batch the instance is discarded and a fresh one (`init` again) serves the
/// next. On top of the plugin's own work a batch costs one frame parse, one
/// output frame and the [`Host::begin_batch`]/[`Host::end_batch`] calls, the
/// same as in the component, so a benchmark can compare the two on the same
/// frames. Build the host with [`MemoryHost::with_max_logs`]`(0)` to leave
/// log capture out of a measurement.
///
/// ```
/// use cityhub_sdk::{Batch, Context, Error, Output, Plugin};
/// use cityhub_sdk::testing::{self, NativeRunner, TestEvent};
///
/// struct Echo;
/// impl Plugin for Echo {
///     type Config = serde_json::Value;
///     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Echo) }
///     fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
///         for _ in batch { ctx.emit(Output::new("test.echo"))?; }
///         Ok(())
///     }
/// }
///
/// let input = testing::encode(&[TestEvent::new("test.ping"), TestEvent::new("test.ping")])?;
/// let mut runner = NativeRunner::<Echo>::new("{}")?;
/// let output = runner.handle_frame(&input)?;
/// assert_eq!(testing::decode(&output)?.len(), 2);
/// # Ok::<(), Error>(())
/// ```
pub struct NativeRunner<P, H = MemoryHost> {
    config: String,
    instance: Option<Instance<P>>,
    host: H,
}

impl<P: Plugin> NativeRunner<P> {
    /// Builds an instance from `config` (JSON, as the host passes it to
    /// `init`) on an empty [`MemoryHost`].
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let runner = cityhub_sdk::testing::NativeRunner::<Nop>::new(r#"{"speed_threshold_kmh": 20}"#)?;
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(config: &str) -> Result<Self, Error> {
        Self::with_host(config, MemoryHost::new())
    }
}

impl<P: Plugin, H: Host> NativeRunner<P, H> {
    /// Builds an instance from `config` on `host`.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// use cityhub_sdk::testing::{MemoryHost, NativeRunner};
    /// let host = MemoryHost::new().with_quota(1 << 20).with_max_logs(0);
    /// let runner = NativeRunner::<Nop, _>::with_host("{}", host)?;
    /// # Ok::<(), Error>(())
    /// ```
    pub fn with_host(config: &str, host: H) -> Result<Self, Error> {
        let instance = Instance::init(config)?;
        Ok(Self {
            config: config.to_owned(),
            instance: Some(instance),
            host,
        })
    }

    /// Handles one batch frame and returns the output frame.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// use cityhub_sdk::testing::{self, NativeRunner, TestEvent};
    /// let mut runner = NativeRunner::<Nop>::new("{}")?;
    /// let output = runner.handle_frame(&testing::encode(&[TestEvent::new("t.x")])?)?;
    /// assert!(testing::decode(&output)?.is_empty());
    /// assert!(runner.handle_frame(b"not a frame").is_err());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn handle_frame(&mut self, input: &[u8]) -> Result<Vec<u8>, Error> {
        let instance = match &mut self.instance {
            Some(instance) => instance,
            None => self.instance.insert(Instance::init(&self.config)?),
        };
        self.host.begin_batch();
        let result = instance.handle(input, &mut self.host);
        self.host.end_batch(result.is_ok());
        if result.is_err() {
            self.instance = None;
        }
        result
    }

    /// Discards the instance and builds a fresh one from the configuration,
    /// as the host may at any time. State survives; fields of the plugin
    /// value do not.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let mut runner = cityhub_sdk::testing::NativeRunner::<Nop>::new("{}")?;
    /// runner.restart()?;
    /// # Ok::<(), Error>(())
    /// ```
    pub fn restart(&mut self) -> Result<(), Error> {
        self.instance = None;
        self.instance = Some(Instance::init(&self.config)?);
        Ok(())
    }

    /// The host: state, logs, clock.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let runner = cityhub_sdk::testing::NativeRunner::<Nop>::new("{}")?;
    /// assert!(runner.host().is_empty());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn host(&self) -> &H {
        &self.host
    }

    /// The host, to change: preload state, fix the clock.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, Context, Error, Plugin};
    /// # struct Nop;
    /// # impl Plugin for Nop {
    /// #     type Config = serde_json::Value;
    /// #     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Nop) }
    /// #     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
    /// # }
    /// let mut runner = cityhub_sdk::testing::NativeRunner::<Nop>::new("{}")?;
    /// runner.host_mut().insert("k", b"v".to_vec());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn host_mut(&mut self) -> &mut H {
        &mut self.host
    }
}

impl<P, H> fmt::Debug for NativeRunner<P, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NativeRunner")
            .field("config", &self.config)
            .field("instance", &self.instance.as_ref().map(|_| "live"))
            .finish_non_exhaustive()
    }
}
