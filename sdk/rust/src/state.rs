//! The plugin's key-value state, cached for one batch.
//!
//! Each `state` import call crosses the component boundary and copies its
//! strings, so within one `handle` call the SDK remembers every value it has
//! read and holds every write back (write-back caching), then writes each
//! changed key through once when the batch ends. A failed batch therefore
//! writes nothing. The cache is dropped after every batch, because other
//! instances of the plugin share the same state.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Host, StateError};

/// The longest state key, in bytes of UTF-8.
///
/// ```
/// assert_eq!(cityhub_sdk::MAX_KEY_LEN, 256);
/// ```
pub const MAX_KEY_LEN: usize = 256;

/// One batch's view of the state, kept by the SDK between `handle` calls so
/// that its table is allocated once per instance.
#[derive(Debug, Default)]
pub(crate) struct StateCache {
    slots: HashMap<String, Slot>,
}

#[derive(Debug)]
struct Slot {
    /// `None`: the key is not set (known absent, or deleted in this batch).
    value: Option<Vec<u8>>,
    dirty: bool,
}

impl StateCache {
    /// Forgets everything; keeps the table's memory.
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
    }
}

/// The plugin's key-value store, as seen from one batch; get it with
/// [`Context::state`](crate::Context::state).
///
/// Reads are remembered for the rest of the batch, and writes are visible to
/// later reads at once but reach the host only when the batch ends (or on
/// [`flush`](Self::flush)). Only then does the host check the plugin's
/// `state-quota`: a write over quota fails the batch, not the `set` call.
///
/// Keys are 1 to [`MAX_KEY_LEN`] bytes of UTF-8; values are bytes (use the
/// `_json` helpers for typed values). The total size of keys and values is
/// bounded by the manifest's `state-quota`.
///
/// ```
/// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
/// let mut state = ctx.state();
/// state.set_json("segment/QL1A-km12", &serde_json::json!({"ewma": 42.0}))?;
/// let seen: Option<serde_json::Value> = state.get_json("segment/QL1A-km12")?;
/// assert_eq!(seen.unwrap()["ewma"], 42.0);
/// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
/// ```
pub struct State<'c> {
    host: &'c mut dyn Host,
    cache: &'c mut StateCache,
}

impl<'c> State<'c> {
    pub(crate) fn new(host: &'c mut dyn Host, cache: &'c mut StateCache) -> Self {
        Self { host, cache }
    }

