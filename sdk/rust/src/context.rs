//! What a plugin can do while it handles a batch: emit events, use its
//! state, log, and read the clock. One [`Context`] lives for one batch.

use core::fmt;

use cityhub_frame::{Attributes, FrameWriter};

use crate::output::Data;
use crate::state::StateCache;
use crate::{Error, Host, Log, Output, State, Timestamp};

/// The plugin's handle on the host during one call to
/// [`Plugin::handle`](crate::Plugin::handle).
///
/// ```
/// # use cityhub_sdk::{Output, testing::MemoryHost};
/// # MemoryHost::new().with_context(|ctx| {
/// let speed = 14.2;
/// ctx.emit(Output::new("city.traffic.congestion").subject("QL1A-km12").json(&speed))?;
/// ctx.state().set_json("segment/QL1A-km12", &speed)?;
/// ctx.log().info("segment congested", &[("segment", "QL1A-km12")]);
/// let _now = ctx.now();
/// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
/// ```
pub struct Context<'a> {
    host: &'a mut dyn Host,
    cache: &'a mut StateCache,
    out: &'a mut FrameWriter,
    scratch: &'a mut Vec<u8>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        host: &'a mut dyn Host,
        cache: &'a mut StateCache,
        out: &'a mut FrameWriter,
        scratch: &'a mut Vec<u8>,
    ) -> Self {
        Self {
            host,
            cache,
            out,
            scratch,
        }
    }

    /// Appends `output` to the batch's output frame.
    ///
    /// The host checks the manifest's limits when the batch returns: every
    /// output type must match `publishes`, and the number of outputs and the
    /// size of the frame are bounded (`outputs-per-batch`, `output-bytes`).
    /// Breaking one fails the whole batch. This call fails only for an output
    /// the host would refuse anyway (an empty type, a malformed extension
    /// name) or JSON data that cannot be serialized.
    ///
    /// ```
    /// # use cityhub_sdk::{Output, testing::MemoryHost};
    /// # MemoryHost::new().with_context(|ctx| {
    /// ctx.emit(Output::new("city.traffic.congestion").subject("QL4A-km3").json(&serde_json::json!({"congested": true})))?;
    /// assert_eq!(ctx.emitted(), 1);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn emit(&mut self, output: Output<'_>) -> Result<(), Error> {
        output.check()?;
        let (data, content_type) = match output.data {
            Data::None => (None, None),
            Data::Bytes {
                bytes,
                content_type,
            } => (Some(bytes), Some(content_type)),
            Data::Json(value) => {
                self.scratch.clear();
                value.write_json(self.scratch).map_err(|err| {
                    Error::internal(format!(
                        "cannot serialize the data of output `{}` as JSON: {err}",
                        output.ty
                    ))
                })?;
                (Some(&self.scratch[..]), Some("application/json"))
            }
        };
        let attrs = Attributes {
            id: "",
            source: "",
            ty: output.ty,
            subject: output.subject,
            time: output.time,
            datacontenttype: content_type,
            dataschema: output.dataschema,
        };
        self.out.push(&attrs, output.extensions(), data);
        Ok(())
    }

    /// How many events this batch has emitted so far.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// assert_eq!(ctx.emitted(), 0);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn emitted(&self) -> usize {
        self.out.len()
    }

    /// The size of the output frame so far, in bytes; the host bounds it by
    /// the manifest's `output-bytes`.
    ///
    /// ```
    /// # use cityhub_sdk::Output;
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// let before = ctx.output_bytes();
    /// ctx.emit(Output::new("city.x.y").data(&[0u8; 100], "application/octet-stream"))?;
    /// assert!(ctx.output_bytes() > before + 100);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn output_bytes(&self) -> usize {
        self.out.encoded_len()
    }

    /// The plugin's key-value state, cached for this batch (see [`State`]).
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// let seen: u64 = ctx.state().get_json("seen")?.unwrap_or(0);
    /// ctx.state().set_json("seen", &(seen + 1))?;
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn state(&mut self) -> State<'_> {
        State::new(&mut *self.host, &mut *self.cache)
    }

    /// Structured logging into the host's tracing (see [`Log`]).
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.log().warn("reading skipped", &[("reason", "no speed")]);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn log(&mut self) -> Log<'_> {
        Log::new(&mut *self.host)
    }

    /// The host's current time. The host may fix it for a whole batch, so do
    /// not use it to measure how long the plugin takes.
    ///
    /// ```
    /// use cityhub_sdk::{Timestamp, testing::MemoryHost};
    /// let fixed = Timestamp::parse_rfc3339("2026-11-27T08:00:00+07:00").unwrap();
    /// MemoryHost::new().with_now(fixed).with_context(|ctx| {
    ///     assert_eq!(ctx.now(), fixed);
    ///     Ok(())
    /// })?;
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn now(&mut self) -> Timestamp {
        self.host.now()
    }
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("emitted", &self.out.len())
            .field("output_bytes", &self.out.encoded_len())
            .finish_non_exhaustive()
    }
}
