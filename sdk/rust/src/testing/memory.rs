//! An in-memory [`Host`]: state in a sorted map with an optional quota, log
//! records kept for inspection, and a clock that can be fixed. Like the real
//! host it commits a batch's state writes only when the batch succeeds
//! (`tests/all/memory.rs` checks the quota and the rollback).

use cityhub_frame::FrameWriter;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::LogRecord;
use super::store::Store;
use crate::state::StateCache;
use crate::{Context, Error, Host, Level, MAX_KEY_LEN, StateError, Timestamp};

/// Log records kept by default before further ones are only counted.
const DEFAULT_MAX_LOGS: usize = 10_000;

/// A [`Host`] in memory, for tests and benchmarks.
///
/// ```
/// use cityhub_sdk::testing::MemoryHost;
/// let mut host = MemoryHost::new().with_quota(1024);
/// host.with_context(|ctx| ctx.state().set_json("segment/QL1A-km12", &42))?;
/// assert_eq!(host.get_json::<u32>("segment/QL1A-km12")?, Some(42));
/// assert_eq!(host.used_bytes(), "segment/QL1A-km12".len() as u64 + 2);
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
#[derive(Debug)]
pub struct MemoryHost {
    store: Store,
    quota: Option<u64>,
    now: Option<Timestamp>,
    logs: Vec<LogRecord>,
    max_logs: usize,
    dropped_logs: u64,
}

impl Default for MemoryHost {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryHost {
    /// Empty state with no quota, the system clock, and up to 10,000 log
    /// records kept.
    ///
    /// ```
    /// assert!(cityhub_sdk::testing::MemoryHost::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self {
            store: Store::default(),
            quota: None,
            now: None,
            logs: Vec::new(),
            max_logs: DEFAULT_MAX_LOGS,
            dropped_logs: 0,
        }
    }

    /// Refuses writes that would take keys plus values over `bytes`, as the
    /// manifest's `state-quota` does.
    ///
    /// ```
    /// let host = cityhub_sdk::testing::MemoryHost::new().with_quota(64 * 1024);
    /// ```
    pub fn with_quota(mut self, bytes: u64) -> Self {
        self.quota = Some(bytes);
        self
    }

    /// Fixes the clock at `now`.
    ///
    /// ```
    /// use cityhub_sdk::{Timestamp, testing::MemoryHost};
    /// let mut host = MemoryHost::new().with_now(Timestamp::new(1_795_741_200, 0));
    /// assert_eq!(host.with_context(|ctx| Ok(ctx.now().seconds()))?, 1_795_741_200);
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn with_now(mut self, now: Timestamp) -> Self {
        self.now = Some(now);
        self
    }

    /// Keeps at most `max` log records and only counts the rest; `0` keeps
    /// none, which is what a benchmark wants.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new().with_max_logs(0);
    /// host.with_context(|ctx| { ctx.log().info("dropped", &[]); Ok(()) })?;
    /// assert_eq!((host.logs().len(), host.dropped_logs()), (0, 1));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn with_max_logs(mut self, max: usize) -> Self {
        self.max_logs = max;
        self
    }

    /// Changes the quota; `None` removes it.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.set_quota(Some(10));
    /// ```
    pub fn set_quota(&mut self, bytes: Option<u64>) {
        self.quota = bytes;
    }

    /// Fixes the clock at `now`; `None` goes back to the system clock.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.set_now(Some(cityhub_sdk::Timestamp::UNIX_EPOCH));
    /// ```
    pub fn set_now(&mut self, now: Option<Timestamp>) {
        self.now = now;
    }

    /// The committed value of `key`.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.insert("k", b"v".to_vec());
    /// assert_eq!(host.get("k"), Some(&b"v"[..]));
    /// ```
    pub fn get(&self, key: &str) -> Option<&[u8]> {
        self.store.get(key)
    }

    /// The committed value of `key` deserialized from JSON.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.insert("n", b"7".to_vec());
    /// assert_eq!(host.get_json::<u8>("n")?, Some(7));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        self.get(key)
            .map(|bytes| crate::json::state_value(key, bytes))
            .transpose()
    }

    /// Sets `key` directly, bypassing the quota: for preparing a test.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.insert("segment/QL1A-km12", br#"{"samples":3}"#.to_vec());
    /// assert_eq!(host.len(), 1);
    /// ```
    pub fn insert(&mut self, key: impl Into<String>, value: Vec<u8>) {
        let key = key.into();
        self.store.put(&key, Some(value));
    }

    /// Sets `key` to `value` as JSON, bypassing the quota.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.insert_json("count", &3)?;
    /// assert_eq!(host.get("count"), Some(&b"3"[..]));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn insert_json<T: Serialize + ?Sized>(
        &mut self,
        key: impl Into<String>,
        value: &T,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(value)
            .map_err(|err| Error::internal(format!("cannot serialize: {err}")))?;
        self.insert(key, bytes);
        Ok(())
    }

    /// Removes `key` directly.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.insert("k", vec![1]);
    /// host.remove("k");
    /// assert!(host.is_empty());
    /// ```
    pub fn remove(&mut self, key: &str) {
        self.store.put(key, None);
    }

    /// The keys set, in order.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.insert("b", vec![]);
    /// host.insert("a", vec![]);
    /// assert_eq!(host.keys().collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.store.keys()
    }

    /// The number of keys set.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::testing::MemoryHost::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// Whether no key is set.
    ///
    /// ```
    /// assert!(cityhub_sdk::testing::MemoryHost::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.store.len() == 0
    }

    /// The bytes the quota counts: every key plus its value.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.insert("ab", vec![0; 3]);
    /// assert_eq!(host.used_bytes(), 5);
    /// ```
    pub fn used_bytes(&self) -> u64 {
        self.store.used()
    }

    /// The log records kept, oldest first.
    ///
    /// ```
    /// assert!(cityhub_sdk::testing::MemoryHost::new().logs().is_empty());
    /// ```
    pub fn logs(&self) -> &[LogRecord] {
        &self.logs
    }

    /// Takes the log records kept so far, leaving none.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// host.with_context(|ctx| { ctx.log().info("x", &[]); Ok(()) })?;
    /// assert_eq!(host.take_logs().len(), 1);
    /// assert!(host.logs().is_empty());
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn take_logs(&mut self) -> Vec<LogRecord> {
        std::mem::take(&mut self.logs)
    }

    /// How many records were dropped because the limit was reached.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::testing::MemoryHost::new().dropped_logs(), 0);
    /// ```
    pub fn dropped_logs(&self) -> u64 {
        self.dropped_logs
    }

    /// Runs `f` with a [`Context`] on this host, as one batch: state writes
    /// are flushed at the end and committed only if `f` succeeds. What `f`
    /// emits is discarded. Handy for unit-testing helpers that take a
    /// `Context`.
    ///
    /// ```
    /// let mut host = cityhub_sdk::testing::MemoryHost::new();
    /// let failed = host.with_context(|ctx| {
    ///     ctx.state().set("k", b"v".to_vec())?;
    ///     Err::<(), _>(cityhub_sdk::Error::internal("boom"))
    /// });
    /// assert!(failed.is_err());
    /// assert!(host.is_empty()); // rolled back
    /// ```
    pub fn with_context<R>(
        &mut self,
        f: impl FnOnce(&mut Context<'_>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let (mut cache, mut out, mut scratch) =
            (StateCache::default(), FrameWriter::new(), Vec::new());
        self.begin_batch();
        let result = {
            let mut ctx = Context::new(self, &mut cache, &mut out, &mut scratch);
            f(&mut ctx).and_then(|value| ctx.state().flush().map(|()| value))
        };
        self.end_batch(result.is_ok());
        result
    }
}

