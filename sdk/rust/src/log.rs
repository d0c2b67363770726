//! Structured logging into the host's tracing, tagged there with the
//! plugin's name. Records cross the boundary one call each, so log what an
//! operator needs, not every event.

use core::fmt;

use crate::Host;

/// Severity of a log record. Mirrors the WIT `level` enum.
///
/// ```
/// use cityhub_sdk::Level;
/// assert!(Level::Warn > Level::Info);
/// assert_eq!(Level::Warn.as_str(), "warn");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Step-by-step detail.
    Trace,
    /// Detail useful while developing the plugin.
    Debug,
    /// Something an operator may want to know.
    Info,
    /// Something unusual that the plugin handled.
    Warn,
    /// Something failed.
    Error,
}

impl Level {
    /// The WIT name of the level.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::Level::Error.as_str(), "error");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trace => "trace",
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Writes log records to the host; get one with
/// [`Context::log`](crate::Context::log).
///
/// Each call crosses the component boundary once. The host keeps at most a
/// fixed number of records per batch and truncates long messages; logging
/// never fails.
///
/// ```
/// # use cityhub_sdk::testing::MemoryHost;
/// # let mut host = MemoryHost::new();
/// # host.with_context(|ctx| {
/// ctx.log().info("segment congested", &[("segment", "QL1A-km12"), ("speed_kmh", "14.2")]);
/// # Ok(()) })?;
/// # assert_eq!(host.logs()[0].field("segment"), Some("QL1A-km12"));
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
pub struct Log<'c> {
    host: &'c mut dyn Host,
}

impl<'c> Log<'c> {
    pub(crate) fn new(host: &'c mut dyn Host) -> Self {
        Self { host }
    }

    /// Writes one record at `level`.
    ///
    /// ```
    /// # use cityhub_sdk::{Level, testing::MemoryHost};
    /// # let mut host = MemoryHost::new();
    /// # host.with_context(|ctx| {
    /// ctx.log().write(Level::Warn, "reading out of order", &[("segment", "QL4A-km3")]);
    /// # Ok(()) })?;
    /// # assert_eq!(host.logs()[0].level, Level::Warn);
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn write(&mut self, level: Level, message: &str, fields: &[(&str, &str)]) {
        self.host.log(level, message, fields);
    }

    /// Writes a [`Level::Trace`] record.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.log().trace("decoded reading", &[("event", "r-1")]);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn trace(&mut self, message: &str, fields: &[(&str, &str)]) {
        self.write(Level::Trace, message, fields);
    }

    /// Writes a [`Level::Debug`] record.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.log().debug("ewma updated", &[("segment", "QL1A-km12")]);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn debug(&mut self, message: &str, fields: &[(&str, &str)]) {
        self.write(Level::Debug, message, fields);
    }

    /// Writes a [`Level::Info`] record.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.log().info("segment congested", &[("segment", "QL1A-km12")]);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn info(&mut self, message: &str, fields: &[(&str, &str)]) {
        self.write(Level::Info, message, fields);
    }

    /// Writes a [`Level::Warn`] record.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.log().warn("reading skipped: window is empty", &[("event", "r-1")]);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn warn(&mut self, message: &str, fields: &[(&str, &str)]) {
        self.write(Level::Warn, message, fields);
    }

    /// Writes a [`Level::Error`] record.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.log().error("segment state unreadable, starting afresh", &[("segment", "QL1B-km5")]);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn error(&mut self, message: &str, fields: &[(&str, &str)]) {
        self.write(Level::Error, message, fields);
    }
}

impl fmt::Debug for Log<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Log").finish_non_exhaustive()
    }
}