    /// The value of `key`, or `None` if it is not set. The first read of a
    /// key in a batch asks the host; later ones are free.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.state().set("greeting", "xin chào")?;
    /// assert_eq!(ctx.state().get("greeting"), Some("xin chào".as_bytes()));
    /// assert_eq!(ctx.state().get("missing"), None);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn get(&mut self, key: &str) -> Option<&[u8]> {
        if !self.cache.slots.contains_key(key) {
            let valid = !key.is_empty() && key.len() <= MAX_KEY_LEN;
            let value = if valid {
                self.host.state_get(key)
            } else {
                None
            };
            self.cache.slots.insert(
                key.to_owned(),
                Slot {
                    value,
                    dirty: false,
                },
            );
        }
        self.cache
            .slots
            .get(key)
            .and_then(|slot| slot.value.as_deref())
    }

    /// The value of `key` deserialized from JSON, or `None` if it is not set.
    /// A value that does not deserialize as `T` is an
    /// [`ErrorKind::Internal`](crate::ErrorKind::Internal) naming the key and
    /// the field.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.state().set_json("count", &3u32)?;
    /// assert_eq!(ctx.state().get_json::<u32>("count")?, Some(3));
    /// assert!(ctx.state().get_json::<String>("count").is_err());
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn get_json<T: DeserializeOwned>(&mut self, key: &str) -> Result<Option<T>, Error> {
        self.get(key)
            .map(|bytes| crate::json::state_value(key, bytes))
            .transpose()
    }

    /// Sets `key` to `value`. The host sees the write when the batch ends.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.state().set("last-seen", b"2026-11-27T08:00:00+07:00".to_vec())?;
    /// assert!(ctx.state().set("", b"x".to_vec()).is_err()); // keys are 1 to 256 bytes
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn set(&mut self, key: &str, value: impl Into<Vec<u8>>) -> Result<(), Error> {
        check_key(key)?;
        self.write(key, Some(value.into()));
        Ok(())
    }

    /// Sets `key` to `value` serialized as compact JSON, reusing the buffer
    /// of the value it replaces.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.state().set_json("segment/QL4A-km3", &serde_json::json!({"samples": 4}))?;
    /// assert_eq!(ctx.state().get("segment/QL4A-km3"), Some(&br#"{"samples":4}"#[..]));
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn set_json<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        check_key(key)?;
        let mut buf = match self.cache.slots.get_mut(key) {
            Some(slot) => slot.value.take().unwrap_or_default(),
            None => Vec::new(),
        };
        buf.clear();
        let written = serde_json::to_writer(&mut buf, value);
        self.write(key, Some(buf));
        written.map_err(|err| {
            Error::internal(format!("cannot serialize state `{key}` as JSON: {err}"))
        })
    }

    /// Removes `key`; removing a missing key is not an error.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// ctx.state().set("k", b"v".to_vec())?;
    /// ctx.state().delete("k")?;
    /// assert_eq!(ctx.state().get("k"), None);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn delete(&mut self, key: &str) -> Result<(), Error> {
        check_key(key)?;
        self.write(key, None);
        Ok(())
    }

    /// Writes every changed key through to the host now instead of at the
    /// end of the batch: deletions first (they free quota), then writes, each
    /// in key order. Useful to learn of a full quota early; the SDK flushes
    /// at the end of every successful batch anyway.
    ///
    /// A refused write is an [`ErrorKind::Internal`](crate::ErrorKind::Internal)
    /// naming the key; if `handle` returns it, the batch fails and none of
    /// its writes are committed.
    ///
    /// ```
    /// use cityhub_sdk::testing::MemoryHost;
    /// let mut host = MemoryHost::new().with_quota(16);
    /// let err = host.with_context(|ctx| {
    ///     ctx.state().set("small", b"ok".to_vec())?;
    ///     ctx.state().flush()?;
    ///     ctx.state().set("big", vec![0u8; 64])?; // accepted for now...
    ///     ctx.state().flush() // ...refused here
    /// }).unwrap_err();
    /// assert!(err.message().contains("quota of 16 bytes"), "{err}");
    /// ```
    pub fn flush(&mut self) -> Result<(), Error> {
        let mut dirty: Vec<(bool, &String)> = self
            .cache
            .slots
            .iter()
            .filter(|(_, s)| s.dirty)
            .map(|(k, s)| (s.value.is_some(), k))
            .collect();
        if dirty.is_empty() {
            return Ok(());
        }
        dirty.sort_unstable();
        for (is_set, key) in dirty {
            let result = match self.cache.slots.get(key).and_then(|s| s.value.as_deref()) {
                Some(value) if is_set => self.host.state_set(key, value),
                _ => self.host.state_delete(key),
            };
            result.map_err(|err| flush_error(key, err))?;
        }
        for slot in self.cache.slots.values_mut() {
            slot.dirty = false;
        }
        Ok(())
    }

    /// Records a write (`None`: a deletion) without reading the key first.
    fn write(&mut self, key: &str, value: Option<Vec<u8>>) {
        match self.cache.slots.get_mut(key) {
            Some(slot) => {
                slot.value = value;
                slot.dirty = true;
            }
            None => {
                self.cache
                    .slots
                    .insert(key.to_owned(), Slot { value, dirty: true });
            }
        }
    }
}

fn check_key(key: &str) -> Result<(), Error> {
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(Error::internal(format!(
            "state key `{key}` is {} bytes; keys are 1 to {MAX_KEY_LEN} bytes of UTF-8",
            key.len()
        )));
    }
    Ok(())
}

fn flush_error(key: &str, err: StateError) -> Error {
    match err {
        StateError::QuotaExceeded(quota) => Error::internal(format!(
            "writing state `{key}` would exceed the state quota of {quota} bytes: \
             delete keys the plugin no longer needs or raise `limits.state-quota` in plugin.toml"
        )),
        other => Error::internal(format!("the host refused to write state `{key}`: {other}")),
    }
}

