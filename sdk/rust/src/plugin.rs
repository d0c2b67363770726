//! The trait a plugin implements: how the host builds an instance and hands
//! it batches.

use serde::de::DeserializeOwned;

use crate::{Batch, Context, Error};

/// A cityhub plugin. Export it with [`export_plugin!`](crate::export_plugin).
///
/// # Lifecycle
///
/// The host creates an *instance* of the plugin's component, calls
/// [`init`](Plugin::init) once with the configuration, then
/// [`handle`](Plugin::handle) once per batch. The value `init` returns lives
/// as long as the instance, so fields can cache derived data (a parsed lookup
/// table, say) across batches. But the host may discard an instance at any
/// time (after any failed batch, when it scales, when the plugin is
/// reloaded) and several instances may run at once, so **durable facts
/// belong in [`State`](crate::State)**, never only in `self`.
///
/// ```
/// use cityhub_sdk::{Batch, Context, Error, Output, Plugin};
///
/// #[derive(serde::Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct Config {
///     #[serde(default = "default_threshold")]
///     threshold: u32,
/// }
/// fn default_threshold() -> u32 { 100 }
///
/// /// Emits `city.traffic.busy` for every reading over the threshold.
/// struct Busy { threshold: u32 }
///
/// impl Plugin for Busy {
///     type Config = Config;
///
///     fn init(config: Config) -> Result<Self, Error> {
///         if config.threshold == 0 {
///             return Err(Error::config("`threshold` must be at least 1"));
///         }
///         Ok(Busy { threshold: config.threshold })
///     }
///
///     fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
///         for event in batch {
///             let count: u32 = event.data_json()?;
///             if count > self.threshold {
///                 ctx.emit(Output::new("city.traffic.busy").subject(event.subject().unwrap_or("")).json(&count))?;
///             }
///         }
///         Ok(())
///     }
/// }
///
/// use cityhub_sdk::testing::{Harness, TestEvent};
/// let mut harness = Harness::<Busy>::new(serde_json::json!({"threshold": 10}))?;
/// let out = harness.handle(&[TestEvent::new("city.traffic.count").subject("QL1A").json(&12)])?;
/// assert_eq!(out[0].ty, "city.traffic.busy");
/// assert!(Harness::<Busy>::new(serde_json::json!({"threshold": 0})).is_err());
/// assert!(Harness::<Busy>::new(serde_json::json!({"treshold": 5})).is_err()); // unknown field
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
pub trait Plugin: Sized {
    /// The configuration, deserialized from the JSON the host passes to
    /// `init`. The host has already checked it against the manifest's
    /// `config-schema`; a configuration that does not deserialize is an
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) naming the field. An
    /// empty configuration string reads as `{}`. Use `serde_json::Value` to
    /// take the JSON as it is.
    type Config: DeserializeOwned;

    /// Builds an instance from its configuration. Called once per instance,
    /// before its first batch; state cannot be written here. Return
    /// [`Error::config`] for a configuration the plugin cannot use.
    fn init(config: Self::Config) -> Result<Self, Error>;

    /// Handles one batch of one or more events whose types match the
    /// manifest's `subscribes`, in log order.
    ///
    /// Everything the call does is one unit: if it returns an error (or
    /// panics, or breaks a limit) its outputs and state writes are dropped,
    /// the instance is discarded and the host decides from the
    /// [`ErrorKind`](crate::ErrorKind) whether to retry the batch. So a
    /// plugin should fail a batch only for a reason that applies to the
    /// batch; to skip one bad event, log it and carry on.
    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error>;
}