fn check_key(key: &str) -> Result<(), StateError> {
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(StateError::InvalidKey(format!(
            "`{key}` is {} bytes; keys are 1 to {MAX_KEY_LEN}",
            key.len()
        )));
    }
    Ok(())
}

impl Host for MemoryHost {
    fn state_get(&mut self, key: &str) -> Option<Vec<u8>> {
        self.store.get(key).map(<[u8]>::to_vec)
    }

    fn state_set(&mut self, key: &str, value: &[u8]) -> Result<(), StateError> {
        check_key(key)?;
        if let Some(quota) = self.quota {
            let old = self
                .store
                .get(key)
                .map_or(0, |v| (key.len() + v.len()) as u64);
            if self.store.used() - old + (key.len() + value.len()) as u64 > quota {
                return Err(StateError::QuotaExceeded(quota));
            }
        }
        self.store.write(key, Some(value.to_vec()));
        Ok(())
    }

    fn state_delete(&mut self, key: &str) -> Result<(), StateError> {
        check_key(key)?;
        if self.store.get(key).is_some() {
            self.store.write(key, None);
        }
        Ok(())
    }

    fn log(&mut self, level: Level, message: &str, fields: &[(&str, &str)]) {
        if self.logs.len() >= self.max_logs {
            self.dropped_logs += 1;
            return;
        }
        let fields = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.logs.push(LogRecord {
            level,
            message: message.to_owned(),
            fields,
        });
    }

    fn now(&mut self) -> Timestamp {
        if let Some(now) = self.now {
            return now;
        }
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => Timestamp::new(
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                d.subsec_nanos(),
            ),
            Err(_) => Timestamp::UNIX_EPOCH,
        }
    }

    fn begin_batch(&mut self) {
        self.store.begin();
    }

    fn end_batch(&mut self, succeeded: bool) {
        self.store.end(succeeded);
    }
}