impl fmt::Debug for State<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemoryHost;
    use crate::{Level, Timestamp};

    /// A host that records every state call that would cross the boundary.
    #[derive(Default)]
    struct Recording {
        inner: MemoryHost,
        calls: Vec<String>,
    }

    impl Host for Recording {
        fn state_get(&mut self, key: &str) -> Option<Vec<u8>> {
            self.calls.push(format!("get {key}"));
            self.inner.state_get(key)
        }
        fn state_set(&mut self, key: &str, value: &[u8]) -> Result<(), StateError> {
            self.calls.push(format!("set {key}"));
            self.inner.state_set(key, value)
        }
        fn state_delete(&mut self, key: &str) -> Result<(), StateError> {
            self.calls.push(format!("delete {key}"));
            self.inner.state_delete(key)
        }
        fn log(&mut self, _: Level, _: &str, _: &[(&str, &str)]) {}
        fn now(&mut self) -> Timestamp {
            Timestamp::UNIX_EPOCH
        }
    }

    #[test]
    fn reads_each_key_from_the_host_once_per_batch() {
        let mut host = Recording::default();
        host.inner.insert("a", b"1".to_vec());
        let mut cache = StateCache::default();
        let mut state = State::new(&mut host, &mut cache);
        assert_eq!(state.get("a"), Some(&b"1"[..]));
        assert_eq!(state.get_json::<u8>("a").unwrap(), Some(1));
        assert_eq!(state.get("missing"), None);
        assert_eq!(state.get("missing"), None);
        assert_eq!(state.get(""), None); // never a valid key: not asked
        assert_eq!(host.calls, ["get a", "get missing"]);

        // A new batch forgets what it read: another instance may have written.
        cache.clear();
        State::new(&mut host, &mut cache).get("a");
        assert_eq!(host.calls.len(), 3);
    }

    #[test]
    fn writes_reach_the_host_once_at_flush_deletions_first_in_key_order() {
        let mut host = Recording::default();
        host.inner.insert("c", b"old".to_vec());
        let mut cache = StateCache::default();
        let mut state = State::new(&mut host, &mut cache);
        state.set("b", "1").unwrap();
        state.set_json("a", &[1, 2]).unwrap();
        state.delete("z").unwrap();
        state.set("b", "2").unwrap();
        state.delete("c").unwrap();
        assert_eq!(state.get("b"), Some(&b"2"[..]));
        assert_eq!(state.get("c"), None);
        assert_eq!(state.get_json::<Vec<u8>>("a").unwrap(), Some(vec![1, 2]));
        state.flush().unwrap();
        state.flush().unwrap(); // nothing left to write
        assert_eq!(host.calls, ["delete c", "delete z", "set a", "set b"]);
        assert_eq!(host.inner.get("b"), Some(&b"2"[..]));
        assert_eq!(host.inner.get("c"), None);
    }

    #[test]
    fn set_json_after_get_reuses_the_value_and_keys_are_checked() {
        let mut host = MemoryHost::new();
        host.insert("n", b"41".to_vec());
        let mut cache = StateCache::default();
        let mut state = State::new(&mut host, &mut cache);
        let n: u32 = state.get_json("n").unwrap().unwrap();
        state.set_json("n", &(n + 1)).unwrap();
        assert_eq!(state.get("n"), Some(&b"42"[..]));
        let long = "k".repeat(MAX_KEY_LEN + 1);
        let err = state.set(&long, "v").unwrap_err();
        assert!(
            err.message().contains("is 257 bytes; keys are 1 to 256"),
            "{err}"
        );
        assert!(state.delete("").is_err());
        assert!(state.set(&long[..MAX_KEY_LEN], "v").is_ok());
    }

    #[test]
    fn a_refused_write_names_the_key_and_the_fix() {
        let mut host = MemoryHost::new().with_quota(8);
        let mut cache = StateCache::default();
        let mut state = State::new(&mut host, &mut cache);
        state.set("segment/QL1A-km12", "{}").unwrap();
        let err = state.flush().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Internal);
        assert!(err.message().contains("state `segment/QL1A-km12`"), "{err}");
        assert!(err.message().contains("quota of 8 bytes"), "{err}");
        assert!(err.message().contains("`limits.state-quota`"), "{err}");
    }

    #[test]
    fn a_value_of_the_wrong_shape_names_the_key_and_field() {
        let mut host = MemoryHost::new();
        host.insert("seg", br#"{"samples": "three"}"#.to_vec());
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Seg {
            samples: u32,
        }
        let mut cache = StateCache::default();
        let err = State::new(&mut host, &mut cache)
            .get_json::<Seg>("seg")
            .unwrap_err();
        assert!(
            err.message()
                .starts_with("state `seg`: `value.samples`: invalid type"),
            "{err}"
        );
    }
}
