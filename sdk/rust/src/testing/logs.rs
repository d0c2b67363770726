//! Log records as a test sees them: what a plugin wrote through
//! [`Log`](crate::Log), kept by [`MemoryHost`](super::MemoryHost).

use crate::Level;

/// One log record a plugin wrote.
///
/// ```
/// # use cityhub_sdk::{Level, testing::MemoryHost};
/// let mut host = MemoryHost::new();
/// host.with_context(|ctx| { ctx.log().warn("late reading", &[("segment", "QL4A-km3")]); Ok(()) })?;
/// let record = &host.logs()[0];
/// assert_eq!((record.level, record.message.as_str()), (Level::Warn, "late reading"));
/// assert_eq!(record.field("segment"), Some("QL4A-km3"));
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// Severity.
    pub level: Level,
    /// The message.
    pub message: String,
    /// The key-value fields, in the order written.
    pub fields: Vec<(String, String)>,
}

impl LogRecord {
    /// The value of field `name`, if the record has it.
    ///
    /// ```
    /// # use cityhub_sdk::{Level, testing::LogRecord};
    /// let record = LogRecord { level: Level::Info, message: "m".into(), fields: vec![("k".into(), "v".into())] };
    /// assert_eq!(record.field("k"), Some("v"));
    /// ```
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
