//! Plugin state: the committed [`StateMap`] and the per-batch [`StateTxn`].
//!
//! Each plugin has one namespace of keys. A batch never writes the committed
//! map: it writes a transaction over a snapshot (`Arc`, so starting one is
//! free). If the batch succeeds the caller stores the writes together with the
//! batch's outputs and then applies them with [`StateMap::apply`]; if it fails
//! the transaction is dropped and nothing happened.

use std::{collections::HashMap, sync::Arc};

/// One write of a batch: a new value, or `None` to delete the key.
pub type StateWrite = (String, Option<Vec<u8>>);

/// The longest key, in bytes.
pub const MAX_KEY_LEN: usize = 256;

/// A plugin's committed state. `used` counts key and value bytes, which is
/// what the manifest's `state-quota` bounds.
#[derive(Debug, Clone, Default)]
pub struct StateMap {
    entries: HashMap<String, Vec<u8>>,
    used: u64,
}

impl StateMap {
    /// A map holding `entries` (as loaded from the store).
    pub fn from_entries(entries: impl IntoIterator<Item = (String, Vec<u8>)>) -> Self {
        let mut map = Self::default();
        for (k, v) in entries {
            map.used += (k.len() + v.len()) as u64;
            map.entries.insert(k, v);
        }
        map
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&[u8]> {
        self.entries.get(key).map(Vec::as_slice)
    }

    /// Bytes used by keys and values.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Applies a committed batch's writes.
    pub fn apply(&mut self, writes: &[StateWrite]) {
        for (k, v) in writes {
            if let Some(old) = self.entries.remove(k) {
                self.used -= (k.len() + old.len()) as u64;
            }
            if let Some(v) = v {
                self.used += (k.len() + v.len()) as u64;
                self.entries.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Why a state write was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WriteError {
    Quota(u64),
    InvalidKey(String),
    NotWritable,
}

/// The writes of one batch over a snapshot of the committed state.
#[derive(Debug, Default)]
pub(crate) struct StateTxn {
    base: Arc<StateMap>,
    writes: HashMap<String, Option<Vec<u8>>>,
    used: u64,
    quota: u64,
    writable: bool,
}

impl StateTxn {
    /// A transaction over `base`, allowed to grow to `quota` bytes.
    pub(crate) fn new(base: Arc<StateMap>, quota: u64) -> Self {
        let used = base.used();
        Self {
            base,
            writes: HashMap::new(),
            used,
            quota,
            writable: true,
        }
    }

    /// A read-only view over `base` (used during `init`).
    pub(crate) fn read_only(base: Arc<StateMap>) -> Self {
        Self {
            writable: false,
            ..Self::new(base, 0)
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<Vec<u8>> {
        match self.writes.get(key) {
            Some(v) => v.clone(),
            None => self.base.get(key).map(<[u8]>::to_vec),
        }
    }

    fn current_len(&self, key: &str) -> u64 {
        match self.writes.get(key) {
            Some(Some(v)) => (key.len() + v.len()) as u64,
            Some(None) => 0,
            None => self
                .base
                .get(key)
                .map_or(0, |v| (key.len() + v.len()) as u64),
        }
    }

    fn check_key(&self, key: &str) -> Result<(), WriteError> {
        if !self.writable {
            return Err(WriteError::NotWritable);
        }
        if key.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(WriteError::InvalidKey(format!(
                "keys are 1 to {MAX_KEY_LEN} bytes; this one has {}",
                key.len()
            )));
        }
        Ok(())
    }

    pub(crate) fn set(&mut self, key: String, value: Vec<u8>) -> Result<(), WriteError> {
        self.check_key(&key)?;
        let new_used = self.used - self.current_len(&key) + (key.len() + value.len()) as u64;
        if new_used > self.quota {
            return Err(WriteError::Quota(self.quota));
        }
        self.used = new_used;
        self.writes.insert(key, Some(value));
        Ok(())
    }

    pub(crate) fn delete(&mut self, key: String) -> Result<(), WriteError> {
        self.check_key(&key)?;
        self.used -= self.current_len(&key);
        self.writes.insert(key, None);
        Ok(())
    }

    /// The batch's writes, in no particular order.
    pub(crate) fn into_writes(self) -> Vec<StateWrite> {
        self.writes.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_visible_in_the_txn_and_counted_against_the_quota() {
        let base = Arc::new(StateMap::from_entries([("a".to_owned(), vec![1; 10])]));
        let mut txn = StateTxn::new(base.clone(), 30);
        assert_eq!(txn.get("a"), Some(vec![1; 10]));
        txn.set("b".into(), vec![2; 10]).unwrap(); // 11 + 11 = 22
        assert_eq!(txn.set("c".into(), vec![3; 10]), Err(WriteError::Quota(30)));
        txn.delete("a".into()).unwrap(); // 11
        txn.set("c".into(), vec![3; 10]).unwrap(); // 22
        assert_eq!(txn.get("a"), None);
        let writes = txn.into_writes();
        let mut map = (*base).clone();
        map.apply(&writes);
        assert_eq!(map.used(), 22);
        assert_eq!(map.get("c"), Some(&[3u8; 10][..]));
        assert_eq!(
            base.get("a"),
            Some(&[1u8; 10][..]),
            "the snapshot is never written"
        );
    }

    #[test]
    fn keys_are_checked_and_init_cannot_write() {
        let mut txn = StateTxn::new(Arc::default(), 100);
        assert!(matches!(
            txn.set(String::new(), vec![]),
            Err(WriteError::InvalidKey(_))
        ));
        assert!(matches!(
            txn.set("k".repeat(257), vec![]),
            Err(WriteError::InvalidKey(_))
        ));
        let mut ro = StateTxn::read_only(Arc::default());
        assert_eq!(ro.set("k".into(), vec![]), Err(WriteError::NotWritable));
    }
}
